package cli

import (
	"context"
	"errors"
	"flag"

	"github.com/cloesce-go/cloesce/internal/lsp"
)

func lspFlags(fs *flag.FlagSet) {
	// Language clients (vscode-languageclient among them) pass --stdio to
	// say which transport to use; standard input and output is the only
	// one.
	fs.Bool("stdio", true, "talk to the editor on standard input and output (the only transport)")
}

// runLsp serves the Language Server Protocol on standard input and
// output, for editors (editors/vscode starts it). --env chooses the
// config file, as for the other commands.
func runLsp(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("lsp takes no arguments: the editor names the files")
	}
	err := lsp.Serve(ctx, e.stdio.In, e.stdio.Out, lsp.Options{Env: e.envArg})
	if errors.Is(err, lsp.ErrNoShutdown) {
		return errReported // exit code 1, as the protocol says
	}
	return err
}
