package cli

import (
	"context"
	"flag"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/sema"
)

// runCheck reports every problem in the project's schema without writing
// anything.
func runCheck(_ context.Context, e *env, _ *flag.FlagSet, args []string) error {
	root, err := rootArg(args)
	if err != nil {
		return err
	}
	var diags diag.List
	proj, err := e.loadProject(root, &diags)
	if err != nil {
		return err
	}
	if !diags.HasErrors() {
		// Syntax errors leave holes in the tree; checking meaning on top
		// of them would report the same mistakes again in other words.
		sema.Check(proj.files, &diags)
	}
	return e.render(&diags)
}

// rootArg returns the project directory named by the optional argument.
func rootArg(args []string) (string, error) {
	switch len(args) {
	case 0:
		return ".", nil
	case 1:
		return args[0], nil
	}
	return "", usagef("expected at most one project directory, got %d arguments", len(args))
}
