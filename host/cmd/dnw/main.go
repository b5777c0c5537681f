// Command dnw is the denoised-neural-weights host: it runs experiments described in
// TOML through a pipeline of resumable stages. Run `dnw --help` for the commands.
package main

import (
	"context"
	"os"

	"dnw/host/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
