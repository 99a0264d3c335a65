package diag

// A Code identifies a kind of diagnostic. Codes are stable: tools and users
// search for them, so a code is never reused for another meaning.
//
// Ranges: E00xx lexical and syntax errors, E01xx/W01xx project
// configuration, E02xx and above semantic analysis.
type Code string

// Lexical and syntax errors, reported by the scanner and the parser.
const (
	UnexpectedChar      Code = "E0001" // a character that starts no token
	UnterminatedString  Code = "E0002" // a string literal without its closing quote
	UnterminatedRegex   Code = "E0003" // a regex literal without its closing slash
	MalformedNumber     Code = "E0004" // e.g. "1." or a lone "-"
	UnexpectedToken     Code = "E0005" // a token the grammar does not allow here
	UnclosedDelimiter   Code = "E0006" // "{", "(", "[" or "<" never closed
	UnknownTag          Code = "E0007" // "[foo]" where foo is no tag
	KeyNestedBrace      Code = "E0008" // "{" inside a key-format placeholder
	KeyUnclosedBrace    Code = "E0009" // key-format placeholder never closed
	KeyEmptyPlaceholder Code = "E0010" // "{}" or "{ }" in a key format
	PartialNeedsObject  Code = "E0011" // partial<T> where T is not a name
	ReservedWord        Code = "E0012" // self, ctx or env used as a name
	ExpectedDeclaration Code = "E0013" // top level: not a declaration
	ExpectedItem        Code = "E0014" // inside a block: not an item of that block
	KeyBadPlaceholder   Code = "E0015" // placeholder that is not an identifier
)

// Project configuration (cloesce.jsonc) and source discovery.
const (
	ConfigSyntax      Code = "E0101" // the file is not valid JSON with comments
	ConfigType        Code = "E0102" // a known key with a value of the wrong type
	ConfigUnknownKey  Code = "W0103" // a key Cloesce does not know (warning)
	SourcePathMissing Code = "W0104" // a src_paths entry that does not exist (warning)
	NoSources         Code = "E0105" // no .clo or .cloesce files found
	ConfigValue       Code = "E0106" // a known key with a value outside its allowed set
)

// Semantic analysis.
const (
	DuplicateSymbol   Code = "E0201" // a name declared twice in one scope
	StrayFragment     Code = "E0202" // a block item written at the top level
	TagNotAllowed     Code = "E0203" // a tag where it has no meaning
	UnknownType       Code = "E0204" // a type naming no model or poo
	OneFieldPerBlock  Code = "E0205" // nav, kv or r2 block declaring other than one field
	InvalidColumnType Code = "E0206" // a column, route or var type SQLite cannot store
)
