package proc

import (
	"os"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestRun: a program's output and status; one that ends; and one that
// never would (a shell waiting for its background sleep), which Run must
// kill, with its child, saying where each waited.
func TestRun(t *testing.T) {
	for _, c := range []struct {
		name   string
		argv   []string
		stdin  string
		limit  int64
		out    string
		status int
		err    string // a regexp; "" for no error
	}{
		{"cat", []string{"cat"}, "12\n34\n", 0, "12\n34\n", 0, ""},
		{"cat, with a limit", []string{"cat"}, "12\n", 60e9, "12\n", 0, ""},
		{"status", []string{"sh", "-c", "echo out; exit 3"}, "", 60e9, "out\n", 3, ""},
		{"stuck", []string{"sh", "-c", "echo started; sleep 1000 & wait"}, "", 0.3e9, "started\n", -1,
			`^no end within 300ms: killed; its processes were: sh \(pid [0-9]+\) sleeping( in [\w.]+)?; sleep \(pid ([0-9]+)\) sleeping( in [\w.]+)?$`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := "/bin/" + c.argv[0]
			out, ws, err := Run(path, c.argv, []byte(c.stdin), c.limit)
			if string(out) != c.out {
				t.Errorf("output %q, want %q", out, c.out)
			}
			if c.err == "" {
				if err != nil || !ws.Exited() || ws.ExitStatus() != c.status {
					t.Errorf("%v, %s; want exited with status %d", err, Describe(ws), c.status)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error (%s), want one matching %s", Describe(ws), c.err)
			}
			m := regexp.MustCompile(c.err).FindStringSubmatch(err.Error())
			if m == nil {
				t.Fatalf("error %q, want one matching %s", err, c.err)
			}
			if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Errorf("%s, want killed by signal 9", Describe(ws))
			}
			// The background sleep, not Run's child, is killed too:
			// gone, or a zombie until the reaper waits for it.
			pid, _ := strconv.Atoi(m[2])
			for i := 0; ; i++ {
				b, err := os.ReadFile("/proc/" + m[2] + "/stat")
				if err != nil || regexp.MustCompile(`\) Z `).Match(b) {
					break
				}
				if i == 1000 {
					t.Fatalf("the background sleep (pid %d) is still alive: %s", pid, b)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}
