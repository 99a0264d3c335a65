package diag

// A Code identifies a kind of diagnostic. Codes are stable: tools and users
// search for them, so a code is never reused for another meaning.
//
// Ranges: E00xx lexical and syntax errors, E01xx/W01xx project
// configuration, E02xx semantic analysis, E03xx migrations, E04xx/W04xx
// cloesce dev, E05xx formatting.
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

	// The wrangler configuration that compile completes.
	WranglerConfig     Code = "E0107" // wrangler.toml/jsonc does not parse, or a key has the wrong type
	WranglerShadowed   Code = "W0108" // another wrangler config file next to the one compile writes (warning)
	WranglerRenamed    Code = "W0109" // a schema binding whose resource the wrangler file binds under another name (warning)
	WranglerUnknown    Code = "W0110" // a D1, KV, R2 or Durable Object binding the schema does not declare (warning)
	WranglerClassGone  Code = "W0111" // a Durable Object class the migrations create but the schema does not declare (warning)
	WranglerEntryGuess Code = "W0112" // no Worker entry found for "main"; the default was written (warning)
)

// Semantic analysis.
const (
	DuplicateSymbol   Code = "E0201" // a name declared twice in one scope
	StrayFragment     Code = "E0202" // a block item written at the top level
	TagNotAllowed     Code = "E0203" // a tag where it has no meaning
	UnknownType       Code = "E0204" // a type naming no model or poo
	OneFieldPerBlock  Code = "E0205" // nav, kv or r2 block declaring other than one field
	InvalidColumnType Code = "E0206" // a column, route or var type SQLite cannot store
	UnresolvedName    Code = "E0207" // a field, binding, template, source or inject name that names nothing
	ValidatorType     Code = "E0208" // a validator that does not fit the field's type
	ValidatorArgument Code = "E0209" // a validator argument of the wrong kind or value
	TemplateVariable  Code = "E0210" // a key-format placeholder naming no parameter
	KeyFormatOverlap  Code = "E0211" // two key formats of one binding where listing one can return keys of the other
	PooFieldType      Code = "E0212" // a poo field of type stream
	ArgCount          Code = "E0213" // wrong number of arguments to a template, shard or context
	ArgType           Code = "E0214" // an argument of the wrong type or kind
	MissingBacking    Code = "E0215" // a model with table items, no "for" binding and not exactly one D1 database
	InvalidBacking    Code = "E0216" // "for B" where B is not a D1 or Durable Object binding
	MissingPrimaryKey Code = "E0217" // a model with a table but no primary key
	RoutesAndTable    Code = "E0218" // route fields on a model that has a table
	NullablePrimary   Code = "E0219" // an option<> or optional primary-key column
	ForeignKeySelf    Code = "E0220" // a foreign key to its own model
	ForeignKeyBacking Code = "E0221" // a foreign key to a model stored elsewhere
	ForeignKeyType    Code = "E0222" // a foreign key to a field SQLite cannot store
	ForeignKeyCount   Code = "E0223" // referenced and local field counts differ
	MixedModels       Code = "E0224" // one foreign key or navigation naming several models
	ForeignKeyTarget  Code = "E0225" // a foreign key to columns that are neither the key nor unique
	NavBacking        Code = "E0226" // a navigation to a table stored elsewhere
	RouteNavigation   Code = "E0227" // a navigation to a Worker-served model that does not supply its route
	NavForeignKey     Code = "E0228" // a navigation with no foreign key to follow
	NavMixedKeys      Code = "E0229" // a navigation mixing keyed and unkeyed references
	CyclicForeignKeys Code = "E0230" // required foreign keys forming a cycle
	DurableStorage    Code = "E0231" // Durable Object storage used outside its object
	SourceModel       Code = "E0232" // a data source for something that is not a model
	IncludeField      Code = "E0233" // an include entry that is no navigation, KV or R2 field
	SourceParam       Code = "E0234" // a data-source parameter of a type it cannot take
	InstanceParam     Code = "E0235" // [instance] on a parameter that is no column of the model
	UnsupportedCrud   Code = "E0236" // [crud list], [crud delete] or [crud count] on a model without a table
	APIModel          Code = "E0237" // an api block for something that is not a model
	APIReturn         Code = "E0238" // a stream result wrapped in another type
	APIParam          Code = "E0239" // a parameter the method's verb or media cannot carry
	DurableConflict   Code = "E0240" // two Durable Object contexts for one method
	GeneratedName     Code = "E0241" // a name the generated TypeScript already uses
	NotAColumn        Code = "E0242" // unique(...) or index(...) naming a field that is not a column
	CascadeTarget     Code = "E0243" // [cascade] on a navigation whose target does not hold the foreign key
	CascadeCycle      Code = "E0244" // [cascade] navigations leading back to a model they start from
	InjectCycle       Code = "E0245" // injectables whose [inject] dependencies lead back to themselves
	HeaderName        Code = "E0246" // a [header] parameter naming a header another one names, or one a client cannot send
)

// Migrations: what cloesce migrate (and dev, which plans the same
// migrations) refuses to write. Nothing is written when any is reported.
const (
	MigrationRename   Code = "E0301" // a model or column is gone while others are new, and no terminal to ask whether it was renamed
	MigrationDataLoss Code = "E0302" // a step destroys data, without --allow-data-loss and no terminal to ask
	MigrationValue    Code = "E0303" // existing rows need a value for a required column: no --default, or one the column cannot take
	MigrationSnapshot Code = "E0304" // the last snapshot does not parse, was edited, or is another binding's
	MigrationRefused  Code = "E0305" // a change no migration can make, or a --rename/--drop contradicting the schema

	// What migrate verify (and dev, before applying) finds when it applies
	// the pending migrations to a copy of a D1 database.
	MigrationVerify Code = "E0306" // a pending migration deletes rows no DATA LOSS line declares, breaks a foreign key, fails, or leaves the database failing integrity_check
)

// cloesce dev: problems with the project or the machine that stop it
// from serving.
const (
	DevRuntime      Code = "E0401" // the npm package "cloesce" the generated backend imports is not installed, or not built
	DevPortInUse    Code = "E0402" // the port to serve on is taken
	DevBuild        Code = "E0403" // wrangler dev could not build the Worker
	DevMigrations   Code = "E0404" // the migrations do not reach the schema, and no terminal to name the next one
	DevApply        Code = "E0405" // applying the migrations to a local D1 database failed
	DevServe        Code = "E0406" // wrangler dev exited, or did not serve in time
	DevPortMismatch Code = "W0407" // serving on another port than the generated client calls (warning)
)

// Formatting.
const (
	NotFormatted Code = "E0501" // fmt --check: a schema file that cloesce fmt would change
)

// The extractor of .cloesce.ts files (the TypeScript-decorator edition):
// what it cannot read or map to the schema tree. See docs/decorators.md.
const (
	TSLexical     Code = "E0601" // a string, template, regex or block comment never closed
	TSSyntax      Code = "E0602" // a token the TypeScript subset does not allow here
	TSUnsupported Code = "E0603" // TypeScript outside the subset the extractor reads
	TSDecorator   Code = "E0604" // an unknown decorator, or one where it has no meaning
	TSArguments   Code = "E0605" // a decorator with arguments of the wrong number or kind
	TSType        Code = "E0606" // a type with no schema equivalent, or none written
	TSRelation    Code = "E0607" // a navigation or foreign key whose other side cannot be found
	TSBinding     Code = "E0608" // a D1, KV or R2 binding the @WranglerEnv class does not declare
	TSNotMapped   Code = "W0609" // a construct of the edition the schema cannot express yet (warning)
	TSLink        Code = "E0610" // a class the Worker calls that is not exported, or a second custom main
)
