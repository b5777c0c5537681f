// Command testplugin is a noise-schedule plugin for the plugin manager's tests. Its id
// comes from its file name (dnw-schedule.NAME) and NAME picks its behaviour:
// "crash" panics inside a call, "hang" never answers, "stdout" prints before the
// handshake, "exit" fails before it; anything else computes a linear schedule.
package main

import (
	"context"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"dnw/sdk"
)

type schedule struct{ id string }

func (s schedule) Info() sdk.Info {
	return sdk.Info{ID: s.id, Kind: sdk.KindNoiseSchedule, Version: "0.0.1", Doc: "test plugin",
		Options: []sdk.OptionSpec{{Name: "beta_end", Type: sdk.OptionFloat, Default: 0.02, Min: sdk.Float(0), Max: sdk.Float(1)}}}
}

func (s schedule) Tables(ctx context.Context, T int, opts sdk.Options) (sdk.ScheduleTables, error) {
	switch {
	case strings.HasSuffix(s.id, ".crash"):
		// The log package writes to the process's own stderr, which dnw reads directly;
		// os.Stderr is relayed over gRPC and may lose its last lines in a crash.
		log.Print("about to fail on purpose")
		panic("testplugin: crash on purpose")
	case strings.HasSuffix(s.id, ".hang"):
		fmt.Fprintln(os.Stderr, "hanging on purpose")
		select {}
	}
	var t sdk.ScheduleTables
	ab := 1.0
	for i := range T {
		beta := 1e-4 + (opts.Float("beta_end")-1e-4)*float64(i)/float64(max(T-1, 1))
		ab *= 1 - beta
		t.AlphaBar = append(t.AlphaBar, ab)
		t.Alpha = append(t.Alpha, math.Sqrt(ab))
		t.Sigma = append(t.Sigma, math.Sqrt(1-ab))
	}
	return t, nil
}

func main() {
	id := strings.TrimPrefix(filepath.Base(os.Args[0]), "dnw-")
	switch {
	case strings.HasSuffix(id, ".stdout"):
		fmt.Println("hello from the plugin")
	case strings.HasSuffix(id, ".exit"):
		log.Fatal("cannot load my model on purpose")
	}
	sdk.Serve(schedule{id: id})
}
