package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/decorators"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// A document is a file the editor has open: its text is the editor's,
// not what is on disk.
type document struct {
	uri     string
	path    string
	version int
	text    string
	lines   *lines
}

// A project is a cloesce.jsonc and the schema files it names, analysed
// together as cloesce check analyses them. A schema file outside every
// project's sources is a project of its own ("loose").
type project struct {
	root  string // the directory of cloesce.jsonc, or of the workspace or file without one
	loose string // the one file of a loose project

	dirty bool        // a file changed since the last analysis
	timer *time.Timer // the pending debounced analysis
	snap  *snapshot

	parsed    map[string]*parsedFile // parse results by path, reused while the text is the same
	published map[string]published   // by path: the diagnostics last sent
	extracted *extraction            // the last extraction of the .cloesce.ts files
}

// An extraction is a project's .cloesce.ts files lowered together into
// schema trees, with what extraction and linkage reported.
type extraction struct {
	files []*parsedFile
	diags []*diag.Diagnostic
}

// published is what was last sent for a file: under which URI, and the
// notification's parameters as JSON.
type published struct{ uri, data string }

// A parsedFile is one schema file's syntax tree and syntax errors. The
// tree of a .cloesce.ts file is extracted with the project's other ones
// (extract), and its diagnostics are the extraction's.
type parsedFile struct {
	path  string
	uri   string
	text  string
	file  *ast.File
	diags []*diag.Diagnostic
	lines *lines

	toks     []token.Token // scanned on first use, by hover
	comments []token.Comment
}

// A snapshot is the result of analysing a project: immutable, so that
// requests can read it while the next one is built.
type snapshot struct {
	cfg    *config.Config
	files  []*parsedFile // sorted by path, as config.Discover sorts them
	byPath map[string]*parsedFile
	schema *idl.Schema // sema's description; partial when there are errors
	index  *index
	diags  []*diag.Diagnostic
}

func (s *server) key(p *project) string {
	if p.loose != "" {
		return "file:" + p.loose
	}
	return p.root
}

// isSchema reports whether path names a schema file: the schema
// language's, or the decorator edition's .cloesce.ts.
func isSchema(path string) bool { return isCloesce(path) || decorators.IsSource(path) }

// isCloesce reports whether path names a file of the schema language:
// completion and formatting read its text, which they do not in a
// .cloesce.ts file (TypeScript's own server does that there).
func isCloesce(path string) bool {
	ext := filepath.Ext(path)
	return ext == ".clo" || ext == ".cloesce"
}

// configName is the name of the config file projects are found by.
func (s *server) configName() string { return config.FileName(s.opts.Env) }

// rootFor finds the project directory of a schema file: the nearest
// directory above it holding the config file (open in the editor or on
// disk), else the workspace folder holding it, else its own directory.
func (s *server) rootFor(path string) string {
	for dir := filepath.Dir(path); ; {
		cfg := filepath.Join(dir, s.configName())
		if s.docs[cfg] != nil {
			return dir
		}
		if _, err := os.Stat(cfg); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	best := ""
	for _, f := range s.folders {
		if within(path, f) && len(f) > len(best) {
			best = f
		}
	}
	if best != "" {
		return best
	}
	return filepath.Dir(path)
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// projectOf returns the project a schema file belongs to, creating it
// when needed. A file the project's sources do not include is loose.
func (s *server) projectOf(path string) *project {
	key := "file:" + path
	if lp := s.projects[key]; lp != nil {
		return lp
	}
	root := s.rootFor(path)
	p := s.projects[root]
	if p != nil && p.snap != nil && p.snap.byPath[path] != nil {
		return p
	}
	if p == nil {
		p = newProject(root, "")
		s.projects[root] = p
	}
	if slices.Contains(config.Discover(root, s.loadConfig(root, &diag.List{}), &diag.List{}), path) {
		return p
	}
	lp := newProject(filepath.Dir(path), path)
	s.projects[key] = lp
	return lp
}

func newProject(root, loose string) *project {
	return &project{root: root, loose: loose, dirty: true, parsed: map[string]*parsedFile{}, published: map[string]published{}}
}

// loadConfig reads a project's config, from the editor when it is open.
func (s *server) loadConfig(root string, diags *diag.List) *config.Config {
	path := filepath.Join(root, s.configName())
	if d := s.docs[path]; d != nil {
		return config.LoadText(root, s.opts.Env, []byte(d.text), diags)
	}
	cfg, err := config.Load(root, s.opts.Env, diags)
	if err != nil {
		// An unreadable file, or a missing environment's: analyse with
		// the defaults and say why in the log.
		s.logf(protocol.MessageError, "%v", err)
		cfg = defaultConfig(root, s.opts.Env)
	}
	return cfg
}

// defaultConfig is the configuration of a project without a config file.
func defaultConfig(root, env string) *config.Config {
	cfg := config.LoadText(root, env, []byte("{}"), &diag.List{})
	cfg.Found = false
	return cfg
}

// schedule marks a project changed and analyses it after the debounce
// delay, unless another change comes first.
func (s *server) schedule(p *project) {
	p.dirty = true
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(s.opts.Debounce, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.shutdown && p.dirty {
			s.analyze(p)
		}
	})
}

// current returns the project's snapshot of the current text, analysing
// it now if a change is pending. The caller holds mu.
func (s *server) current(p *project) *snapshot {
	if p.dirty || p.snap == nil {
		s.analyze(p)
	}
	return p.snap
}

// analyze analyses a project and publishes the diagnostics that changed.
// The caller holds mu.
func (s *server) analyze(p *project) {
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.dirty = false
	snap, err := s.build(p)
	if err != nil {
		s.logf(protocol.MessageError, "analysing %s: %v", s.key(p), err)
		if p.snap == nil {
			p.snap = &snapshot{cfg: &config.Config{Root: p.root}, byPath: map[string]*parsedFile{}, index: buildIndex(nil)}
		}
		return
	}
	p.snap = snap
	s.publish(p, snap)
}

// build runs the compiler's front end on a project, as cloesce check
// does: the config, the sources it names, each parsed (the .cloesce.ts
// files extracted together), then sema when nothing so far is an error.
// Sema also runs on a project with errors, quietly, so that hover has the
// description of what did build.
func (s *server) build(p *project) (snap *snapshot, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
		}
	}()
	var diags diag.List
	snap = &snapshot{byPath: map[string]*parsedFile{}}
	var paths []string
	if p.loose != "" {
		snap.cfg = defaultConfig(p.root, s.opts.Env)
		paths = []string{p.loose}
	} else {
		snap.cfg = s.loadConfig(p.root, &diags)
		paths = config.Discover(p.root, snap.cfg, &diags)
		if len(paths) == 0 && !diags.HasErrors() {
			diags.Errorf(diag.NoSources, source.Span{}, "no schema files (.clo or .cloesce) found in %s", describe(p.root, snap.cfg.SrcPaths))
		}
	}
	var files []*ast.File
	var ts []*parsedFile
	for _, path := range paths {
		pf, err := s.parse(p, path)
		if err != nil {
			diags.Errorf(diag.NoSources, source.Span{}, "cannot read %s: %v", path, cause(err))
			continue
		}
		if decorators.IsSource(path) {
			ts = append(ts, pf)
			continue
		}
		snap.add(pf)
		files = append(files, pf.file)
		diags.Append(pf.diags...)
	}
	// After the schema language's files, as cloesce compile reads them.
	ts, tsDiags := p.extract(ts)
	for _, pf := range ts {
		snap.add(pf)
		files = append(files, pf.file)
	}
	diags.Append(tsDiags...)
	slices.SortFunc(snap.files, func(a, b *parsedFile) int { return strings.Compare(a.path, b.path) })
	p.parsed = snap.byPath
	if diags.HasErrors() {
		// Syntax errors leave holes in the tree; checking meaning on top
		// of them would report the same mistakes again in other words.
		snap.schema = quietAnalyze(files)
	} else {
		snap.schema = sema.Analyze(files, &diags)
	}
	snap.index = buildIndex(files)
	snap.diags = diags.Sorted()
	return snap, nil
}

// add puts a file in the snapshot.
func (snap *snapshot) add(pf *parsedFile) {
	snap.files = append(snap.files, pf)
	snap.byPath[pf.path] = pf
}

// extract lowers the project's .cloesce.ts files together, a whole
// program (a navigation's key is read from the class at its other end,
// maybe in another file), and reads their linkage, as cloesce compile
// does. The last extraction is reused while none of the files changed:
// parse returns the same parsedFile for the same text. The files
// returned are new, so that the last snapshot keeps its trees.
func (p *project) extract(ts []*parsedFile) ([]*parsedFile, []*diag.Diagnostic) {
	if len(ts) == 0 {
		return nil, nil
	}
	if p.extracted != nil && slices.Equal(p.extracted.files, ts) {
		return p.extracted.files, p.extracted.diags
	}
	srcs := make([]*source.File, len(ts))
	for i, pf := range ts {
		srcs[i] = pf.file.Src
	}
	var diags diag.List
	trees, _ := decorators.Extract(srcs, &diags)
	out := make([]*parsedFile, len(ts))
	for i, pf := range ts {
		out[i] = &parsedFile{path: pf.path, uri: pf.uri, text: pf.text, file: trees[i], lines: pf.lines}
	}
	p.extracted = &extraction{files: out, diags: diags.Sorted()}
	return out, p.extracted.diags
}

// quietAnalyze runs sema for what it builds, discarding its diagnostics
// and surviving its failure on a broken tree.
func quietAnalyze(files []*ast.File) (schema *idl.Schema) {
	defer func() {
		if recover() != nil {
			schema = nil
		}
	}()
	return sema.Analyze(files, &diag.List{})
}

func describe(root string, paths []string) string {
	shown := make([]string, len(paths))
	for i, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		shown[i] = filepath.ToSlash(p)
	}
	if len(shown) == 1 {
		return fmt.Sprintf("%q", shown[0])
	}
	return fmt.Sprintf("%q", shown)
}

func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parse returns a file's syntax tree, reusing the last one while its
// text is unchanged: on a change, only the edited file is parsed again.
func (s *server) parse(p *project, path string) (*parsedFile, error) {
	var text string
	uri := pathToURI(path)
	if d := s.docs[path]; d != nil {
		text, uri = d.text, d.uri
	} else {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		text = string(data)
	}
	if pf := p.parsed[path]; pf != nil && pf.text == text {
		pf.uri = uri
		return pf, nil
	}
	src := source.NewFile(path, text)
	if decorators.IsSource(path) {
		// The tree comes from extract, with the project's other files.
		return &parsedFile{path: path, uri: uri, text: text, file: &ast.File{Src: src}, lines: newLines(text)}, nil
	}
	var diags diag.List
	f := parser.Parse(src, &diags)
	return &parsedFile{path: path, uri: uri, text: text, file: f, diags: diags.Sorted(), lines: newLines(text)}, nil
}

// uriOf returns the URI to publish a file's diagnostics under: the
// editor's own for an open document.
func (s *server) uriOf(path string) string {
	if d := s.docs[path]; d != nil {
		return d.uri
	}
	return pathToURI(path)
}

// linesOf returns the line index of a file the snapshot knows, or of the
// file on disk (the config file).
func (s *server) linesOf(snap *snapshot, path string) *lines {
	if pf := snap.byPath[path]; pf != nil {
		return pf.lines
	}
	if d := s.docs[path]; d != nil {
		return d.lines
	}
	data, _ := os.ReadFile(path)
	return newLines(string(data))
}

// publish sends the diagnostics of every file of the project whose
// diagnostics changed since they were last sent, and those of a document
// the editor opens.
func (s *server) publish(p *project, snap *snapshot) {
	byPath := map[string][]protocol.Diagnostic{}
	lineCache := map[string]*lines{}
	linesFor := func(path string) *lines {
		if l, ok := lineCache[path]; ok {
			return l
		}
		l := s.linesOf(snap, path)
		lineCache[path] = l
		return l
	}
	// Diagnostics without a place go to the config file, or to the first
	// schema file when there is none.
	fallback := ""
	switch {
	case snap.cfg != nil && snap.cfg.Found:
		fallback = snap.cfg.Path
	case len(snap.files) > 0:
		fallback = snap.files[0].path
	}
	for _, d := range snap.diags {
		path := fallback
		if d.Span.IsValid() {
			path = d.Span.File.Name
		}
		if path == "" {
			s.logf(protocol.MessageError, "%s: %s", d.Code, d.Message)
			continue
		}
		byPath[path] = append(byPath[path], s.diagnostic(d, linesFor))
	}
	paths := map[string]bool{}
	for _, f := range snap.files {
		paths[f.path] = true
	}
	if snap.cfg != nil && snap.cfg.Found {
		paths[snap.cfg.Path] = true
	}
	for path := range byPath {
		paths[path] = true
	}
	for path := range p.published {
		paths[path] = true
	}
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		params := protocol.PublishDiagnosticsParams{URI: s.uriOf(path), Diagnostics: byPath[path]}
		if params.Diagnostics == nil {
			params.Diagnostics = []protocol.Diagnostic{}
		}
		// Compared without the version: an edit that changes no
		// diagnostic sends nothing.
		data, _ := json.Marshal(params)
		open := s.docs[path]
		if open != nil {
			v := open.version
			params.Version = &v
		}
		last, sent := p.published[path]
		if string(data) == last.data || !sent && len(params.Diagnostics) == 0 && open == nil {
			continue
		}
		if sent && last.uri != params.URI {
			// The editor spells the file's URI its own way now that it is
			// open: clear what was sent under the other spelling.
			s.conn.Notify("textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{URI: last.uri, Diagnostics: []protocol.Diagnostic{}})
		}
		p.published[path] = published{uri: params.URI, data: string(data)}
		s.conn.Notify("textDocument/publishDiagnostics", params)
	}
}

// diagnostic converts a compiler diagnostic. Notes and help follow the
// message, as the command line prints them; secondary labels become
// related information.
func (s *server) diagnostic(d *diag.Diagnostic, linesFor func(string) *lines) protocol.Diagnostic {
	out := protocol.Diagnostic{Severity: protocol.SeverityError, Code: string(d.Code), Source: "cloesce", Message: d.Message}
	if d.Severity == diag.Warning {
		out.Severity = protocol.SeverityWarning
	}
	var msg strings.Builder
	msg.WriteString(d.Message)
	for _, n := range d.Notes {
		msg.WriteString("\nnote: " + n)
	}
	for _, h := range d.Help {
		msg.WriteString("\nhelp: " + h)
	}
	out.Message = msg.String()
	if d.Span.IsValid() {
		out.Range = linesFor(d.Span.File.Name).rangeOf(d.Span.Start, d.Span.End, s.enc)
	}
	for _, l := range d.Secondary {
		if !l.Span.IsValid() {
			continue
		}
		out.RelatedInformation = append(out.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: s.uriOf(l.Span.File.Name), Range: linesFor(l.Span.File.Name).rangeOf(l.Span.Start, l.Span.End, s.enc)},
			Message:  l.Message,
		})
	}
	return out
}

// Document synchronisation.

func (s *server) didOpen(params json.RawMessage) error {
	p, rerr := decode[protocol.DidOpenTextDocumentParams](params)
	if rerr != nil {
		return rerr
	}
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[path] = &document{uri: p.TextDocument.URI, path: path, version: p.TextDocument.Version, text: p.TextDocument.Text, lines: newLines(p.TextDocument.Text)}
	s.touched(path, true)
	return nil
}

func (s *server) didChange(params json.RawMessage) error {
	p, rerr := decode[protocol.DidChangeTextDocumentParams](params)
	if rerr != nil {
		return rerr
	}
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[path]
	if d == nil {
		return fmt.Errorf("change to %s, which is not open", p.TextDocument.URI)
	}
	for _, c := range p.ContentChanges {
		d.text = applyChange(d.text, d.lines, c, s.enc)
		d.lines = newLines(d.text)
	}
	d.version = p.TextDocument.Version
	s.touched(path, false)
	return nil
}

func (s *server) didClose(params json.RawMessage) error {
	p, rerr := decode[protocol.DidCloseTextDocumentParams](params)
	if rerr != nil {
		return rerr
	}
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs[path] == nil {
		return nil
	}
	delete(s.docs, path)
	// The file is what is on disk again; a loose file is forgotten.
	if lp := s.projects["file:"+path]; lp != nil {
		if lp.timer != nil {
			lp.timer.Stop()
		}
		for _, pub := range lp.published {
			s.conn.Notify("textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{URI: pub.uri, Diagnostics: []protocol.Diagnostic{}})
		}
		delete(s.projects, "file:"+path)
		return nil
	}
	s.touched(path, false)
	return nil
}

func (s *server) didChangeWatchedFiles(params json.RawMessage) error {
	p, rerr := decode[protocol.DidChangeWatchedFilesParams](params)
	if rerr != nil {
		return rerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range p.Changes {
		path, err := uriToPath(c.URI)
		if err != nil || s.docs[path] != nil {
			continue // the editor's text wins over the disk's
		}
		s.touched(path, false)
	}
	return nil
}

// touched reacts to a change of path: a schema file or config file. The
// projects it may belong to are analysed again: at once when a project
// is new (opening a file shows its diagnostics without delay), else
// after the debounce delay.
func (s *server) touched(path string, opened bool) {
	base := filepath.Base(path)
	if base == s.configName() {
		dir := filepath.Dir(path)
		for _, p := range s.projects {
			if p.root == dir || p.loose != "" && within(p.loose, dir) {
				s.schedule(p)
			}
		}
		// Loose files the config now claims move to its project.
		for key, p := range s.projects {
			if p.loose != "" && within(p.loose, dir) && s.docs[p.loose] != nil {
				delete(s.projects, key)
				if p.timer != nil {
					p.timer.Stop()
				}
				np := s.projectOf(p.loose)
				np.published = mergePublished(np.published, p.published)
				s.schedule(np)
			}
		}
		return
	}
	if !isSchema(path) {
		return
	}
	for _, p := range s.projects {
		if p.loose == path || p.loose == "" && p.snap != nil && (p.snap.byPath[path] != nil || within(path, p.root)) {
			s.schedule(p)
		}
	}
	if s.docs[path] != nil {
		p := s.projectOf(path)
		if p.snap == nil && opened {
			s.analyze(p)
		} else {
			s.schedule(p)
		}
	}
}

func mergePublished(a, b map[string]published) map[string]published {
	for k, v := range b {
		if _, ok := a[k]; !ok {
			a[k] = v
		}
	}
	return a
}

// errNoAnswer ends a request about a document the server has nothing to
// say about, such as cloesce.jsonc: the answer is null.
var errNoAnswer = &protocol.Error{Code: protocol.RequestFailed, Message: "not a schema file"}

// fileSnapshot returns the snapshot holding the file at uri, up to date
// with the current text, and the file. The caller holds mu.
func (s *server) fileSnapshot(uri string) (*snapshot, *parsedFile, *protocol.Error) {
	path, err := uriToPath(uri)
	if err != nil {
		return nil, nil, protocol.Errorf(protocol.InvalidParams, "%v", err)
	}
	if !isSchema(path) {
		return nil, nil, errNoAnswer
	}
	p := s.projectOf(path)
	snap := s.current(p)
	if pf := snap.byPath[path]; pf != nil {
		return snap, pf, nil
	}
	return nil, nil, errNoAnswer
}
