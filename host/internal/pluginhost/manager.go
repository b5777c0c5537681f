package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"dnw/sdk"
)

// Defaults of a Manager's limits.
const (
	// DefaultStartTimeout bounds a plugin's start-up; a healthy one answers the
	// handshake in about 10 ms on this machine (docs/benchmarks.md).
	DefaultStartTimeout = 20 * time.Second
	// DefaultCallTimeout bounds a call without its own deadline; plugin calls are
	// declarative (an IR, a layout, a table), so minutes mean a hung plugin.
	DefaultCallTimeout = 2 * time.Minute
	stderrTail         = 20 // lines of a plugin's stderr kept for error messages

)

// Manager starts plugins by id and stops them all on Close.
type Manager struct {
	Exe          string   // the dnw binary that serves bundled plugins
	Dirs         []string // where external plugins are looked for
	LockPath     string   // the lock file pinning external plugins
	StartTimeout time.Duration
	CallTimeout  time.Duration
	Log          *slog.Logger

	mu      sync.Mutex
	clients []*Client
	live    map[string]*Client // by id, for Get
	exeSum  string
	spent   atomic.Int64 // nanoseconds spent starting plugins and in their calls
}

// Spent is the wall time spent so far starting plugins and waiting for their calls,
// over all plugins: the cost of the process boundary that the stage runner reports
// as each stage's plugin share.
func (m *Manager) Spent() time.Duration { return time.Duration(m.spent.Load()) }

// NewManager returns a Manager with the default search path, lock file and limits.
func NewManager(log *slog.Logger) (*Manager, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("pluginhost: finding the dnw binary: %w", err)
	}
	return &Manager{Exe: exe, Dirs: SearchPath(), LockPath: LockFile(),
		StartTimeout: DefaultStartTimeout, CallTimeout: DefaultCallTimeout, Log: log}, nil
}

// Client is a started plugin.
type Client struct {
	ID, Version string
	Kind        sdk.Kind
	Source      string // "bundled" or the external binary's path
	SHA256      string // of the binary serving it
	Plugin      sdk.Plugin

	manager     *Manager // whose Spent the calls add to
	gp          *goplugin.Client
	stderr      *stderrLines
	callTimeout time.Duration
}

// PID is the plugin process's id (0 if it has exited).
func (c *Client) PID() int {
	if rc := c.gp.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

// Kill stops the plugin process.
func (c *Client) Kill() { c.gp.Kill() }

// Start launches the plugin id (bundled or external) and returns it described and
// ready. The Manager kills it on Close.
func (m *Manager) Start(ctx context.Context, id string) (*Client, error) {
	defer m.count(time.Now())
	cmd, source, sum, secure, err := m.command(id)
	if err != nil {
		return nil, err
	}
	return m.start(id, cmd, source, sum, secure)
}

func (m *Manager) start(id string, cmd *exec.Cmd, source, sum string, secure *goplugin.SecureConfig) (*Client, error) {
	dieWithHost(cmd)
	c := &Client{ID: id, Source: source, SHA256: sum, stderr: &stderrLines{max: stderrTail}, callTimeout: m.CallTimeout}
	c.gp = goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		Plugins:          sdk.PluginSet(),
		Cmd:              cmd,
		SecureConfig:     secure,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		StartTimeout:     m.StartTimeout,
		Stderr:           c.stderr, // the process's own stderr: runtime panics land here
		SyncStderr:       c.stderr, // what the plugin writes to os.Stderr, relayed over gRPC
		SyncStdout:       c.stderr,
		Logger:           hclog.NewNullLogger(),
		GRPCDialOptions: []grpc.DialOption{
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(sdk.MaxMessageBytes), grpc.MaxCallSendMsgSize(sdk.MaxMessageBytes)),
			grpc.WithUnaryInterceptor(c.intercept),
			grpc.WithInitialWindowSize(sdk.WindowBytes), grpc.WithInitialConnWindowSize(sdk.WindowBytes),
		},
	})
	m.mu.Lock()
	m.clients = append(m.clients, c)
	m.mu.Unlock()

	rpc, err := c.gp.Client()
	if err != nil {
		c.gp.Kill()
		return nil, &startError{ID: id, Source: source, Reason: handshakeFailure(err) + c.stderr.Tail()}
	}
	p, err := sdk.Dispense(rpc)
	if err != nil {
		c.gp.Kill()
		return nil, fmt.Errorf("pluginhost: plugin %s (%s): %w", id, source, err)
	}
	info := p.Info()
	if info.ID != id {
		c.gp.Kill()
		return nil, &startError{ID: id, Source: source,
			Reason: fmt.Sprintf("describes itself as %s, not %s; name the file %s%s", info.ID, id, ExternalPrefix, info.ID)}
	}
	// From here on its calls count towards Spent; Start counts the start-up calls.
	c.Plugin, c.Kind, c.Version, c.manager = p, info.Kind, info.Version, m
	if m.Log != nil {
		m.Log.Debug("plugin started", "plugin", id, "version", info.Version, "source", source, "pid", c.PID())
	}
	return c, nil
}

// startError is a plugin that would not start or that names another id than its
// file's. Reason leaves out the file, so that a list of refusals names each once.
type startError struct{ ID, Source, Reason string }

func (e *startError) Error() string {
	return fmt.Sprintf("pluginhost: plugin %s (%s) %s", e.ID, e.Source, e.Reason)
}

// Get returns the running plugin id, starting it on first use, so that the stages of
// a run share one process per plugin.
func (m *Manager) Get(ctx context.Context, id string) (*Client, error) {
	m.mu.Lock()
	c, ok := m.live[id]
	m.mu.Unlock()
	if ok && !c.gp.Exited() {
		return c, nil
	}
	c, err := m.Start(ctx, id)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.live == nil {
		m.live = map[string]*Client{}
	}
	m.live[id] = c
	m.mu.Unlock()
	return c, nil
}

// command is how to run plugin id: the dnw binary itself for a bundled plugin, or a
// locked external binary (with go-plugin's checksum verification as a second guard).
func (m *Manager) command(id string) (*exec.Cmd, string, string, *goplugin.SecureConfig, error) {
	if _, ok := bundled[id]; ok {
		sum, err := m.exeSHA256()
		if err != nil {
			return nil, "", "", nil, err
		}
		return exec.Command(m.Exe, "plugin", "serve", id), "bundled", sum, nil, nil
	}
	exts, refused, err := Discover(m.Dirs)
	if err != nil {
		return nil, "", "", nil, err
	}
	for _, r := range refused {
		if r.ID == id {
			return nil, "", "", nil, fmt.Errorf("pluginhost: refusing plugin %s: %s", id, r)
		}
	}
	for _, e := range exts {
		if e.ID != id {
			continue
		}
		sum, secure, err := m.verify(e)
		if err != nil {
			return nil, "", "", nil, err
		}
		return exec.Command(e.Path), e.Path, sum, secure, nil
	}
	return nil, "", "", nil, notRegistered(id, exts)
}

// notRegistered explains an unknown id: the nearest known id, and every plugin of the
// kind the id asks for.
func notRegistered(id string, exts []External) error {
	kind, _, _ := strings.Cut(id, ".")
	var same []string
	for _, k := range BundledIDs() {
		if strings.HasPrefix(k, kind+".") {
			same = append(same, k)
		}
	}
	for _, e := range exts {
		if strings.HasPrefix(e.ID, kind+".") {
			same = append(same, e.ID)
		}
	}
	slices.Sort(same)
	msg := "pluginhost: not registered: " + id
	if best := sdk.Suggest(id, same); best != "" {
		msg += "; did you mean " + best + "?"
	}
	return fmt.Errorf("%s (%s plugins: %s)", msg, kind, orNone(same))
}

// verify checks an external binary against its pin in the lock file.
func (m *Manager) verify(e External) (string, *goplugin.SecureConfig, error) {
	lock, err := ReadLock(m.LockPath)
	if err != nil {
		return "", nil, err
	}
	sum, err := fileSHA256(e.Path)
	if err != nil {
		return "", nil, fmt.Errorf("pluginhost: %w", err)
	}
	pin, ok := lock.Entry(e.ID)
	if !ok {
		return "", nil, fmt.Errorf("pluginhost: refusing plugin %s: %s is not pinned in %s; run 'dnw plugins lock' if you trust it",
			e.ID, e.Path, m.LockPath)
	}
	if pin.SHA256 != sum {
		return "", nil, fmt.Errorf("pluginhost: refusing plugin %s: %s has SHA-256 %s, but %s pins %s; run 'dnw plugins lock' if you trust the new binary",
			e.ID, e.Path, sum, m.LockPath, pin.SHA256)
	}
	raw, _ := hex.DecodeString(sum)
	return sum, &goplugin.SecureConfig{Checksum: raw, Hash: sha256.New()}, nil
}

// BuildSHA256 is the SHA-256 of the dnw executable that serves the bundled
// plugins: the build's identity, which stage cache keys include.
func (m *Manager) BuildSHA256() (string, error) { return m.exeSHA256() }

func (m *Manager) exeSHA256() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.exeSum == "" {
		sum, err := fileSHA256(m.Exe)
		if err != nil {
			return "", fmt.Errorf("pluginhost: %w", err)
		}
		m.exeSum = sum
	}
	return m.exeSum, nil
}

// Close stops every plugin the manager started.
func (m *Manager) Close() {
	m.mu.Lock()
	clients := m.clients
	m.clients, m.live = nil, nil
	m.mu.Unlock()
	for _, c := range clients {
		c.gp.Kill()
	}
}

// intercept gives every call a deadline and turns failures into errors that name the
// plugin and quote its last stderr lines; a plugin that hung is killed.
func (c *Client) intercept(ctx context.Context, method string, req, reply any,
	cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	timeout := c.callTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = time.Until(d)
	} else {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	start := time.Now()
	err := invoker(ctx, method, req, reply, cc, opts...)
	if c.manager != nil {
		c.manager.count(start)
	}
	if err == nil {
		return nil
	}
	call := path.Base(method)
	st, _ := status.FromError(err)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || st.Code() == codes.DeadlineExceeded:
		c.gp.Kill()
		return fmt.Errorf("plugin %s did not answer %s within %s; killed it%s", c.ID, call, timeout.Round(time.Millisecond), c.stderr.Tail())
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("plugin %s: %s: %w", c.ID, call, context.Canceled)
	case st.Code() == codes.Unavailable:
		c.waitExit(time.Second) // the stderr of a crash arrives as the process dies
		return fmt.Errorf("plugin %s crashed during %s: %s%s", c.ID, call, st.Message(), c.stderr.Tail())
	}
	return fmt.Errorf("plugin %s: %s: %s", c.ID, call, st.Message())
}

// count adds the time since start to Spent.
func (m *Manager) count(start time.Time) { m.spent.Add(int64(time.Since(start))) }

func (c *Client) waitExit(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for !c.gp.Exited() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the stderr reader drain the last lines
}

// firstLine is an error's first line: go-plugin follows its own with a paragraph of
// generic advice.
// handshakeFailure says why go-plugin got no handshake. go-plugin reports the first
// line of the plugin's stdout that is not a handshake as an "Unrecognized remote
// plugin message"; a plugin that exits first leaves it an empty line.
func handshakeFailure(err error) string {
	line := firstLine(err)
	printed, ok := strings.CutPrefix(line, "Unrecognized remote plugin message: ")
	switch {
	case ok && strings.TrimSpace(printed) == "" || strings.TrimSpace(line) == "Unrecognized remote plugin message:":
		return "exited before its handshake"
	case ok:
		return fmt.Sprintf("does not start as a dnw plugin: it printed %q to stdout before its handshake "+
			"(stdout carries only the handshake; a plugin logs to stderr)", printed)
	}
	return "does not start as a dnw plugin: " + line
}

func firstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
