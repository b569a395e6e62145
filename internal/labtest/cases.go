//go:build linux

package labtest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// BadInputs runs the input mistakes every lab must answer with one line on
// standard error, the right exit status and nothing left behind. name is the
// lab's name, the prefix of its messages.
func BadInputs(t *testing.T, bin, name string) {
	dir := t.TempDir()
	write := func(file, content string) string {
		p := filepath.Join(dir, file)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notInt := write("notint.txt", "1 2\n3 4x\n")
	huge := write("huge.txt", "# a comment\n99999999999999999999\n")
	empty := write("empty.txt", "# only a comment\n\n")
	unreadable := write("unreadable.txt", "1\n")
	os.Chmod(unreadable, 0)
	for _, c := range []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  string
	}{
		{"not an integer", []string{notInt}, "", 1, notInt + `:2: "4x" is not an integer`},
		{"out of range", []string{huge}, "", 1, huge + `:2: "99999999999999999999" is out of range (a signed 64-bit integer)`},
		{"missing file", []string{dir + "/missing.txt"}, "", 1, dir + "/missing.txt: no such file or directory"},
		{"directory", []string{dir}, "", 1, dir + ": is a directory"},
		{"empty file", []string{empty}, "", 1, empty + ": no data"},
		{"empty stdin", nil, "", 1, "stdin: no data"},
		{"stdin not an integer", []string{"-"}, "1 two 3", 1, `stdin:1: "two" is not an integer`},
		{"dialogue negative size", []string{"-i"}, "-3\n", 1, "stdin:1: dataset size -3 must be positive"},
		{"dialogue zero size", []string{"-i"}, "0\n", 1, "stdin:1: dataset size 0 must be positive"},
		{"dialogue size not a number", []string{"-i"}, "five\n", 1, `stdin:1: dataset size: "five" is not an integer`},
		{"dialogue no size", []string{"-i"}, "", 1, "stdin: no dataset size given"},
		{"dialogue too few items", []string{"-i"}, "3\n1\n2\n", 1, "stdin: expected 3 items, got 2"},
		{"dialogue bad item", []string{"-i"}, "2\n1\n2x\n", 1, `stdin:3: "2x" is not an integer`},
		{"unknown option", []string{"-x"}, "", 2, "unknown option -x (see " + name + " -h)"},
		{"two files", []string{notInt, huge}, "", 2, "too many arguments: expected at most one FILE"},
		{"dialogue and file", []string{"-i", notInt}, "", 2, "-i reads the dialogue from standard input: drop " + notInt},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Run(t, bin, c.stdin, c.args...)
			if want := name + ": " + c.want + "\n"; r.Code != c.code || r.Stderr != want {
				t.Errorf("%s %q: status %d, stderr %q; want %d, %q", name, c.args, r.Code, r.Stderr, c.code, want)
			}
		})
	}
	// Root reads a file whatever its mode, so as root the lab runs as
	// nobody (uid 65534) for this one.
	cmd := Command(context.Background(), bin, unreadable)
	if os.Getuid() == 0 {
		os.Chmod(dir, 0o755)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	var errb strings.Builder
	cmd.Stderr = &errb
	err := cmd.Run()
	code := exitCode(t, err)
	if want := name + ": " + unreadable + ": permission denied\n"; code != 1 || errb.String() != want {
		t.Errorf("unreadable file: status %d, stderr %q; want 1, %q", code, errb.String(), want)
	}
	CheckClean(t, cmd.Process.Pid)
}

// Faults strikes a running lab in every way it must survive: SIGKILL to
// each child in roles, after which the parent must exit 1 with one line
// naming what happened; and SIGINT, SIGTERM and SIGKILL to the parent,
// which dies of it (it has no handler), after which each child must say
// "name: role: the parent went away" and exit, having removed what the
// kernel would not. Either way no process or IPC object may be left.
func Faults(t *testing.T, bin, name, input string, args []string, roles ...string) {
	for _, victim := range roles {
		t.Run("kill "+victim, func(t *testing.T) {
			r := Fault(t, bin, input, args, roles, func(_ int, kids map[string]int) {
				syscall.Kill(kids[victim], syscall.SIGKILL)
			})
			if want := name + ": " + victim + " killed by signal 9\n"; r.Code != 1 || r.Stderr != want {
				t.Errorf("%s %q with %s killed: status %d, stderr %q; want 1, %q", name, args, victim, r.Code, r.Stderr, want)
			}
		})
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(unix.SignalName(sig)+" to the parent", func(t *testing.T) {
			r := Fault(t, bin, input, args, roles, func(parent int, _ map[string]int) {
				syscall.Kill(parent, sig)
			})
			if r.Code != -1 {
				t.Errorf("%s %q after %v: status %d; want death by the signal", name, args, sig, r.Code)
			}
			// Every child was running (blocked on the full output pipe).
			var want []string
			for _, role := range roles {
				want = append(want, name+": "+role+": the parent went away")
			}
			slices.Sort(want)
			got := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %q after %v: stderr %q; want the lines %q in any order", name, args, sig, r.Stderr, want)
			}
		})
	}
}

// Join is the lines with a newline after each.
func Join(lines ...string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// Itoa formats values as decimal lines.
func Itoa(values []int64, scale int64, prefix string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = prefix + strconv.FormatInt(v*scale, 10)
	}
	return out
}
