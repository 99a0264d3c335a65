package cli

import (
	"context"
	"flag"

	"github.com/cloesce-go/cloesce/internal/diag"
)

// runCheck reports every problem in the project's schema without writing
// anything.
func runCheck(_ context.Context, e *env, _ *flag.FlagSet, args []string) error {
	root, err := rootArg(args)
	if err != nil {
		return err
	}
	var diags diag.List
	if _, err := e.loadProject(root, &diags); err != nil {
		return err
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
