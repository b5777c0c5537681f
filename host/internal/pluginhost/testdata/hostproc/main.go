// Command hostproc is a stand-in host for the orphan test: it starts two bundled
// plugins through a Manager (served by the dnw binary named in its first argument),
// prints their PIDs, and waits to be killed.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"dnw/host/internal/pluginhost"
)

func main() {
	m, err := pluginhost.NewManager(nil)
	if err != nil {
		panic(err)
	}
	m.Exe = os.Args[1]
	for _, id := range []string{"schedule.cosine", "text.hashgram"} {
		c, err := m.Start(context.Background(), id)
		if err != nil {
			panic(err)
		}
		fmt.Println(c.PID())
	}
	time.Sleep(time.Minute)
}
