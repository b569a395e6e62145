//go:build linux

package ipclab_test

// pipelab.wasm under WASI runtimes as commands, run as a user runs them:
// Node.js's node:wasi through scripts/wasi-node.mjs (the node on PATH, and
// Debian 12's own node 18, which make wasi-deps unpacks into out/node18
// when the node on PATH is another), wazero's command (the version in
// go.mod, as go tool wazero runs it), and wasmer-js, npm's @wasmer/cli
// pinned in scripts/wasi/package-lock.json (make wasi-deps installs it
// into out/npm). make test runs make wasi-deps first.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

// wasiRuntime runs a WASI program as a command: argv returns the command
// line that runs wasm with args, in the module's root directory (so that
// relative paths such as testdata/pipe.txt resolve there).
type wasiRuntime struct {
	name, version string
	argv          func(wasm string, args ...string) []string
	env           []string
}

// wasiRuntimes finds the runtimes, failing when one is missing.
func wasiRuntimes(t *testing.T) []wasiRuntime {
	t.Helper()
	root := labtest.ModuleRoot(t)
	runner := filepath.Join(root, "scripts", "wasi-node.mjs")
	nodes := []string{labtest.Tool(t, "node")}
	if p := filepath.Join(root, "out", "node18", "node"); fileExists(p) {
		nodes = append(nodes, p)
	}
	var rts []wasiRuntime
	debian := false
	for _, node := range nodes {
		out, err := exec.Command(node, "--version").Output()
		if err != nil {
			t.Fatalf("%s --version: %v", node, err)
		}
		v := "Node.js " + strings.TrimSpace(string(out))
		if pkg, err := os.ReadFile(filepath.Join(filepath.Dir(node), "version")); err == nil {
			v += " (Debian's " + strings.TrimSpace(string(pkg)) + ", unpacked)"
			debian = true
		} else if pkg := debianNode(node); pkg != "" {
			v += " (Debian's nodejs " + pkg + ")"
			debian = true
		}
		rts = append(rts, wasiRuntime{name: "node" + strconv.Itoa(len(rts)), version: v,
			argv: func(wasm string, args ...string) []string {
				return append([]string{node, runner, wasm}, args...)
			}})
	}
	if !debian {
		t.Fatalf("no Debian Node.js to test (the node on PATH is %s): run make wasi-deps", rts[0].version)
	}
	rts[0].name = "node"
	if len(rts) > 1 {
		rts[1].name = "debian-node"
	}

	// wazero's command, as go tool wazero runs it (docs/wasi.md): built from
	// the version pinned in go.mod, with a compilation cache.
	wz := filepath.Join(t.TempDir(), "wazero")
	build := exec.Command("go", "build", "-o", wz, "github.com/tetratelabs/wazero/cmd/wazero")
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build wazero: %v\n%s", err, b)
	}
	out, err := exec.Command(wz, "version").Output()
	if err != nil {
		t.Fatalf("wazero version: %v", err)
	}
	cache := "-cachedir=" + t.TempDir()
	rts = append(rts, wasiRuntime{name: "wazero", version: "wazero " + strings.TrimSpace(string(out)),
		argv: func(wasm string, args ...string) []string {
			return append([]string{wz, "run", cache, "-mount=.:/:ro", wasm}, args...)
		}})

	npm := filepath.Join(root, "out", "npm")
	wasmer := filepath.Join(npm, "node_modules", ".bin", "wasmer-js")
	if !fileExists(wasmer) {
		t.Fatalf("no %s: run make wasi-deps", wasmer)
	}
	var pkg struct{ Version string }
	if b, err := os.ReadFile(filepath.Join(npm, "node_modules", "@wasmer", "cli", "package.json")); err == nil {
		json.Unmarshal(b, &pkg)
	}
	rts = append(rts, wasiRuntime{name: "wasmer-js", version: "@wasmer/cli " + pkg.Version + " on " + rts[0].version,
		argv: func(wasm string, args ...string) []string {
			return append([]string{wasmer, "run", "--mapdir=/:.", wasm}, args...)
		},
		// wasmer-js keeps the module it has rewritten in TMPDIR: one
		// per test run, filled before runs go on in parallel.
		env: []string{"TMPDIR=" + t.TempDir()},
	})
	return rts
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// debianNode returns the version of Debian's nodejs package when node is
// the one it installed, else "".
func debianNode(node string) string {
	p, err := filepath.EvalSymlinks(node)
	if err != nil {
		return ""
	}
	owner, err := exec.Command("dpkg-query", "-S", p).Output()
	if err != nil || !strings.HasPrefix(string(owner), "nodejs:") {
		return ""
	}
	v, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "nodejs").Output()
	if err != nil || !strings.Contains(string(v), "dfsg") {
		return ""
	}
	return string(v)
}

// endCmd is one end of a pipe: a command line and its environment.
type endCmd struct {
	argv []string
	env  []string
}

func (rt wasiRuntime) end(wasm string, args ...string) endCmd {
	return endCmd{argv: rt.argv(wasm, args...), env: rt.env}
}

func nativeEnd(bin string, args ...string) endCmd {
	return endCmd{argv: append([]string{bin}, args...)}
}

func (e endCmd) command(ctx context.Context, dir string) *exec.Cmd {
	cmd := labtest.Command(ctx, e.argv[0], e.argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(cmd.Env, e.env...)
	return cmd
}

func (e endCmd) String() string {
	return filepath.Base(e.argv[0]) + " " + strings.Join(e.argv[1:], " ")
}

// pairResult is how the two ends of one run ended.
type pairResult struct {
	sendCode, recvCode int
	sendErr, recvOut   string
	recvErr            string
}

// runPair runs send | recv in dir, the sender reading stdin. It may run
// in a goroutine of its own: it reports nothing itself.
func runPair(dir string, send, recv endCmd, stdin io.Reader) pairResult {
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
	defer cancel()
	r, w, err := os.Pipe()
	if err != nil {
		return pairResult{sendCode: -1, sendErr: err.Error()}
	}
	s, rc := send.command(ctx, dir), recv.command(ctx, dir)
	var sendErr, recvOut, recvErr bytes.Buffer
	s.Stdin, s.Stdout, s.Stderr = stdin, w, &sendErr
	rc.Stdin, rc.Stdout, rc.Stderr = r, &recvOut, &recvErr
	var res pairResult
	if err := s.Start(); err != nil {
		res.sendCode, res.sendErr = -1, err.Error()
	}
	if err := rc.Start(); err != nil {
		res.recvCode, res.recvErr = -1, err.Error()
	}
	r.Close()
	w.Close()
	if res.sendCode == 0 {
		res.sendCode = exitStatus(s.Wait())
		res.sendErr = sendErr.String()
	}
	if res.recvCode == 0 {
		res.recvCode = exitStatus(rc.Wait())
		res.recvOut, res.recvErr = recvOut.String(), recvErr.String()
	}
	if ctx.Err() != nil {
		res.recvErr += fmt.Sprintf(" (no end within %v)", labtest.Deadline)
	}
	return res
}

func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// check compares a run with what its two ends must print, exactly.
func (p pairResult) check(sent, received []string) string {
	var msgs []string
	if p.sendCode != 0 || p.recvCode != 0 {
		msgs = append(msgs, fmt.Sprintf("exit status %d | %d", p.sendCode, p.recvCode))
	}
	if d := text.Diff(text.Lines(p.sendErr), sent); d != "" {
		msgs = append(msgs, "send's stderr: "+d)
	}
	if d := text.Diff(text.Lines(p.recvOut), received); d != "" {
		msgs = append(msgs, "recv's stdout: "+d)
	}
	if p.recvErr != "" {
		msgs = append(msgs, fmt.Sprintf("recv's stderr: %.200q", p.recvErr))
	}
	return strings.Join(msgs, "; ")
}

// TestWASIRuntimes runs pipelab.wasm's send and recv under each runtime:
// both ends there 50 times on the sample and once on 100,000 items, a
// native end on either side, data on a redirected or piped standard input
// (data, not the dialogue, also at a terminal), the dialogue on a
// terminal, and a standard input made non-blocking on purpose.
func TestWASIRuntimes(t *testing.T) {
	wasm := labtest.BuildWASM(t, "pipelab")
	bin := labtest.Build(t, "pipelab")
	root := labtest.ModuleRoot(t)
	const file = "testdata/pipe.txt" // relative: the runtimes' / is root
	for _, rt := range wasiRuntimes(t) {
		t.Run(rt.name, func(t *testing.T) {
			t.Logf("%s: %s", rt.name, rt.version)
			// One process first, alone: wasmer-js rewrites the module and
			// caches it in a directory it makes, and two first runs at once
			// race to make it (EEXIST).
			ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
			defer cancel()
			first := rt.end(wasm, "send", file).command(ctx, root)
			if b, err := first.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", rt.end(wasm, "send", file), err, b)
			}

			t.Run("send | recv, 50 runs", func(t *testing.T) {
				const runs, atOnce = 50, 3
				var (
					wg     sync.WaitGroup
					mu     sync.Mutex
					failed []string
				)
				sem := make(chan struct{}, atOnce)
				start := time.Now()
				for i := 0; i < runs; i++ {
					wg.Add(1)
					sem <- struct{}{}
					go func(i int) {
						defer func() { <-sem; wg.Done() }()
						res := runPair(root, rt.end(wasm, "send", file), rt.end(wasm, "recv"), nil)
						if msg := res.check(sample.sent, sample.received); msg != "" {
							mu.Lock()
							failed = append(failed, fmt.Sprintf("run %d: %s", i+1, msg))
							mu.Unlock()
						}
					}(i)
				}
				wg.Wait()
				for _, f := range failed {
					t.Error(f)
				}
				t.Logf("%s: %d of %d runs of send %s | recv correct (%d at a time, %.1f s)",
					rt.name, runs-len(failed), runs, file, atOnce, time.Since(start).Seconds())
			})

			t.Run("send | recv, 100000 items", func(t *testing.T) {
				data, vals := labtest.Numbers(100000)
				res := runPair(root, rt.end(wasm, "send"), rt.end(wasm, "recv"), strings.NewReader(data))
				if msg := res.check(labtest.Itoa(vals, 1, "Messages Sent: "), labtest.Itoa(vals, 1, "Messages Received: ")); msg != "" {
					t.Error(msg)
				}
			})

			t.Run("native send | recv", func(t *testing.T) {
				res := runPair(root, nativeEnd(bin, "send", file), rt.end(wasm, "recv"), nil)
				if msg := res.check(sample.sent, sample.received); msg != "" {
					t.Error(msg)
				}
			})

			t.Run("send | native recv", func(t *testing.T) {
				res := runPair(root, rt.end(wasm, "send", file), nativeEnd(bin, "recv"), nil)
				if msg := res.check(sample.sent, sample.received); msg != "" {
					t.Error(msg)
				}
			})

			t.Run("data on stdin", func(t *testing.T) {
				sampleText, err := os.ReadFile(filepath.Join(root, file))
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range []struct {
					name     string
					terminal bool // stderr a terminal, as where a user types
					stdin    func() *os.File
				}{
					{"redirected file", false, func() *os.File { return openFile(t, filepath.Join(root, file)) }},
					{"pipe", false, func() *os.File { return pipeOf(t, sampleText) }},
					{"redirected file, at a terminal", true, func() *os.File { return openFile(t, filepath.Join(root, file)) }},
					{"pipe, at a terminal", true, func() *os.File { return pipeOf(t, sampleText) }},
				} {
					t.Run(c.name, func(t *testing.T) {
						var tty *terminal
						send := rt.end(wasm, "send")
						ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
						defer cancel()
						cmd := send.command(ctx, root)
						var out, errb bytes.Buffer
						cmd.Stdin, cmd.Stdout, cmd.Stderr = c.stdin(), &out, &errb
						if c.terminal {
							tty = openTerminal(t)
							cmd.Stderr = tty.slave
						}
						err := cmd.Run()
						got := errb.String()
						if c.terminal {
							got = tty.close()
						}
						checkEnd(t, "send, its stderr", exitStatus(err), got, sample.sent)
						if want := records(12, 34, 423, 2, 0); !bytes.Equal(out.Bytes(), want) {
							t.Errorf("send wrote % x, want % x", out.Bytes(), want)
						}
					})
				}
			})

			t.Run("dialogue on a terminal", func(t *testing.T) {
				tty := openTerminal(t)
				ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
				defer cancel()
				cmd := rt.end(wasm, "send").command(ctx, root)
				var out bytes.Buffer
				cmd.Stdin, cmd.Stdout, cmd.Stderr = tty.slave, &out, tty.slave
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				labtest.WaitUntil(t, "the prompt Enter dataset size:", func() bool { return strings.Contains(tty.output(), "Enter dataset size: ") })
				io.WriteString(tty.master, "2\n5\n7\n")
				err := cmd.Wait()
				screen := tty.close()
				if err != nil {
					t.Errorf("send: %v, terminal %q", err, screen)
				}
				if want := records(5, 7, 0); !bytes.Equal(out.Bytes(), want) {
					t.Errorf("send wrote % x, want % x", out.Bytes(), want)
				}
				// The terminal echoes the input as it is typed.
				for _, want := range []string{"Enter dataset size: ", "Enter the data: ", "Messages Sent: 5\n", "Messages Sent: 7\n"} {
					if !strings.Contains(screen, want) {
						t.Errorf("the terminal shows %q, without %q", screen, want)
					}
				}
			})

			t.Run("recv, stdin non-blocking", func(t *testing.T) {
				r, w := nonblockingPipe(t, false)
				ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
				defer cancel()
				cmd := rt.end(wasm, "recv").command(ctx, root)
				var out, errb bytes.Buffer
				cmd.Stdin, cmd.Stdout, cmd.Stderr = r, &out, &errb
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				r.Close()
				// The first record, and once it is read the rest: recv
				// reads the empty pipe in between (unless it is slower
				// than this test).
				w.Write(records(12))
				labtest.WaitUntil(t, "recv reading the first record", func() bool { return unread(w) == 0 })
				w.Write(records(34, 0))
				w.Close()
				err := cmd.Wait()
				checkEnd(t, "recv", exitStatus(err), out.String(), []string{"Messages Received: 12", "Messages Received: 34"})
				if errb.Len() > 0 {
					t.Errorf("recv: stderr %q", errb.String())
				}
			})
		})
	}
}

func openFile(t *testing.T, name string) *os.File {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// pipeOf returns the read end of a pipe that holds b, its write end closed.
func pipeOf(t *testing.T, b []byte) *os.File {
	r, w := pipe(t)
	go func() {
		w.Write(b)
		w.Close()
	}()
	return r
}

// terminal is a pseudo-terminal: the program gets slave, the test types
// into master and reads what the terminal shows.
type terminal struct {
	master, slave *os.File
	mu            sync.Mutex
	shown         bytes.Buffer
	done          chan struct{}
}

func openTerminal(t *testing.T) *terminal {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	tty := &terminal{master: m, slave: s, done: make(chan struct{})}
	go func() {
		defer close(tty.done)
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			tty.mu.Lock()
			tty.shown.Write(buf[:n])
			tty.mu.Unlock()
			if err != nil {
				return // EIO once no process holds the slave
			}
		}
	}()
	t.Cleanup(func() { m.Close(); s.Close() })
	return tty
}

// output is what the terminal has shown so far, with \r\n as \n.
func (tty *terminal) output() string {
	tty.mu.Lock()
	defer tty.mu.Unlock()
	return strings.ReplaceAll(tty.shown.String(), "\r\n", "\n")
}

// close closes the test's slave and returns all the terminal showed, once
// the program that had it is gone.
func (tty *terminal) close() string {
	tty.slave.Close()
	<-tty.done
	return tty.output()
}
