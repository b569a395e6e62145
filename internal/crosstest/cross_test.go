//go:build linux

package crosstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

// A target is one cross build and how qemu-user runs it.
type target struct {
	name, goarch, goarm string
	cpu                 string // QEMU_CPU, to emulate an older core
}

var targets = []target{
	{"arm64", "arm64", "", ""},
	{"armv6", "arm", "6", "arm1176"}, // Raspberry Pi Zero and 1: one core
	{"armv7", "arm", "7", ""},        // Raspberry Pi 2 and newer in 32-bit mode
	{"riscv64", "riscv64", "", ""},
}

// binfmts are Debian's qemu-user-static registrations (with the P flag:
// the emulator sees the program's own argv[0]).
var binfmts = []string{"qemu-aarch64", "qemu-arm", "qemu-riscv64"}

// script registers the emulators in the namespace's own binfmt_misc, then
// runs each command line, marking where each one's output starts and how
// it ended.
const script = `set -u
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 97
for f in "$BINFMTS"; do cat "$f" > /proc/sys/fs/binfmt_misc/register || exit 98; done
cd "$BIN"
while IFS= read -r cmd; do
	printf "=== %s\n" "$cmd"
	sh -c "$cmd" 2>&1
	echo "=== status $?"
done
`

var sample = map[string]string{
	"pipelab": "Messages Sent: 12\nMessages Sent: 34\nMessages Sent: 423\nMessages Sent: 2\nMessages Sent: 0\n" +
		"Messages Received: 12\nMessages Received: 34\nMessages Received: 423\nMessages Received: 2\n",
	"mqlab":  "Queue = list * 10\nQueue elements:\n120\n340\n4230\n20\n10\n",
	"shmlab": "Result(in process p1): [220, 330, 40, 550]\nSum(in process p1): 1140\nResult(in main program): [220, 330, 40, 550]\nSum(in main program): 1140\n",
}

// commands are what each target runs, with the output each must give
// ("" for ipclab, checked by its summary line). pipelab's two children
// print at once, so its output is sorted before comparing.
func commands(data string) []struct{ cmd, want string } {
	return []struct{ cmd, want string }{
		{"./ipclab", ""},
		{"./pipelab " + data + "/pipe.txt | sort", sorted(sample["pipelab"])},
		{"./pipelab send " + data + "/pipe.txt 2>/dev/null | ./pipelab recv", "Messages Received: 12\nMessages Received: 34\nMessages Received: 423\nMessages Received: 2\n"},
		{"./mqlab " + data + "/queue.txt", sample["mqlab"]},
		{"./mqlab -sysv " + data + "/queue.txt", sample["mqlab"]},
		{"./shmlab " + data + "/shm.txt", sample["shmlab"]},
		{"./shmlab -posix " + data + "/shm.txt", sample["shmlab"]},
		{"./shmlab -memfd " + data + "/shm.txt", sample["shmlab"]},
		{"printf '5\\n12\\n34\\n423\\n2\\n1\\n' | ./mqlab -i -sysv", "Enter the datasize: " + strings.Repeat("Enter the data: ", 5) + sample["mqlab"]},
	}
}

// sorted sorts output's lines: pipelab's two children print at once.
func sorted(s string) string {
	l := text.Lines(s)
	slices.Sort(l)
	return labtest.Join(l...)
}

func TestQemuUser(t *testing.T) {
	var confs []string
	for _, b := range binfmts {
		f := "/usr/lib/binfmt.d/" + b + ".conf"
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("this test needs Debian's qemu-user-static (%s: %v); make test installs it", f, err)
		}
		confs = append(confs, f)
	}
	data := filepath.Dir(labtest.Testdata(t, "pipe.txt"))
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			bin := build(t, tg)
			cmds := commands(data)
			var in strings.Builder
			for _, c := range cmds {
				in.WriteString(c.cmd + "\n")
			}
			cmd := exec.Command("/bin/sh", "-c", strings.Replace(script, `"$BINFMTS"`, strings.Join(confs, " "), 1))
			cmd.Env = append(os.Environ(), "BIN="+bin)
			if tg.cpu != "" {
				// One core, as on a Pi Zero: qemu-user 7.2 now and then
				// deadlocks a forked child of a busier armv6 process
				// before it execs (images/README.md).
				cmd.Env = append(cmd.Env, "QEMU_CPU="+tg.cpu, "GOMAXPROCS=1")
			}
			cmd.Stdin = strings.NewReader(in.String())
			cmd.SysProcAttr = &syscall.SysProcAttr{
				Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWIPC,
				UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
				GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			parts := strings.Split(string(out), "=== ")[1:]
			if len(parts) != 2*len(cmds) {
				t.Fatalf("ran %d of %d commands:\n%s", len(parts)/2, len(cmds), out)
			}
			for i, c := range cmds {
				got := strings.TrimPrefix(parts[2*i], c.cmd+"\n")
				status := strings.TrimSpace(parts[2*i+1])
				switch {
				case status != "status 0":
					t.Errorf("%s: %s, output:\n%s", c.cmd, status, got)
				case c.want == "" && !strings.HasSuffix(got, "\nipclab: 3/3 labs passed\n"):
					t.Errorf("%s: no summary line; output:\n%s", c.cmd, got)
				case c.want == "":
				case strings.HasSuffix(c.cmd, "| sort") && sorted(got) != c.want,
					!strings.HasSuffix(c.cmd, "| sort") && got != c.want:
					t.Errorf("%s: output\n%s\nwant\n%s", c.cmd, got, c.want)
				}
			}
		})
	}
}

// build cross-compiles the four commands for tg into a directory open to
// the user namespace.
func build(t *testing.T, tg target) string {
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", dir+"/",
		"./cmd/pipelab", "./cmd/mqlab", "./cmd/shmlab", "./cmd/ipclab")
	cmd.Dir = labtest.ModuleRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+tg.goarch, "GOARM="+tg.goarm)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for %s: %v\n%s", tg.name, err, out)
	}
	return dir
}

// TestARMv7NeedsPi2: a GOARM=7 build dies with an illegal instruction on
// the Pi Zero's and Pi 1's ARM1176 core, which is why those boards get the
// GOARM=6 build (README, "Run it on a Raspberry Pi").
func TestARMv7NeedsPi2(t *testing.T) {
	qemu := labtest.Tool(t, "qemu-arm-static")
	for _, c := range []struct {
		tg   target
		dies bool
	}{{targets[2], true}, {targets[1], false}} {
		bin := build(t, c.tg)
		cmd := exec.Command(qemu, "-cpu", "arm1176", bin+"/mqlab", "-h")
		out, err := cmd.CombinedOutput()
		if c.dies != (err != nil) || !c.dies && !strings.HasPrefix(string(out), "Usage: mqlab") {
			t.Errorf("%s build on arm1176: %v, output %.200q; want it to die: %v", c.tg.name, err, out, c.dies)
		}
	}
}
