// Command cloesce compiles Cloesce schemas into Cloudflare Workers
// applications. See "cloesce help".
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/cloesce-go/cloesce/internal/cli"
	"github.com/cloesce-go/cloesce/internal/diag"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Color: diag.UseColor(os.Stderr)})
	stop()
	os.Exit(code)
}
