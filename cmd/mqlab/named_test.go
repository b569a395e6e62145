//go:build linux

package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

const (
	sampleSend = "Queue = list * 10\n"
	sampleRecv = "Queue elements:\n120\n340\n4230\n20\n10\n"
)

// queuePlace is a named queue a test's sender and receiver meet at.
type queuePlace struct {
	kind   string
	where  []string // -name NAME, or -sysv -key K
	name   []string // what stat and rm take
	exists func() bool
}

var queues int

// newQueues returns a fresh POSIX name and System V key, unique to this
// test process.
func newQueues(t *testing.T) []queuePlace {
	queues++
	name := "ipclab-test-" + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(queues)
	key := 0x71<<24 | (os.Getpid()&0xffff)<<8 | queues&0xff
	return []queuePlace{
		{"posix", []string{"-name", name}, []string{name}, func() bool { return mqExists(t, name) }},
		{"sysv", []string{"-sysv", "-key", strconv.Itoa(key)}, []string{"-sysv", "-key", strconv.Itoa(key)},
			func() bool { return msgKeyExists(t, key) }},
	}
}

// mqExists looks for the queue in /dev/mqueue (mounted if need be).
var mqExists = func(t *testing.T, name string) bool {
	labtest.MountMqueue(t)
	_, err := os.Lstat("/dev/mqueue/" + name)
	return err == nil
}

// msgKeyExists reports whether a System V queue has the key.
func msgKeyExists(t *testing.T, key int) bool {
	b, err := os.ReadFile("/proc/sysvipc/msg")
	if err != nil {
		t.Skipf("no System V message queues (CONFIG_SYSVIPC): %v", err)
	}
	for _, l := range strings.Split(string(b), "\n")[1:] {
		if f := strings.Fields(l); len(f) > 0 && f[0] == strconv.Itoa(key) {
			return true
		}
	}
	return false
}

func args(parts ...[]string) []string {
	var a []string
	for _, p := range parts {
		a = append(a, p...)
	}
	return a
}

// TestNamed: two unrelated processes meet at a named queue, POSIX or
// System V, whichever comes first; recv removes it at the end message.
func TestNamed(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	data := labtest.Testdata(t, "queue.txt")
	for _, first := range []string{"recv", "send"} {
		for _, q := range newQueues(t) {
			t.Run(q.kind+"/"+first+" first", func(t *testing.T) {
				send := args([]string{"send", "-trace"}, q.where, []string{data})
				recv := args([]string{"recv", "-trace"}, q.where)
				var s, r labtest.Result
				if first == "recv" {
					wait := labtest.Start(t, bin, recv...)
					labtest.WaitUntil(t, "the receiver's queue", q.exists)
					s = labtest.Run(t, bin, "", send...)
					out, errs, err := wait()
					if err != nil {
						t.Fatalf("mqlab %q: %v, stderr %q", recv, err, errs)
					}
					r = labtest.Result{Stdout: out, Stderr: errs}
				} else {
					// The sender leaves the queue for the receiver, which
					// labtest.Run's leak check would count against it.
					wait := labtest.Start(t, bin, send...)
					out, errs, err := wait()
					if err != nil || !q.exists() {
						t.Fatalf("mqlab %q: %v, stderr %q, queue there: %v", send, err, errs, q.exists())
					}
					s = labtest.Result{Stdout: out, Stderr: errs}
					r = labtest.Run(t, bin, "", recv...)
				}
				if s.Stdout != sampleSend || r.Stdout != sampleRecv {
					t.Errorf("send printed %q, recv %q; want %q, %q", s.Stdout, r.Stdout, sampleSend, sampleRecv)
				}
				creator := map[bool]string{true: s.Stderr, false: r.Stderr}[first == "send"]
				for _, want := range map[string][]string{
					"posix": {`mq_open("/` + q.name[0] + `", O_RDWR|O_CREAT|O_EXCL, 0600, {maxmsg=10, msgsize=8}) = `},
					"sysv":  {"msgget(0x", ", IPC_CREAT|IPC_EXCL|0600) = "},
				}[q.kind] {
					if !strings.Contains(creator, want) {
						t.Errorf("the creator's -trace has no %q:\n%s", want, creator)
					}
				}
				if q.exists() {
					t.Errorf("the queue is still there after recv")
				}
			})
		}
	}
}

// TestStatRm: stat shows what a sender left in the queue, rm removes it,
// and both say so plainly when there is no queue.
func TestStatRm(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	for _, q := range newQueues(t) {
		t.Run(q.kind, func(t *testing.T) {
			if _, errs, err := labtest.Start(t, bin, args([]string{"send"}, q.where, []string{labtest.Testdata(t, "queue.txt")})...)(); err != nil {
				t.Fatalf("send: %v, %s", err, errs)
			}
			out, errs, err := labtest.Start(t, bin, args([]string{"stat"}, q.name)...)()
			want := map[string][]string{
				"posix": {"maxmsg   10\n", "msgsize  8\n", "curmsgs  6\n", "mode     0600\n", "owner    " + strconv.Itoa(os.Getuid()) + "\n"},
				"sysv":  {"qnum     6\n", "cbytes   40\n", "mode     0600\n", "lspid    "},
			}[q.kind]
			for _, w := range want {
				if err != nil || !strings.Contains(out, w) {
					t.Errorf("stat: %v, stderr %q; no %q in\n%s", err, errs, w, out)
				}
			}
			_, errs, err = labtest.Start(t, bin, args([]string{"rm", "-trace"}, q.name)...)()
			if err != nil || q.exists() {
				t.Errorf("rm: %v, stderr %q; the queue is there: %v", err, errs, q.exists())
			}
			if want := map[string]string{"posix": `[rm] mq_unlink("/` + q.name[0] + `") = 0`, "sysv": "IPC_RMID"}[q.kind]; !strings.Contains(errs, want) {
				t.Errorf("rm -trace: no %q in %q", want, errs)
			}
			for _, cmd := range []string{"rm", "stat"} {
				r := labtest.Run(t, bin, "", args([]string{cmd}, q.name)...)
				if r.Code != 1 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "no such file or directory") {
					t.Errorf("%s of a missing queue: status %d, stderr %q; want 1 and one line", cmd, r.Code, r.Stderr)
				}
			}
		})
	}
}

// TestRecvOptions: -n stops early, -nonblock says "queue empty" or "queue
// full", -timeout fires when no sender comes.
func TestRecvOptions(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	data := labtest.Testdata(t, "queue.txt")
	for _, q := range newQueues(t) {
		t.Run(q.kind, func(t *testing.T) {
			if _, errs, err := labtest.Start(t, bin, args([]string{"send"}, q.where, []string{data})...)(); err != nil {
				t.Fatalf("send: %v, %s", err, errs)
			}
			out, errs, err := labtest.Start(t, bin, args([]string{"recv", "-n", "2"}, q.where)...)()
			if err != nil || out != "Queue elements:\n120\n340\n" {
				t.Errorf("recv -n 2: %v, stderr %q, stdout %q", err, errs, out)
			}
			r := labtest.Run(t, bin, "", args([]string{"recv", "-nonblock"}, q.where)...)
			if r.Code != 0 || r.Stdout != "Queue elements:\n4230\n20\n10\n" {
				t.Errorf("recv -nonblock of the rest: status %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
			}
			// recv removed the queue at the end message: an empty one now.
			// 20 messages fill a POSIX queue (10), 3,000 a System V one
			// (msgmnb: 16,384 bytes).
			in, _ := labtest.Numbers(map[string]int{"posix": 20, "sysv": 3000}[q.kind])
			wait := labtest.Start(t, bin, args([]string{"recv", "-timeout", "10s", "-n", "0"}, q.where)...)
			if _, errs, err := wait(); err != nil {
				t.Fatalf("recv -n 0 (to create the queue): %v, %s", err, errs)
			}
			full := labtest.Start(t, bin, args([]string{"send", "-nonblock"}, q.where, []string{writeFile(t, in)})...)
			_, errs, err = full()
			if !strings.Contains(errs, "(queue full)") || strings.Count(errs, "\n") != 1 || err == nil {
				t.Errorf("send -nonblock of too many items: %v, stderr %q; want queue full", err, errs)
			}
			labtest.Start(t, bin, args([]string{"rm"}, q.name)...)()
		})
	}
	// Nobody sends: the receiver's timeout fires, and the queue it made goes.
	for _, q := range newQueues(t) {
		r := labtest.Run(t, bin, "", args([]string{"recv", "-timeout", "200ms"}, q.where)...)
		want := "mqlab: waiting on the POSIX queue /" + q.name[0] + " (/dev/mqueue/" + q.name[0] + ") for a sender: mqlab send -name " + q.name[0] + " FILE\n"
		if q.kind == "sysv" {
			want = "mqlab: waiting on the System V queue with key " + q.where[2] + " for a sender: mqlab send -sysv -key " + q.where[2] + " FILE\n"
		}
		if want += "mqlab: no message within 200ms (is a sender running?)\n"; r.Code != 1 || r.Stderr != want {
			t.Errorf("%s recv -timeout 200ms alone: status %d, stderr %q; want 1, %q", q.kind, r.Code, r.Stderr, want)
		}
		if q.exists() {
			t.Errorf("%s: the receiver left its queue after the timeout", q.kind)
		}
	}
}

func writeFile(t *testing.T, content string) string {
	f := t.TempDir() + "/data.txt"
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestNames: names and keys are checked before any system call.
func TestNames(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	for _, a := range [][]string{
		{"recv", "-name", "../x"},
		{"recv", "-name", "a/b"},
		{"recv", "-name", "/a/b"},
		{"recv", "-name", "."},
		{"recv", "-name", ".."},
		{"recv", "-name", ""},
		{"recv", "-name", strings.Repeat("n", 256)},
		{"stat", "x/../../etc"},
		{"rm", ".."},
		{"recv", "-sysv"},
		{"recv", "-sysv", "-key", "0"},
		{"recv", "-sysv", "-key", "x"},
		{"recv", "-sysv", "-key", "0x100000000"},
		{"recv", "-key", "42"},
		{"recv", "-name", "q", "-type", "2"},
	} {
		r := labtest.Run(t, bin, "", a...)
		if r.Code != 2 || strings.Count(r.Stderr, "\n") != 1 || !strings.HasPrefix(r.Stderr, "mqlab") {
			t.Errorf("mqlab %q: status %d, stderr %q; want 2 and one line", a, r.Code, r.Stderr)
		}
	}
	// 255 bytes is a valid name.
	long := strings.Repeat("n", 255)
	if r := labtest.Run(t, bin, "", "recv", "-name", long, "-nonblock", "-n", "0"); r.Code != 0 {
		t.Errorf("a 255-byte name: status %d, stderr %q", r.Code, r.Stderr)
	}
	labtest.Run(t, bin, "", "rm", long)
}

// TestPriorities: the queue delivers the highest priority first, in the
// lab (-prio) and between named processes; System V selects by type.
func TestPriorities(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	r := labtest.Run(t, bin, "", "-prio", labtest.Testdata(t, "queue.txt"))
	want := "Queue = list * 10\nQueue elements (highest priority first):\n4230 (priority 3)\n340 (priority 2)\n20 (priority 2)\n10 (priority 1)\n120 (priority 0)\n"
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("mqlab -prio: status %d, stderr %q\nstdout %q\nwant   %q", r.Code, r.Stderr, r.Stdout, want)
	}
	for _, q := range newQueues(t) {
		t.Run(q.kind, func(t *testing.T) {
			for _, s := range []struct{ prio, data string }{{"0", "1\n2\n"}, {"3", "3\n"}, {"1", "4\n"}} {
				if _, errs, err := labtest.Start(t, bin, args([]string{"send", "-prio", s.prio}, q.where, []string{writeFile(t, s.data)})...)(); err != nil {
					t.Fatalf("send -prio %s: %v, %s", s.prio, err, errs)
				}
			}
			recv := args([]string{"recv", "-nonblock", "-n", "4"}, q.where)
			// Each sender's end message goes at priority 0, behind the
			// items of higher priorities: recv stops at the first.
			want := "Queue elements:\n30 (priority 3)\n40 (priority 1)\n10\n20\n"
			if q.kind == "sysv" {
				// -type -3: the lowest type up to 3 first; type is 4-P.
				recv = append(recv, "-type", "-3")
				want = "Queue elements:\n30 (priority 3)\n40 (priority 1)\n"
			}
			out, errs, err := labtest.Start(t, bin, recv...)()
			if q.kind == "sysv" {
				// Types 1 and 3 taken; the rest (type 4) is not <= 3.
				if !strings.Contains(errs, "queue empty") {
					t.Errorf("recv -type -3 after both: stderr %q, want queue empty", errs)
				}
				err = nil
			}
			if err != nil || out != want {
				t.Errorf("recv %q: %v, stderr %q\nstdout %q\nwant   %q", recv, err, errs, out, want)
			}
			labtest.Start(t, bin, args([]string{"rm"}, q.name)...)()
		})
	}
}

// TestNotify: p2 sleeps in rt_sigtimedwait until mq_notify's SIGUSR1.
func TestNotify(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	in, vals := labtest.Numbers(1000)
	r := labtest.Run(t, bin, in, "-notify", "-trace")
	want := labtest.Join(append([]string{"Queue = list * 10", "Queue elements:"}, labtest.Itoa(vals, 10, "")...)...)
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("mqlab -notify: status %d, stdout differs (%d bytes, want %d)", r.Code, len(r.Stdout), len(want))
	}
	for _, s := range []string{
		"[p2] rt_sigprocmask(SIG_BLOCK, [SIGUSR1]) = 0",
		"[p2] mq_notify(5, {SIGEV_SIGNAL, SIGUSR1}) = 0",
		"[p2] rt_sigtimedwait([SIGUSR1], {...}, NULL) = 10",
	} {
		if !strings.Contains(r.Stderr, s) {
			t.Errorf("mqlab -notify -trace: no %q", s)
		}
	}
	if r := labtest.Run(t, bin, "", "-notify", "-sysv"); r.Code != 2 {
		t.Errorf("-notify -sysv: status %d, stderr %q; want 2", r.Code, r.Stderr)
	}
}
