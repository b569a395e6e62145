package initramfs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The lab sheet's expected output for its samples (testdata/).
var (
	// pipelab: p1 sends every number, p2 receives all but the final 0; the
	// two processes' lines interleave.
	pipeSent     = []string{"Messages Sent: 12", "Messages Sent: 34", "Messages Sent: 423", "Messages Sent: 2", "Messages Sent: 0"}
	pipeReceived = []string{"Messages Received: 12", "Messages Received: 34", "Messages Received: 423", "Messages Received: 2"}
	// mqlab, with POSIX or System V queues alike: exactly these lines.
	queueOutput = []string{"Queue = list * 10", "Queue elements:", "120", "340", "4230", "20", "10"}
	// shmlab: in this order.
	shmOutput = []string{
		"Result(in process p1): [220, 330, 40, 550]",
		"Sum(in process p1): 1140",
		"Result(in main program): [220, 330, 40, 550]",
		"Sum(in main program): 1140",
	}
)

const (
	summaryPassed = "ipclab: 3/3 labs passed"
	powerDown     = "reboot: Power down"    // the kernel's last words on power-off
	halted        = "reboot: System halted" // … where it cannot power off (scripts/boards.txt)
	shellExited   = "ipclab: the shell has exited: powering off"
)

// ipclab's summary: "ipclab: 3/3 labs passed", or on failure e.g.
// "ipclab: 2/3 labs passed; failed: mqlab (bad sample: …)".
var summaryLine = regexp.MustCompile(`^ipclab: \d+/\d+ labs passed`)

// checkLabs judges the console of a boot without ipclab.shell=1: each lab's
// expected output, ipclab's summary and the kernel's last words, end
// (powerDown, or halted on a board that cannot power off).
func checkLabs(all []string, end string) error {
	var errs []error
	lines := withoutKernel(all)
	if got := withPrefix(lines, "Messages Sent: "); !slices.Equal(got, pipeSent) {
		errs = append(errs, fmt.Errorf("pipelab sent %q, want %q", got, pipeSent))
	}
	if got := withPrefix(lines, "Messages Received: "); !slices.Equal(got, pipeReceived) {
		errs = append(errs, fmt.Errorf("pipelab received %q, want %q", got, pipeReceived))
	}
	if !containsRun(lines, queueOutput) {
		errs = append(errs, fmt.Errorf("mqlab: no consecutive lines %q", queueOutput))
	}
	if !containsInOrder(lines, shmOutput) {
		errs = append(errs, fmt.Errorf("shmlab: no lines %q in this order", shmOutput))
	}
	if !slices.Contains(lines, summaryPassed) {
		errs = append(errs, fmt.Errorf("no line %q (ipclab said %q)", summaryPassed, summaries(lines)))
	}
	if !containsSubstring(all, end) {
		errs = append(errs, fmt.Errorf("no %q: the guest did not power off", end))
	}
	return errors.Join(errs...)
}

// kernelMessage is a line the kernel printed on the console, which it
// does whenever it has something to say ("hrtimer: interrupt took 5816000
// ns" in the middle of a lab's output, say).
var kernelMessage = regexp.MustCompile(`^\[ *[0-9]+\.[0-9]+\] `)

// withoutKernel returns lines without the kernel's messages.
func withoutKernel(lines []string) []string {
	var out []string
	for _, l := range lines {
		if !kernelMessage.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

func withPrefix(lines []string, prefix string) []string {
	var got []string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			got = append(got, l)
		}
	}
	return got
}

func summaries(lines []string) []string {
	var got []string
	for _, l := range lines {
		if summaryLine.MatchString(l) {
			got = append(got, l)
		}
	}
	return got
}

// containsRun reports whether want occurs in lines as consecutive lines.
func containsRun(lines, want []string) bool {
	for i := 0; i+len(want) <= len(lines); i++ {
		if slices.Equal(lines[i:i+len(want)], want) {
			return true
		}
	}
	return false
}

// containsInOrder reports whether want occurs in lines in order, other lines
// possibly between.
func containsInOrder(lines, want []string) bool {
	for _, l := range lines {
		if len(want) > 0 && l == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}

func containsSubstring(lines []string, s string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, s) })
}

// bootLabs boots img on target (an arch or a board) without
// ipclab.shell=1 and waits for the guest to end; env goes to qemu.sh. It
// returns the console and the verdict: nil only if the labs passed and the
// guest powered off.
func bootLabs(t testing.TB, target, img string, env ...string) (*console, error) {
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout)
	defer cancel()
	v := startVM(t, ctx, target, img, env)
	end := endOf(t, target)
	if err := v.waitEnd(ctx, end); err != nil {
		return &v.console, err
	}
	return &v.console, checkLabs(v.console.Lines(), end)
}

// bootArches are QEMU's virt machines, the Makefile's BOOT_ARCHES.
var bootArches = []string{"amd64", "arm64", "armv7", "riscv64"}

// TestBoot boots every virt machine (the Makefile's BOOT_ARCHES) twice:
// to run the labs, and to the shell, which exit must power off. The boots
// run in parallel with each other and with the other boot tests (go test
// -parallel, by default the number of CPUs): QEMU's TCG uses one thread
// for each, and the images are built one at a time (sharedImage).
func TestBoot(t *testing.T) {
	t.Parallel()
	for _, arch := range bootArches {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			needBootTools(t, arch)
			img := sharedImage(t, arch)

			t.Run("labs", func(t *testing.T) {
				if c, err := bootLabs(t, arch, img); err != nil {
					t.Errorf("boot %s: %v\nconsole:\n%s", arch, err, c)
				}
			})

			t.Run("shell", func(t *testing.T) {
				testShell(t, arch, img)
			})
		})
	}
}

// testShell boots with ipclab.shell=1, where ipclab runs gosh instead of
// the labs, and does at the prompt what a student would: looks at the
// samples with u-root's ls and cat, runs a lab, leaves a named queue
// behind and finds it with ipclab ipcs; then exit, which must power the
// machine off (not panic the kernel by ending init).
func testShell(t *testing.T, target, img string) {
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout)
	defer cancel()
	v := startVM(t, ctx, target, img, nil, "ipclab.shell=1")
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\nconsole:\n%s\nQEMU stderr:\n%s", fmt.Sprintf(format, args...), &v.console, &v.stderr)
	}

	boot, err := v.expect(ctx, "\n$ ")
	if err != nil {
		fail("no shell prompt: %v", err)
	}
	if strings.Contains(boot, "labs passed") {
		fail("ipclab ran the labs despite ipclab.shell=1")
	}

	sample, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", "queue.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		command string
		check   func(lines []string) bool
		want    string
	}{
		{"ls /data", func(l []string) bool {
			return slices.Equal(l, []string{"pipe.txt", "queue.txt", "shm.txt"})
		}, "pipe.txt, queue.txt and shm.txt, one a line"},
		{"cat /data/queue.txt", func(l []string) bool {
			return slices.Equal(l, strings.Split(strings.TrimSuffix(string(sample), "\n"), "\n"))
		}, "testdata/queue.txt"},
		{"mqlab -sysv /data/queue.txt", func(l []string) bool {
			return slices.Equal(l, queueOutput)
		}, fmt.Sprintf("%q", queueOutput)},
		// A named queue outlives its sender: the sample's five items
		// and the end, 40 bytes (the end is empty).
		{"mqlab send -name lab /data/queue.txt", func(l []string) bool {
			return slices.Equal(l, queueOutput[:1])
		}, fmt.Sprintf("%q", queueOutput[:1])},
		{"ipclab ipcs", func(l []string) bool {
			return containsMatch(l, `^  /\S*lab\S* +\S+ +0600 rw------- +6 of 10 +40$`)
		}, "the queue /lab (or a name made from it) with 6 of 10 messages, 40 bytes"},
	} {
		if err := v.send(c.command + "\n"); err != nil {
			fail("type %q: %v", c.command, err)
		}
		if _, err := v.expect(ctx, c.command+"\r\n"); err != nil { // the tty's echo
			fail("%v", err)
		}
		answer, err := v.expect(ctx, "\n$ ")
		if err != nil {
			fail("%q did not finish: %v", c.command, err)
		}
		if got := withoutKernel(strings.Split(strings.ReplaceAll(answer, "\r", ""), "\n")); !c.check(got) {
			fail("%s printed %q, want %s", c.command, got, c.want)
		}
	}

	if err := v.send("exit\n"); err != nil {
		fail("type exit: %v", err)
	}
	// The echo first: until it comes the console still ends in the
	// prompt, which waitExit would take for a shell left waiting.
	if _, err := v.expect(ctx, "exit\r\n"); err != nil {
		fail("%v", err)
	}
	end := endOf(t, target)
	if err := v.waitEnd(ctx, end); err != nil {
		fail("after exit: %v", err)
	}
	lines := v.console.Lines()
	if !slices.Contains(lines, shellExited) || !containsSubstring(lines, end) {
		fail("after exit: no %q and %q: the machine did not power off", shellExited, end)
	}
	if containsSubstring(lines, "Kernel panic") {
		fail("after exit: the kernel panicked")
	}
}

// waitEnd waits for the guest's end, the kernel's line end: for QEMU to
// exit after a power-off, or after a halt, which leaves QEMU running, for
// the kernel's word and then QEMU's end at our hand.
func (v *vm) waitEnd(ctx context.Context, end string) error {
	if end == halted {
		if _, err := v.expect(ctx, halted); err != nil {
			return err
		}
		v.cmd.Process.Kill()
	}
	return v.waitExit(ctx)
}

// endOf is the kernel's last line on target at power-off: powerDown, or
// halted on a board that cannot power off (its end in scripts/boards.txt).
func endOf(t testing.TB, target string) string {
	if b, ok := findBoard(t, target); ok && b.end == "halt" {
		return halted
	}
	return powerDown
}

// containsMatch reports whether a line matches the regular expression re.
func containsMatch(lines []string, re string) bool {
	r := regexp.MustCompile(re)
	return slices.ContainsFunc(lines, r.MatchString)
}

// TestBootFailsWhenALabFails shows that a lab failing in the guest fails the
// boot's verdict: the image's /data holds a broken queue sample and ipclab
// is told to read its samples there.
func TestBootFailsWhenALabFails(t *testing.T) {
	const arch = "amd64"
	needBootTools(t, arch)
	data := t.TempDir()
	for _, name := range []string{"pipe.txt", "queue.txt", "shm.txt"} {
		b, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "queue.txt" {
			b = []byte("# Broken on purpose: not numbers.\ntwelve\nthirty-four\n")
		}
		if err := os.WriteFile(filepath.Join(data, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img := buildImage(t, arch, "DATA="+data, "UINIT=ipclab -poweroff -data /data")

	c, err := bootLabs(t, arch, img)
	if err == nil {
		t.Fatalf("boot with a broken queue sample passed, want a failure\nconsole:\n%s", c)
	}
	// ipclab itself must have run and counted the failure, so that the
	// verdict failed because of the lab, not because the boot broke.
	got := summaries(c.Lines())
	if len(got) != 1 || got[0] == summaryPassed {
		t.Fatalf("ipclab's summary = %q, want one line with fewer than 3 passed\nconsole:\n%s", got, c)
	}
	t.Logf("verdict, as wanted a failure: %v", err)
}

// BenchmarkBoot measures boots from QEMU's start to its end (power-off),
// each boot also checked, for every virt machine and every Pi board; it
// reports the median, the fastest and the slowest besides the mean
// (ns/op). make boot-times (scripts/boot-times.sh) records them.
func BenchmarkBoot(b *testing.B) {
	targets := slices.Clone(bootArches)
	for _, bd := range readBoards(b) {
		targets = append(targets, bd.name)
	}
	for _, arch := range targets {
		b.Run(arch, func(b *testing.B) {
			needBootTools(b, arch)
			img := sharedImage(b, arch)
			var times []time.Duration
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if c, err := bootLabs(b, arch, img); err != nil {
					b.Fatalf("boot %s: %v\nconsole:\n%s", arch, err, c)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(times[len(times)/2].Seconds(), "median-s/boot")
			b.ReportMetric(times[0].Seconds(), "min-s/boot")
			b.ReportMetric(times[len(times)-1].Seconds(), "max-s/boot")
		})
	}
}

func TestWithoutKernel(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"Queue elements:", "[    1.934761] hrtimer: interrupt took 5816000 ns", "120"}, []string{"Queue elements:", "120"}},
		{[]string{"[12345.000001] reboot: Power down"}, nil},
		{[]string{"[1, 2] is a list", "x [ 1.0] y"}, []string{"[1, 2] is a list", "x [ 1.0] y"}},
	} {
		if got := withoutKernel(c.in); !slices.Equal(got, c.want) {
			t.Errorf("withoutKernel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
