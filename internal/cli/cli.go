// Package cli implements the cloesce command line. It is the only package
// that reads arguments, touches the file system on the user's behalf and
// writes to the terminal; the pipeline stages it drives are pure.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/suggest"
)

// Stdio is where a run reads and writes.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
	// Color enables ANSI colour in diagnostics; main sets it when stderr is
	// a terminal and NO_COLOR is unset.
	Color bool
}

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1 // the input has errors, or a check found work to do
	exitUsage    = 2 // the command line is wrong
	exitInternal = 3 // a bug or an I/O failure
)

// errReported means the problems were already printed as diagnostics.
var errReported = errors.New("errors reported")

// A usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// env is the state shared by the commands of one run.
type env struct {
	stdio  Stdio
	cwd    string
	envArg string // --env: the environment whose config to use
	format diag.Format
	// interactive makes migrate ask its questions on stdin even when it is
	// not a terminal, for tests.
	interactive bool
}

type command struct {
	name, args, short string
	run               func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error
	flags             func(fs *flag.FlagSet) // registers the command's own flags
}

// commands returns the command table. It is a function, not a variable,
// because help refers back to it.
func commands() []*command {
	return []*command{
		{name: "init", args: "[--edition clo|ts] [dir]", short: "create a project: schema, worker, tests, configuration and first migration", run: runInit, flags: initFlags},
		{name: "compile", args: "[dir]", short: "check the schema and write cidl.json to the output directory", run: runCompile},
		{name: "check", args: "[dir]", short: "parse and check the schema, printing diagnostics", run: runCheck},
		{name: "migrate", args: "(--binding name | --all) [flags] <name> [dir] | migrate verify [--binding name] [--db file] [dir]", short: "write the next migration of a database from the schema's changes; verify applies pending ones to a copy of its data", run: runMigrate, flags: migrateFlags},
		{name: "explain", args: "<Model> [<Source>] [dir]", short: "print the statements each get, list and save of a model sends, with SQLite's query plans", run: runExplain},
		{name: "dev", args: "[--port n] [--ip addr] [dir]", short: "compile, check migrations and serve the project with wrangler dev, recompiling on change", run: runDev, flags: devFlags},
		{name: "convert", args: "[dir]", short: "move a project of the decorator edition (.cloesce.ts) to schema files and plain TypeScript", run: runConvert},
		{name: "fmt", args: "[--check] [paths...]", short: "format schema files in place, or check that they are", run: runFmt, flags: fmtFlags},
		{name: "lsp", args: "[--stdio]", short: "serve the Language Server Protocol on stdin and stdout, for editors", run: runLsp, flags: lspFlags},
		{name: "version", short: "print the compiler version", run: runVersion},
		{name: "help", args: "[command]", short: "show help for a command", run: runHelp},
	}
}

// Run executes the command line args (without the program name) and
// returns the process exit code.
func Run(ctx context.Context, args []string, stdio Stdio) int {
	e := &env{stdio: stdio}
	err := dispatch(ctx, e, args)
	var uerr *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &uerr):
		fmt.Fprintf(stdio.Err, "cloesce: %v\nRun 'cloesce help' for usage.\n", err)
		return exitUsage
	case errors.Is(err, errReported):
		return exitFailed
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	default:
		fmt.Fprintf(stdio.Err, "cloesce: %v\n", err)
		return exitInternal
	}
}

func dispatch(ctx context.Context, e *env, args []string) error {
	global := e.flagSet("cloesce")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(e.stdio.Out)
		}
		return flagError(err)
	}
	if global.NArg() == 0 {
		writeUsage(e.stdio.Err)
		return usagef("no command given")
	}
	name := global.Arg(0)
	cmd := lookup(name)
	if cmd == nil {
		var names []string
		for _, c := range commands() {
			names = append(names, c.name)
		}
		if s, ok := suggest.Closest(name, names); ok {
			return usagef("unknown command %q (did you mean %q?)", name, s)
		}
		return usagef("unknown command %q", name)
	}
	fs := e.flagSet("cloesce " + cmd.name)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	if err := fs.Parse(global.Args()[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeCommandUsage(e.stdio.Out, cmd, fs)
		}
		return flagError(err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	e.cwd = cwd
	return cmd.run(ctx, e, fs, fs.Args())
}

// flagSet returns a flag set with the options every command accepts, so
// that "--env" may come before or after the command name.
func (e *env) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// Errors come back to dispatch, which prints one short line for them.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&e.envArg, "env", e.envArg, "use `name`.cloesce.jsonc instead of cloesce.jsonc")
	fs.Func("format", "diagnostics `format`: human, short or json", func(s string) error {
		f, err := diag.ParseFormat(s)
		e.format = f
		return err
	})
	return fs
}

// flagError turns the flag package's complaint into a usage error; -h is
// not an error.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usagef("%v", err)
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Cloesce compiles a schema into a Cloudflare Workers application.\n\n")
	b.WriteString("Usage:\n\n\tcloesce [--env name] [--format human|short|json] <command> [arguments]\n\nCommands:\n\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "\t%-9s %s\n", c.name, c.short)
	}
	b.WriteString("\nRun 'cloesce help <command>' for details of a command.\n")
	io.WriteString(w, b.String())
}

func writeCommandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: cloesce %s %s\n\n%s.\n\nFlags:\n", c.name, c.args, capitalize(c.short))
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func runHelp(_ context.Context, e *env, _ *flag.FlagSet, args []string) error {
	switch len(args) {
	case 0:
		writeUsage(e.stdio.Out)
		return nil
	case 1:
		c := lookup(args[0])
		if c == nil {
			return usagef("unknown command %q", args[0])
		}
		fs := e.flagSet("cloesce " + c.name)
		if c.flags != nil {
			c.flags(fs)
		}
		writeCommandUsage(e.stdio.Out, c, fs)
		return nil
	}
	return usagef("help takes at most one command name")
}

// render prints diagnostics and reports errReported if any is an error.
// Human and short diagnostics go to stderr; JSON goes to stdout.
func (e *env) render(diags *diag.List) error {
	opts := diag.Options{Format: e.format, Color: e.stdio.Color, Cwd: e.cwd}
	switch {
	case e.format == diag.JSON:
		// Tools read JSON from stdout, and want "[]" when all is well.
		if err := diag.Render(e.stdio.Out, diags.Sorted(), opts); err != nil {
			return err
		}
	case diags.Len() > 0:
		if err := diag.Render(e.stdio.Err, diags.Sorted(), opts); err != nil {
			return err
		}
	}
	if diags.HasErrors() {
		return errReported
	}
	return nil
}

// flush prints the diagnostics collected so far, in the human and short
// formats, and empties the list: a command that goes on to ask questions
// shows its warnings first. JSON keeps them for the one list printed at
// the end.
func (e *env) flush(diags *diag.List) {
	if e.format == diag.JSON || diags.Len() == 0 {
		return
	}
	diag.Render(e.stdio.Err, diags.Sorted(), diag.Options{Format: e.format, Color: e.stdio.Color, Cwd: e.cwd})
	*diags = diag.List{}
}
