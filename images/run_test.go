//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The lab sheet's sample outputs.
var (
	queueLines = []string{"Queue = list * 10", "Queue elements:", "120", "340", "4230", "20", "10"}
	shmLines   = []string{
		"Result(in process p1): [220, 330, 40, 550]",
		"Sum(in process p1): 1140",
		"Result(in main program): [220, 330, 40, 550]",
		"Sum(in main program): 1140",
	}
	pipeSent     = []string{"Messages Sent: 12", "Messages Sent: 34", "Messages Sent: 423", "Messages Sent: 2", "Messages Sent: 0"}
	pipeReceived = []string{"Messages Received: 12", "Messages Received: 34", "Messages Received: 423", "Messages Received: 2"}
	summary      = "ipclab: 3/3 labs passed"
)

// A runCase is one `docker run` of the image: args replace the image's
// command when given, stdin is fed to the container (docker run -i).
type runCase struct {
	name  string
	args  []string
	stdin string
	check func(lines []string) error
}

var runCases = []runCase{
	{"default", nil, "", checkSuite},
	{"mqlab", []string{"mqlab", "/data/queue.txt"}, "", exactly(queueLines)},
	{"mqlab-sysv", []string{"mqlab", "-sysv", "/data/queue.txt"}, "", exactly(queueLines)},
	{"shmlab", []string{"shmlab", "/data/shm.txt"}, "", exactly(shmLines)},
	{"pipelab", []string{"pipelab", "/data/pipe.txt"}, "", checkPipe},
	// docker run -i ipclab mqlab -i: the sheet's dialogue on standard input.
	{"mqlab-i", []string{"mqlab", "-i"}, dialogue, checkDialogue},
	{"ipcs", []string{"ipclab", "ipcs"}, "", checkIpcsEmpty},
}

// dialogue is what a student types at mqlab -i in the lab sheet: the
// datasize 5, then the items 12, 34, 423, 2 and 1.
const dialogue = "5\n12\n34\n423\n2\n1\n"

func exactly(want []string) func([]string) error {
	return func(lines []string) error {
		if !slices.Equal(lines, want) {
			return fmt.Errorf("want exactly %q", want)
		}
		return nil
	}
}

// checkPipe: the sender's and the receiver's lines, each in order, in
// whatever interleaving the two processes produced.
func checkPipe(lines []string) error {
	var sent, received []string
	for _, l := range lines {
		if strings.HasPrefix(l, "Messages Sent: ") {
			sent = append(sent, l)
		} else {
			received = append(received, l)
		}
	}
	if !slices.Equal(sent, pipeSent) || !slices.Equal(received, pipeReceived) {
		return fmt.Errorf("want %q interleaved with %q", pipeSent, pipeReceived)
	}
	return nil
}

// checkDialogue: the prompts stay on one line with the first output line,
// so only the end of the output is exact.
func checkDialogue(lines []string) error {
	n := len(queueLines)
	if len(lines) < n || !strings.HasPrefix(lines[0], "Enter the datasize: ") ||
		!strings.HasSuffix(lines[len(lines)-n], queueLines[0]) ||
		!slices.Equal(lines[len(lines)-n+1:], queueLines[1:]) {
		return fmt.Errorf("want the prompts, then %q", queueLines)
	}
	return nil
}

// ipcsSections are the kinds of object ipclab ipcs lists, each a title.
var ipcsSections = []string{
	"POSIX message queues (/dev/mqueue):",
	"System V message queues (/proc/sysvipc/msg):",
	"System V shared memory segments (/proc/sysvipc/shm):",
	"System V semaphore sets (/proc/sysvipc/sem):",
	"POSIX shared memory (/dev/shm):",
}

// checkIpcsEmpty: a new container has an IPC namespace of its own, so
// ipclab ipcs finds every kind of object listable (the engine mounts
// /dev/mqueue and /dev/shm) and none there.
func checkIpcsEmpty(lines []string) error {
	for _, title := range ipcsSections {
		i := slices.Index(lines, title)
		if i < 0 || i+1 >= len(lines) || lines[i+1] != "  none" {
			return fmt.Errorf("want %q followed by %q", title, "  none")
		}
	}
	if want := "ipclab ipcs: 0 objects"; len(lines) == 0 || lines[len(lines)-1] != want {
		return fmt.Errorf("want %q last", want)
	}
	return nil
}

// checkSuite: each lab's lines in order, whatever the runner prints around
// them, and the summary last.
func checkSuite(lines []string) error {
	if len(lines) == 0 || lines[len(lines)-1] != summary {
		return fmt.Errorf("want %q last", summary)
	}
	for _, want := range [][]string{pipeSent, pipeReceived, queueLines, shmLines} {
		if !inOrder(lines, want) {
			return fmt.Errorf("want %q in this order", want)
		}
	}
	return nil
}

// inOrder reports whether want is a subsequence of lines.
func inOrder(lines, want []string) bool {
	for _, l := range lines {
		if len(want) > 0 && l == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}

// TestRun runs every platform's image as a container engine would: umoci
// unpacks its tag into an OCI bundle and runc runs the bundle, in new PID,
// IPC, mount, UTS and network namespaces, as 65534:65534. Images of other
// architectures run under qemu-user (see emulate).
func TestRun(t *testing.T) {
	t.Parallel()
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			bundle, cfg := bundleFor(t, tg)
			tries := 1
			if tg.name != runtime.GOARCH {
				emulate(t, cfg, bundle, tg)
				tries = qemuTries
			}
			checkSpec(t, cfg)
			for i, c := range runCases {
				t.Run(c.name, func(t *testing.T) {
					id := fmt.Sprintf("ipclab-test-%d-%s-%d", os.Getpid(), tg.name, i)
					lines := runBundle(t, bundle, id, cfg, c.args, c.stdin, tries)
					if err := c.check(lines); err != nil {
						t.Errorf("%s: output %q: %v", strings.Join(c.args, " "), lines, err)
					}
				})
			}
		})
	}
}

// bundleFor unpacks the platform's image into a bundle for runc and
// returns its directory and its config.json, which runBundle writes back.
func bundleFor(t *testing.T, tg target) (string, map[string]any) {
	t.Helper()
	need(t, "umoci", "runc")
	if os.Geteuid() != 0 {
		t.Fatal("runc needs root to run the image")
	}
	bundle := unpack(t, tg)
	cfg := readSpec(t, bundle)
	cfg["process"].(map[string]any)["terminal"] = false // stdio are pipes
	return bundle, cfg
}

// unpack turns the platform's tag of the layout, as shipped, into an OCI
// runtime bundle with Debian 12's umoci (0.4.7).
func unpack(t *testing.T, tg target) string {
	t.Helper()
	bundle := filepath.Join(t.TempDir(), "bundle")
	command(t, "umoci", "unpack", "--image", layoutDir()+":latest-"+tg.name, bundle)
	return bundle
}

func readSpec(t *testing.T, bundle string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// checkSpec checks what umoci made of the image's config: the user, the
// directory, the command and an IPC namespace of the container's own.
func checkSpec(t *testing.T, cfg map[string]any) {
	t.Helper()
	var spec struct {
		Process struct {
			User struct{ UID, GID int }
			Args []string
			Cwd  string
		}
		Linux struct {
			Namespaces []struct{ Type string }
		}
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	p := spec.Process
	if p.User.UID != 65534 || p.User.GID != 65534 || p.Cwd != "/tmp" || !slices.Equal(p.Args, []string{"ipclab"}) {
		t.Errorf("bundle runs %q as %d:%d in %s, want ipclab as 65534:65534 in /tmp", p.Args, p.User.UID, p.User.GID, p.Cwd)
	}
	if !slices.ContainsFunc(spec.Linux.Namespaces, func(n struct{ Type string }) bool { return n.Type == "ipc" }) {
		t.Errorf("bundle namespaces %v lack ipc", spec.Linux.Namespaces)
	}
}

// runBundle runs the bundle with args as the command (nil: the image's)
// and returns the lines of its standard output. A run that hangs is tried
// again, up to tries runs in all: see qemuTries.
func runBundle(t *testing.T, bundle, id string, cfg map[string]any, args []string, stdin string, tries int) []string {
	t.Helper()
	proc := cfg["process"].(map[string]any)
	saved := proc["args"]
	if args != nil {
		proc["args"] = args
	}
	b, err := json.MarshalIndent(cfg, "", "\t")
	proc["args"] = saved
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}

	for try := 1; ; try++ {
		stdout, stderr, err := runc(bundle, fmt.Sprintf("%s-%d", id, try), stdin)
		if errors.Is(err, context.DeadlineExceeded) && try < tries {
			t.Logf("runc run %q: hung (try %d of %d), output so far:\n%s", args, try, tries, stdout)
			continue
		}
		if err != nil {
			t.Fatalf("runc run %q: %v\nstdout:\n%s\nstderr:\n%s", args, err, stdout, stderr)
		}
		var lines []string
		sc := bufio.NewScanner(bytes.NewReader(stdout))
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		return lines
	}
}

// runc runs the bundle as container id, feeding it stdin. A run takes a
// second at most, even under emulation: after 30 s the container is
// killed and the error is context.DeadlineExceeded.
func runc(bundle, id, stdin string) (stdout, stderr []byte, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "runc", "run", "--bundle", bundle, id)
	kill := func() error { return exec.Command("runc", "delete", "--force", id).Run() }
	// The container holds the output pipes: kill it, not only runc.
	cmd.Cancel = kill
	cmd.WaitDelay = 10 * time.Second
	defer kill() // a container that outlived runc goes too
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return out.Bytes(), errOut.Bytes(), err
}

// qemuArch names each target's qemu-user emulator and binfmt entry.
var qemuArch = map[string]string{"amd64": "x86_64", "arm64": "aarch64", "armv7": "arm", "armv6": "arm"}

// qemuEnv makes the emulated machine the one a target is for. armv6 is
// for the Pi Zero and Pi 1: one arm1176 core, ARMv6, none of ARMv7's
// instructions; qemu reads QEMU_CPU, and the labs pass their environment
// on to the processes they start.
var qemuEnv = map[string][]string{"armv6": {"QEMU_CPU=arm1176", "GOMAXPROCS=1"}}

// qemuTries is how many times an emulated run may be tried before a hang
// counts. qemu-user 7.2 now and then deadlocks in a child that it forks
// for a multi-threaded Go program, before the child gets to exec: the
// child waits on a futex inside qemu, its parent for the exec. Seen in 4
// of 100 armv6 runs with the default GOMAXPROCS, in none of 140 with
// GOMAXPROCS=1 nor of 200 on arm64 and armv7: an emulator bug, not one of
// the image. A lab that really hangs hangs every time.
const qemuTries = 3

// emulate makes the bundle run a foreign image under qemu-user-static.
// The labs start themselves again (/proc/self/exe) and the suite runner
// starts the labs, so qemu alone is not enough: the kernel must know to
// hand those binaries to qemu, through binfmt_misc. The host's
// registrations stay untouched: the container gets a user namespace of its
// own (identity-mapped, so root-owned files stay root's and 65534 stays
// nobody) and a createContainer hook, running inside it before pivot_root,
// mounts a binfmt_misc instance private to that namespace (Linux 6.7 and
// later) under the container's /proc and registers qemu there, with the F
// flag so that qemu is opened from the host's file system now.
func emulate(t *testing.T, cfg map[string]any, bundle string, tg target) {
	t.Helper()
	if !kernelAtLeast(t, 6, 7) {
		t.Skipf("binfmt_misc in a user namespace needs Linux 6.7; the %s image cannot run here", tg.name)
	}
	rule := binfmtRule(t, qemuArch[tg.name])

	linux := cfg["linux"].(map[string]any)
	linux["namespaces"] = append(linux["namespaces"].([]any), map[string]any{"type": "user"})
	identity := []any{map[string]any{"containerID": 0, "hostID": 0, "size": 65536}}
	linux["uidMappings"], linux["gidMappings"] = identity, identity

	mnt := filepath.Join(bundle, "rootfs", "proc", "sys", "fs", "binfmt_misc")
	cfg["hooks"] = map[string]any{"createContainer": []any{map[string]any{
		"path": "/bin/sh",
		"args": []any{"sh", "-ec", `mount -t binfmt_misc binfmt_misc "$1"; printf %s "$2" >"$1/register"`, "sh", mnt, rule},
		"env":  []any{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"},
	}}}

	proc := cfg["process"].(map[string]any)
	for _, kv := range qemuEnv[tg.name] {
		proc["env"] = append(proc["env"].([]any), kv)
	}
}

// binfmtRule builds the binfmt_misc registration of qemu-user-static for
// arch from the package's own description in /usr/share/binfmts.
func binfmtRule(t *testing.T, arch string) string {
	t.Helper()
	file := "/usr/share/binfmts/qemu-" + arch
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v: install qemu-user-static (scripts/install-image-deps.sh)", err)
	}
	f := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok {
			f[k] = v
		}
	}
	if f["interpreter"] == "" || f["magic"] == "" {
		t.Fatalf("%s: no interpreter or magic", file)
	}
	flags := "F" // open the interpreter now, from the host's root
	if f["preserve"] == "yes" {
		flags += "P" // qemu gets argv[0] as given
	}
	if f["credentials"] == "yes" {
		flags += "C"
	}
	return fmt.Sprintf(":ipclab-qemu-%s:M:%s:%s:%s:%s:%s", arch, f["offset"], f["magic"], f["mask"], f["interpreter"], flags)
}

func kernelAtLeast(t *testing.T, major, minor int) bool {
	t.Helper()
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		t.Fatal(err)
	}
	var release []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		release = append(release, byte(c))
	}
	var maj, mnr int
	if _, err := fmt.Sscanf(string(release), "%d.%d", &maj, &mnr); err != nil {
		t.Fatalf("kernel release %q: %v", release, err)
	}
	return maj > major || maj == major && mnr >= minor
}

// TestArm1176RejectsV7 shows that the armv6 run means something: on the
// Pi Zero's CPU, as emulated for it, the GOARM=7 build dies of an illegal
// instruction, so only the GOARM=6 build serves ARMv6 boards.
func TestArm1176RejectsV7(t *testing.T) {
	need(t, "qemu-arm-static")
	cmd := exec.Command("qemu-arm-static", "-cpu", "arm1176", filepath.Join(binDir, "armv7", multicall), "-h")
	err := cmd.Run()
	if cmd.ProcessState == nil {
		t.Fatal(err)
	}
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGILL {
		t.Errorf("armv7 ipclab on arm1176: %v, want death by SIGILL", err)
	}
}

// TestRunRestricted runs the amd64 image as k8s-job.yaml does: read-only
// root, an in-memory /tmp, every capability dropped, no new privileges.
func TestRunRestricted(t *testing.T) {
	tg := targets[0]
	if tg.name != runtime.GOARCH {
		t.Skipf("runs the %s image natively; this is %s", tg.name, runtime.GOARCH)
	}
	bundle, cfg := bundleFor(t, tg)
	proc := cfg["process"].(map[string]any)
	proc["noNewPrivileges"] = true
	proc["capabilities"] = map[string]any{}
	cfg["root"].(map[string]any)["readonly"] = true
	cfg["mounts"] = append(cfg["mounts"].([]any), map[string]any{
		"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
		"options": []any{"nosuid", "nodev", "mode=1777", "size=1m"},
	})
	id := fmt.Sprintf("ipclab-test-%d-restricted", os.Getpid())
	lines := runBundle(t, bundle, id, cfg, nil, "", 1)
	if err := checkSuite(lines); err != nil {
		t.Errorf("ipclab: output %q: %v", lines, err)
	}
}
