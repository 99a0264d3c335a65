package protocol

import "encoding/json"

// The LSP 3.17 types the server reads and writes, with the members it
// uses. Names and JSON spellings are the specification's.

// A Position is a zero-based line and character offset. What a character
// counts is negotiated at initialization (PositionEncodingKind): UTF-16
// code units unless the client offers another encoding.
type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// A Range is the half-open range [Start, End).
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// A Location is a range in a document.
type Location struct {
	URI   string `json:"uri"`
	Range Range  `json:"range"`
}

// Position encodings.
const (
	UTF8  = "utf-8"
	UTF16 = "utf-16"
	UTF32 = "utf-32"
)

type TextDocumentIdentifier struct {
	URI string `json:"uri"`
}

type VersionedTextDocumentIdentifier struct {
	URI     string `json:"uri"`
	Version int    `json:"version"`
}

type TextDocumentItem struct {
	URI        string `json:"uri"`
	LanguageID string `json:"languageId"`
	Version    int    `json:"version"`
	Text       string `json:"text"`
}

type TextDocumentPositionParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Position     Position               `json:"position"`
}

// Lifecycle.

type InitializeParams struct {
	ProcessID             *int               `json:"processId"`
	RootURI               string             `json:"rootUri"`
	RootPath              string             `json:"rootPath"`
	WorkspaceFolders      []WorkspaceFolder  `json:"workspaceFolders"`
	Capabilities          ClientCapabilities `json:"capabilities"`
	InitializationOptions json.RawMessage    `json:"initializationOptions"`
}

type WorkspaceFolder struct {
	URI  string `json:"uri"`
	Name string `json:"name"`
}

// ClientCapabilities holds the capabilities the server looks at.
type ClientCapabilities struct {
	General *struct {
		PositionEncodings []string `json:"positionEncodings"`
	} `json:"general"`
	TextDocument *struct {
		DocumentSymbol *struct {
			HierarchicalDocumentSymbolSupport bool `json:"hierarchicalDocumentSymbolSupport"`
		} `json:"documentSymbol"`
		Hover *struct {
			ContentFormat []string `json:"contentFormat"`
		} `json:"hover"`
	} `json:"textDocument"`
}

type InitializeResult struct {
	Capabilities ServerCapabilities `json:"capabilities"`
	ServerInfo   ServerInfo         `json:"serverInfo"`
}

type ServerInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type ServerCapabilities struct {
	PositionEncoding        string                  `json:"positionEncoding"`
	TextDocumentSync        TextDocumentSyncOptions `json:"textDocumentSync"`
	HoverProvider           bool                    `json:"hoverProvider"`
	DefinitionProvider      bool                    `json:"definitionProvider"`
	ReferencesProvider      bool                    `json:"referencesProvider"`
	DocumentSymbolProvider  bool                    `json:"documentSymbolProvider"`
	WorkspaceSymbolProvider bool                    `json:"workspaceSymbolProvider"`
	CompletionProvider      CompletionOptions       `json:"completionProvider"`
	FormattingProvider      bool                    `json:"documentFormattingProvider"`
	RenameProvider          RenameOptions           `json:"renameProvider"`
}

type TextDocumentSyncOptions struct {
	OpenClose bool `json:"openClose"`
	Change    int  `json:"change"`
}

// Kinds of text document synchronisation.
const (
	SyncFull        = 1
	SyncIncremental = 2
)

type CompletionOptions struct {
	TriggerCharacters []string `json:"triggerCharacters"`
}

type RenameOptions struct {
	PrepareProvider bool `json:"prepareProvider"`
}

// Document synchronisation.

type DidOpenTextDocumentParams struct {
	TextDocument TextDocumentItem `json:"textDocument"`
}

type DidChangeTextDocumentParams struct {
	TextDocument   VersionedTextDocumentIdentifier  `json:"textDocument"`
	ContentChanges []TextDocumentContentChangeEvent `json:"contentChanges"`
}

// A TextDocumentContentChangeEvent replaces Range with Text, or the whole
// document when Range is nil.
type TextDocumentContentChangeEvent struct {
	Range *Range `json:"range,omitempty"`
	Text  string `json:"text"`
}

type DidCloseTextDocumentParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

type DidChangeWatchedFilesParams struct {
	Changes []FileEvent `json:"changes"`
}

type FileEvent struct {
	URI  string `json:"uri"`
	Type int    `json:"type"` // 1 created, 2 changed, 3 deleted
}

// Diagnostics.

type PublishDiagnosticsParams struct {
	URI         string       `json:"uri"`
	Version     *int         `json:"version,omitempty"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

type Diagnostic struct {
	Range              Range                          `json:"range"`
	Severity           int                            `json:"severity"`
	Code               string                         `json:"code,omitempty"`
	Source             string                         `json:"source"`
	Message            string                         `json:"message"`
	RelatedInformation []DiagnosticRelatedInformation `json:"relatedInformation,omitempty"`
}

// Diagnostic severities.
const (
	SeverityError   = 1
	SeverityWarning = 2
)

type DiagnosticRelatedInformation struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// Language features.

type Hover struct {
	Contents MarkupContent `json:"contents"`
	Range    *Range        `json:"range,omitempty"`
}

type MarkupContent struct {
	Kind  string `json:"kind"` // "markdown" or "plaintext"
	Value string `json:"value"`
}

type ReferenceParams struct {
	TextDocumentPositionParams
	Context struct {
		IncludeDeclaration bool `json:"includeDeclaration"`
	} `json:"context"`
}

type CompletionList struct {
	IsIncomplete bool             `json:"isIncomplete"`
	Items        []CompletionItem `json:"items"`
}

type CompletionItem struct {
	Label    string    `json:"label"`
	Kind     int       `json:"kind,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	SortText string    `json:"sortText,omitempty"`
	TextEdit *TextEdit `json:"textEdit,omitempty"`
}

// Completion item kinds.
const (
	CompletionMethod        = 2
	CompletionFunction      = 3
	CompletionField         = 5
	CompletionVariable      = 6
	CompletionClass         = 7
	CompletionInterface     = 8
	CompletionModule        = 9
	CompletionProperty      = 10
	CompletionKeyword       = 14
	CompletionConstant      = 21
	CompletionStruct        = 22
	CompletionTypeParameter = 25
)

type DocumentSymbolParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

type DocumentSymbol struct {
	Name           string           `json:"name"`
	Detail         string           `json:"detail,omitempty"`
	Kind           int              `json:"kind"`
	Range          Range            `json:"range"`
	SelectionRange Range            `json:"selectionRange"`
	Children       []DocumentSymbol `json:"children,omitempty"`
}

type SymbolInformation struct {
	Name          string   `json:"name"`
	Kind          int      `json:"kind"`
	Location      Location `json:"location"`
	ContainerName string   `json:"containerName,omitempty"`
}

// Symbol kinds.
const (
	SymbolModule    = 2
	SymbolNamespace = 3
	SymbolClass     = 5
	SymbolMethod    = 6
	SymbolProperty  = 7
	SymbolField     = 8
	SymbolInterface = 11
	SymbolFunction  = 12
	SymbolVariable  = 13
	SymbolConstant  = 14
	SymbolKey       = 20
	SymbolStruct    = 23
	SymbolTypeParam = 26
)

type WorkspaceSymbolParams struct {
	Query string `json:"query"`
}

type DocumentFormattingParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

type TextEdit struct {
	Range   Range  `json:"range"`
	NewText string `json:"newText"`
}

type RenameParams struct {
	TextDocumentPositionParams
	NewName string `json:"newName"`
}

type PrepareRenameResult struct {
	Range       Range  `json:"range"`
	Placeholder string `json:"placeholder"`
}

// A WorkspaceEdit changes documents by URI; encoding/json writes the map
// sorted, so the same edit always encodes the same.
type WorkspaceEdit struct {
	Changes map[string][]TextEdit `json:"changes"`
}

// Window.

type LogMessageParams struct {
	Type    int    `json:"type"` // 1 error, 2 warning, 3 info, 4 log
	Message string `json:"message"`
}

// Message types of window/logMessage and window/showMessage.
const (
	MessageError   = 1
	MessageWarning = 2
	MessageInfo    = 3
	MessageLog     = 4
)
