package initramfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// bootTimeout bounds one boot, from QEMU's start to its end. A boot takes a
// few seconds under emulation; the margin is for a loaded machine.
const bootTimeout = 90 * time.Second

// qemuBinary names the QEMU that scripts/qemu.sh runs for target: an arch
// (QEMU's virt machine) or a Pi board (scripts/boards.txt).
func qemuBinary(t testing.TB, target string) string {
	if b, ok := findBoard(t, target); ok {
		switch {
		case b.machine == "raspi4b": // QEMU 10's, beside Debian 12's 7.2
			return filepath.Join(repoRoot(t), "out", "qemu", "bin", "qemu-system-aarch64")
		case b.goarch == "arm64":
			return "qemu-system-aarch64"
		}
		return "qemu-system-arm"
	}
	return map[string]string{
		"amd64":   "qemu-system-x86_64",
		"arm64":   "qemu-system-aarch64",
		"armv7":   "qemu-system-arm",
		"riscv64": "qemu-system-riscv64",
	}[target]
}

// repoRoot is the module's root: go test runs in initramfs/.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// archKernels are the kernel packages of QEMU's virt machines, as the
// Makefile's KERNEL_META_* name them: Debian 12's cloud kernels, its armmp
// kernel for armv7, Debian 13's riscv64 kernel.
var archKernels = map[string]string{
	"amd64":   "linux-image-cloud-amd64",
	"arm64":   "linux-image-cloud-arm64",
	"armv7":   "linux-image-armmp",
	"riscv64": "linux-image-riscv64",
}

// kernelPath is where scripts/fetch-kernel.sh (make kernel) puts the
// kernel of target: Debian's cloud kernel for an arch, the board's kernel
// package for a board.
func kernelPath(t testing.TB, target string) string {
	pkg := archKernels[target]
	if b, ok := findBoard(t, target); ok {
		pkg = b.kernel
	}
	return filepath.Join(repoRoot(t), "out", "kernel", pkg, "vmlinuz")
}

// needBootTools skips under -short and fails, naming what is missing, when
// QEMU, xz or the kernel of target (an arch or a board) are absent: `make
// test` installs and fetches them, so in CI a missing tool is a failure,
// never a skip.
func needBootTools(t testing.TB, target string) {
	t.Helper()
	if testing.Short() {
		t.Skip("boots QEMU; skipped with -short")
	}
	needTools(t, qemuBinary(t, target), "xz")
	if k := kernelPath(t, target); !fileExists(k) {
		flag := "ARCH"
		if _, ok := findBoard(t, target); ok {
			flag = "BOARD"
		}
		t.Fatalf("kernel %s missing: run `make test`, or `make kernel %s=%s`", k, flag, target)
	}
}

// needTools fails, naming the first tool that is not on PATH.
func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			how := "scripts/deps.sh to install it"
			if strings.Contains(tool, "/out/qemu/") {
				how = "scripts/fetch-qemu.sh to fetch it"
			}
			t.Fatalf("%s not found: run `make test`, or %s", tool, how)
		}
	}
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// buildImage runs mkinitramfs.sh for target (an arch or a board) into a
// temporary directory; env (DATA=…, UINIT=…) makes a variant.
func buildImage(t testing.TB, target string, env ...string) string {
	t.Helper()
	return makeImage(t, target, filepath.Join(t.TempDir(), "initramfs-"+target+".cpio.xz"), env...)
}

// makeImage runs mkinitramfs.sh for target into img.
func makeImage(t testing.TB, target, img string, env ...string) string {
	t.Helper()
	root := repoRoot(t)
	cmd := exec.Command(filepath.Join(root, "initramfs", "mkinitramfs.sh"), target, img)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mkinitramfs.sh %s: %v\n%s", target, err, out)
	}
	return img
}

// vm is one QEMU run of scripts/qemu.sh, its serial console on a pipe.
type vm struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	console console
	stderr  bytes.Buffer
	exited  chan struct{} // closed once QEMU has exited and its output is read
	waitErr error
}

// startVM boots img on target (an arch or a board); env (KERNEL=, DTB=,
// CMDLINE=) goes to scripts/qemu.sh, kernelArgs to the kernel command
// line. QEMU is killed when ctx ends or the test finishes.
func startVM(t testing.TB, ctx context.Context, target, img string, env []string, kernelArgs ...string) *vm {
	t.Helper()
	root := repoRoot(t)
	args := append([]string{target, img}, kernelArgs...)
	v := &vm{exited: make(chan struct{})}
	v.console.changed = make(chan struct{})
	v.cmd = exec.CommandContext(ctx, filepath.Join(root, "scripts", "qemu.sh"), args...)
	v.cmd.Dir = root
	v.cmd.Env = append(os.Environ(), env...)
	v.cmd.Stdout = &v.console
	v.cmd.Stderr = &v.stderr
	v.cmd.WaitDelay = 5 * time.Second
	var err error
	if v.stdin, err = v.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := v.cmd.Start(); err != nil {
		t.Fatalf("start QEMU: %v", err)
	}
	go func() {
		v.waitErr = v.cmd.Wait()
		close(v.exited)
	}()
	t.Cleanup(func() {
		if v.cmd.Process != nil {
			v.cmd.Process.Kill()
		}
		<-v.exited
	})
	return v
}

// errShellPrompt reports that the console stopped at gosh's prompt.
var errShellPrompt = errors.New("the console shows the shell's prompt: ipclab returned and init started the shell")

// promptQuiet is how long the console must stay at a shell prompt before
// waitExit believes it: ipclab's own output has "$ pipelab < pipe.txt" lines,
// which the console can show cut right after the "$ ".
const promptQuiet = 2 * time.Second

// waitExit waits for QEMU to end by itself. It gives up when ctx ends, and
// when the console rests at a shell prompt: in a boot without ipclab.shell=1
// that means ipclab returned without powering off and init started gosh.
func (v *vm) waitExit(ctx context.Context) error {
	for {
		ch := v.console.changedChan()
		var quiet <-chan time.Time
		if v.console.atPrompt() {
			quiet = time.After(promptQuiet)
		}
		select {
		case <-v.exited:
			return nil
		case <-ch:
		case <-quiet:
			return errShellPrompt
		case <-ctx.Done():
			return fmt.Errorf("QEMU still running after %v: %w", bootTimeout, ctx.Err())
		}
	}
}

// expect waits until the console, after what an earlier expect consumed,
// contains s; it consumes up to the end of s and returns what came before s.
func (v *vm) expect(ctx context.Context, s string) (string, error) {
	for {
		ch := v.console.changedChan()
		if before, ok := v.console.consume(s); ok {
			return before, nil
		}
		select {
		case <-v.exited:
			if before, ok := v.console.consume(s); ok {
				return before, nil
			}
			return "", fmt.Errorf("QEMU exited before the console showed %q", s)
		case <-ch:
		case <-ctx.Done():
			return "", fmt.Errorf("console did not show %q within %v: %w", s, bootTimeout, ctx.Err())
		}
	}
}

// send types s on the console.
func (v *vm) send(s string) error {
	_, err := io.WriteString(v.stdin, s)
	return err
}

// console collects QEMU's serial output and wakes waiters on each write.
type console struct {
	mu       sync.Mutex
	buf      []byte
	consumed int
	changed  chan struct{} // closed and replaced on every write
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	close(c.changed)
	c.changed = make(chan struct{})
	return len(p), nil
}

func (c *console) changedChan() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

func (c *console) consume(s string) (before string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rest := c.buf[c.consumed:]
	i := bytes.Index(rest, []byte(s))
	if i < 0 {
		return "", false
	}
	c.consumed += i + len(s)
	return string(rest[:i]), true
}

// atPrompt reports whether the output ends in gosh's prompt, "$ " at the
// start of a line, with no newline after it.
func (c *console) atPrompt() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.HasSuffix(c.buf, []byte("\n$ ")) || bytes.Equal(c.buf, []byte("$ "))
}

// Lines returns the output so far, split into lines without "\r".
func (c *console) Lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Split(strings.ReplaceAll(string(c.buf), "\r", ""), "\n")
}

func (c *console) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.buf)
}
