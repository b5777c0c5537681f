package cli

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"dnw/host/internal/stagecache"
)

const cacheArgs = "ls | gc [--older-than DURATION]"

var cacheCmd = &command{
	name:    "cache",
	args:    cacheArgs,
	summary: "list or clean the stage cache that runs share",
	help: `The stage cache keeps every finished stage's files under a key made of what the
stage depends on (its config keys, the seed, its inputs' digests, the plugins and
extensions it calls) and the dnw build. A run with --cache DIR (or $` + envCacheDir + `)
restores a stage the cache holds instead of running it, and keeps each stage it
runs: runs and sweep trials that share upstream work compute it once.

  dnw cache ls                         entries, most recently used first
  dnw cache gc --older-than 720h       remove entries unused for 30 days

Examples:
  dnw run experiments/tiny.toml --cache runs/cache --out runs/a
  dnw run experiments/tiny.toml --cache runs/cache --out runs/b   # every stage restored
  dnw cache ls --cache runs/cache`,
	run: runCache,
}

func runCache(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	dir := flags.String("cache", os.Getenv(envCacheDir), "the stage cache directory (default $"+envCacheDir+")")
	older := flags.Duration("older-than", 30*24*time.Hour, "gc: remove entries not used for this long")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "ls" && pos[0] != "gc") {
		return usagef("usage: dnw cache %s", cacheArgs)
	}
	if *dir == "" {
		return usagef("no stage cache: give --cache DIR or set $%s", envCacheDir)
	}
	c, err := stagecache.Open(*dir)
	if err != nil {
		return err
	}
	if pos[0] == "gc" {
		removed, err := c.GC(time.Now().Add(-*older))
		var bytes int64
		for _, e := range removed {
			bytes += e.Bytes
		}
		fmt.Fprintf(a.stdout, "removed %d entries (%s) unused for %s\n", len(removed), formatBytes(bytes), *older)
		return err
	}
	entries, err := c.List()
	if err != nil {
		return err
	}
	var total int64
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tKEY\tEXPERIMENT\tCREATED\tLAST USED\tFILES\tSIZE")
	for _, e := range entries {
		total += e.Bytes
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", e.Stage, e.Key[:16], e.Experiment,
			e.Created.Local().Format("2006-01-02 15:04"), e.LastUsed.Local().Format("2006-01-02 15:04"), e.Files, formatBytes(e.Bytes))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%d entries, %s in %s\n", len(entries), formatBytes(total), c.Dir)
	return nil
}
