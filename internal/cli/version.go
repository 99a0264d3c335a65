package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/cloesce-go/cloesce/internal/version"
)

func runVersion(_ context.Context, e *env, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("version takes no arguments")
	}
	_, err := fmt.Fprintf(e.stdio.Out, "cloesce %s\n", version.Version)
	return err
}
