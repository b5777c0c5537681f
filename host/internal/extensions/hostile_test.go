package extensions

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dnw/host/internal/extensions/exttest"
	"dnw/host/internal/metrics"
	"dnw/sdk/ext"
)

// The hostile-guest suite: modules that loop, hoard memory, panic, crash, reach
// for files and sockets, scribble outside their memory and lie about their
// output. Each must fail its call every time with an error that names its file and
// says what happened, while the host, the runtime and the extension carry on: the
// runtime still scores the built-in psnr right, and the same extension fails the
// same way on its next call (a fresh instance where the broken one was thrown
// away).

// hostileGuest builds the Go guest testdata/hostile/name.
func hostileGuest(t *testing.T, name string) string {
	t.Helper()
	return exttest.Guest(t, filepath.Join("host", "internal", "extensions", "testdata", "hostile", name))
}

// mustOpen opens a module, failing the test when it does not open.
func mustOpen(t *testing.T, rt *Runtime, path string, options map[string]any) *Extension {
	t.Helper()
	e, err := rt.Open(context.Background(), path, options)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	return e
}

// smallBatch is a batch of n 3×8×8 images and its targets.
func smallBatch(n int) (pred, target ext.Images) {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	target = randomBatch(rng, n, 8)
	return nearBatch(rng, target, 0.1), target
}

// hostileScore scores a small batch of n images on e and returns the error,
// checking that it wraps want and names e's file and each of words (no error
// fails the test at once).
func hostileScore(t *testing.T, e *Extension, n int, want error, words ...string) error {
	t.Helper()
	pred, target := smallBatch(n)
	_, err := e.Score(context.Background(), pred, target)
	contained(t, err, want, e.Path, words...)
	return err
}

// contained checks err wraps want, names the module's file and says each of words.
func contained(t *testing.T, err, want error, path string, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %v", want)
	}
	t.Logf("error: %v", err)
	if !errors.Is(err, want) {
		t.Errorf("error %q does not wrap %q", err, want)
	}
	for _, w := range append([]string{path}, words...) {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

// discarded checks the extension's pool holds no instance: the one that failed
// was closed, so the next call starts a fresh one.
func discarded(t *testing.T, e *Extension) {
	t.Helper()
	if n := len(e.idle); n != 0 {
		t.Errorf("%d instances idle after a failed call; want the broken one discarded", n)
	}
}

// survives checks the runtime still runs the built-in psnr and gets the native
// reference's score.
func survives(t *testing.T, rt *Runtime) {
	t.Helper()
	psnr := mustOpen(t, rt, exttest.Guest(t, "plugins/ext/psnr"), nil)
	defer psnr.Close(context.Background())
	pred, target := smallBatch(4)
	got, err := psnr.Score(context.Background(), pred, target)
	if err != nil {
		t.Fatalf("psnr after the hostile call: %v", err)
	}
	if want := metrics.PSNR(pred.Pix, target.Pix); math.Abs(got.Value-want) > 1e-5 {
		t.Errorf("psnr after the hostile call: %v, native %v", got.Value, want)
	}
}

// twice runs a hostile call (which checks its own error), checks the broken
// instance was discarded (unless kept is set: a guest's own error leaves a sound
// instance) and the runtime survives, then runs the call again and checks it
// fails with the same error.
func twice(t *testing.T, rt *Runtime, e *Extension, kept bool, call func() error) {
	t.Helper()
	first := call()
	if !kept {
		discarded(t, e)
	}
	survives(t, rt)
	if second := call(); first != nil && second != nil && second.Error() != first.Error() {
		t.Errorf("the second call failed differently:\n first: %v\nsecond: %v", first, second)
	}
}

func TestHostileInfiniteLoopHitsTheDeadline(t *testing.T) {
	rt := testRuntime(t, Config{Deadline: 300 * time.Millisecond})
	e := mustOpen(t, rt, hostileGuest(t, "loop"), nil)
	twice(t, rt, e, false, func() error {
		start := time.Now()
		err := hostileScore(t, e, 2, ErrDeadline, "hostile-loop", "deadline", "300ms")
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("the stuck call returned after %v; the deadline is 300ms", took)
		}
		return err
	})
}

func TestHostileMemoryBombHitsTheCap(t *testing.T) {
	rt := testRuntime(t, Config{MemoryPages: 1024})
	e := mustOpen(t, rt, hostileGuest(t, "membomb"), nil)
	twice(t, rt, e, false, func() error {
		return hostileScore(t, e, 2, ErrMemory, "hostile-membomb", "out of memory", "64 MiB", "memory_pages = 1024")
	})
}

func TestHostilePanicIsTheGuestsError(t *testing.T) {
	rt := testRuntime(t, Config{})
	e := mustOpen(t, rt, hostileGuest(t, "panic"), nil)
	twice(t, rt, e, true, func() error {
		return hostileScore(t, e, 2, ErrGuest, "hostile-panic", "panic: hostile guest gave up on a batch of 2")
	})
}

func TestHostileGoFatalErrorTrapsOrExits(t *testing.T) {
	rt := testRuntime(t, Config{})
	e := mustOpen(t, rt, hostileGuest(t, "fatal"), nil)
	twice(t, rt, e, false, func() error {
		// Go's runtime on wasip1 ends a fatal error with `unreachable`, not an exit.
		pred, target := smallBatch(2)
		_, err := e.Score(context.Background(), pred, target)
		want := ErrTrap
		if errors.Is(err, ErrExit) {
			want = ErrExit
		}
		contained(t, err, want, e.Path, "hostile-fatal", "fatal error: stack overflow")
		return err
	})
}

func TestHostileUnreachableTraps(t *testing.T) {
	rt := testRuntime(t, Config{})
	e := mustOpen(t, rt, exttest.WAT(t, "host/internal/extensions/testdata/hostile/unreachable/unreachable.wat"), nil)
	twice(t, rt, e, false, func() error {
		return hostileScore(t, e, 2, ErrTrap, "hostile-unreachable", "unreachable")
	})
}

func TestHostileWriteOutsideMemoryTraps(t *testing.T) {
	rt := testRuntime(t, Config{MemoryPages: 1024})
	e := mustOpen(t, rt, hostileGuest(t, "oob"), nil)
	twice(t, rt, e, false, func() error {
		return hostileScore(t, e, 2, ErrTrap, "hostile-oob", "out of bounds memory access")
	})
}

func TestHostileOutputOutsideMemoryBreaksTheABI(t *testing.T) {
	rt := testRuntime(t, Config{})
	e := mustOpen(t, rt, hostileGuest(t, "badptr"), nil)
	for _, c := range []struct {
		name   string
		images int // the guest's dnw_metric lies differently per batch size
		words  []string
	}{
		{"pointer past the end", 1, []string{"0xffff0000..0xffff1000", "outside"}},
		{"length past the end", 2, []string{"outside"}},
		{"envelope status", 3, []string{"output envelope", "status 7"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			twice(t, rt, e, false, func() error {
				return hostileScore(t, e, c.images, ErrProtocol, append([]string{"hostile-badptr", "broke the ABI"}, c.words...)...)
			})
		})
	}
}

func TestHostileModuleWithoutMemoryIsRefused(t *testing.T) {
	rt := testRuntime(t, Config{})
	path := exttest.WAT(t, "host/internal/extensions/testdata/hostile/nomemory/nomemory.wat")
	_, err := rt.Open(context.Background(), path, nil)
	contained(t, err, ErrProtocol, path, "memory")
	survives(t, rt)
}

func TestHostileFilesStayOutOfReach(t *testing.T) {
	// The granted directory holds hello.txt, inside.txt (a symbolic link to
	// hello.txt) and link.txt (a symbolic link to secret.txt, which lies beside
	// the directory, outside it).
	root := t.TempDir()
	granted := filepath.Join(root, "granted")
	if err := os.Mkdir(granted, 0o755); err != nil {
		t.Fatal(err)
	}
	const hello, secret = "hello from the host", "the host's secret"
	for path, text := range map[string]string{filepath.Join(granted, "hello.txt"): hello, filepath.Join(root, "secret.txt"): secret} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"inside.txt": "hello.txt", "link.txt": "../secret.txt"} {
		if err := os.Symlink(target, filepath.Join(granted, link)); err != nil {
			t.Fatal(err)
		}
	}
	passwd, _ := os.ReadFile("/etc/passwd")
	leaked := func(t *testing.T, said string) {
		t.Helper()
		if strings.Contains(said, "succeeded") || strings.Contains(said, secret) ||
			(len(passwd) > 16 && strings.Contains(said, string(passwd[:16]))) || strings.Contains(said, "root:") {
			t.Errorf("the guest read what it should not: %q", said)
		}
	}
	guest := hostileGuest(t, "files")

	for name, dir := range map[string]string{"nothing granted": "", "a directory granted": granted} {
		t.Run("passwd/"+name, func(t *testing.T) {
			rt := testRuntime(t, Config{ReadOnlyDir: dir})
			e := mustOpen(t, rt, guest, map[string]any{"mode": "passwd"})
			twice(t, rt, e, true, func() error {
				err := hostileScore(t, e, 2, ErrGuest, "hostile-files",
					"read /etc/passwd failed", "read /data/../etc/passwd failed", "raw open ../../../../etc/passwd failed")
				leaked(t, err.Error())
				return err
			})
		})
	}

	t.Run("data", func(t *testing.T) {
		rt := testRuntime(t, Config{ReadOnlyDir: granted})
		e := mustOpen(t, rt, guest, map[string]any{"mode": "data"})
		for range 2 {
			pred, target := smallBatch(2)
			s, err := e.Score(context.Background(), pred, target)
			if err != nil {
				t.Fatal(err)
			}
			var said []string
			for _, sub := range s.Sub {
				said = append(said, sub.Name)
			}
			t.Logf("the guest says: %q", said)
			if len(said) != 8 {
				t.Fatalf("the guest said %d things, want 8: %q", len(said), said)
			}
			for i, want := range []string{
				"read /data/hello.txt succeeded: " + hello,
				"list /data: hello.txt,inside.txt,link.txt",
				4: "read /data/inside.txt succeeded: " + hello, // a link that stays inside
			} {
				if want != "" && said[i] != want {
					t.Errorf("the guest says %q, want %q", said[i], want)
				}
			}
			for i, what := range []string{"write /data/written.txt", "append /data/hello.txt"} {
				if !strings.HasPrefix(said[2+i], what+" failed") {
					t.Errorf("%q, want %s to fail", said[2+i], what)
				}
			}
			for _, s := range slices.Concat(said[2:4], said[5:]) {
				leaked(t, s)
			}
			if _, err := os.Stat(filepath.Join(granted, "written.txt")); !os.IsNotExist(err) {
				t.Errorf("the guest wrote into the granted directory (stat: %v)", err)
			}
			if b, err := os.ReadFile(filepath.Join(granted, "hello.txt")); err != nil || string(b) != hello {
				t.Errorf("the granted file now reads %q (%v), want %q", b, err, hello)
			}
			survives(t, rt)
		}
	})
}

func TestHostileSocketsConnectNowhere(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	rt := testRuntime(t, Config{})
	e := mustOpen(t, rt, hostileGuest(t, "socket"), map[string]any{"addr": ln.Addr().String()})
	twice(t, rt, e, true, func() error {
		err := hostileScore(t, e, 2, ErrGuest, "hostile-socket", "net.Dial failed", "sock_accept errnos", "sock_send errnos")
		if strings.Contains(err.Error(), "succeeded") {
			t.Errorf("the guest reached the network: %v", err)
		}
		for _, errnos := range []string{"sock_accept errnos ", "sock_send errnos "} {
			if _, after, ok := strings.Cut(err.Error(), errnos); ok {
				list, _, _ := strings.Cut(after, ";")
				for _, n := range strings.Split(list, ",") {
					if n == "0" {
						t.Errorf("a raw socket call succeeded: %s%s", errnos, list)
					}
				}
			}
		}
		select {
		case c := <-accepted:
			c.Close()
			t.Errorf("the listener accepted a connection from %v", c.RemoteAddr())
		case <-time.After(200 * time.Millisecond):
		}
		return err
	})
}

// A score that is not a number cannot be ranked or written to results.json: it is
// the extension's error, naming its file, so extensions.on_error applies to it.
// The instance that returned it is sound and serves the next call.
func TestHostileNonFiniteScoreIsTheExtensionsError(t *testing.T) {
	rt := testRuntime(t, Config{})
	path := exttest.WAT(t, "host/internal/extensions/testdata/hostile/nonfinite/nonfinite.wat")
	e := mustOpen(t, rt, path, nil)
	// The guest scores p0 / p1 and reports the sub-score p1 / p0.
	score := func(p0, p1 float32) (ext.Score, error) {
		pred := ext.Images{N: 1, C: 3, H: 1, W: 1, Pix: []float32{p0, p1, 0}}
		target := ext.Images{N: 1, C: 3, H: 1, W: 1, Pix: []float32{0, 0, 0}}
		return e.Score(context.Background(), pred, target)
	}
	for _, c := range []struct {
		name   string
		p0, p1 float32
		words  []string
	}{
		{"NaN", 0, 0, []string{"its score is NaN"}},
		{"+Inf", 1, 0, []string{"its score is +Inf"}},
		{"-Inf", -1, 0, []string{"its score is -Inf"}},
		{"sub-score", 0, 1, []string{`its sub-score "inverse" is +Inf`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := score(c.p0, c.p1)
			contained(t, err, ErrProtocol, path, append([]string{"hostile-nonfinite", "must be finite"}, c.words...)...)
			if got, err := score(1, 1); err != nil || got.Value != 1 {
				t.Errorf("the next call: %v, %v; want 1", got.Value, err)
			}
		})
	}
}
