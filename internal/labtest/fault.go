//go:build linux

package labtest

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Fault runs bin with args on input and, once the parent has all the
// children in roles, calls act with the pids. Nobody reads the lab's
// standard output, so the children are stuck mid-transfer on a full pipe:
// act strikes a lab that is surely still running. Then the lab is waited
// for, and CheckClean applied.
func Fault(t *testing.T, bin, input string, args []string, roles []string, act func(parent int, kids map[string]int)) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	defer cancel()
	cmd, pr, errb := startUnread(ctx, t, bin, input, args, nil)
	pid := cmd.Process.Pid
	act(pid, WaitChildren(t, pid, roles...))
	// Nobody reads the output until the lab has ended: had it gone on
	// reading, the lab could finish its work before it noticed the fault.
	err := cmd.Wait()
	out, _ := io.ReadAll(pr)
	pr.Close()
	r := Result{Stdout: string(out), Stderr: errb.String(), Pid: pid, Code: exitCode(t, err)}
	if ctx.Err() != nil {
		t.Fatalf("no end within %v after the fault; stderr: %s", Deadline, r.Stderr)
	}
	CheckClean(t, pid)
	return r
}

// startUnread starts bin with args on input, its standard output a pipe
// that nobody reads yet (pr: the caller reads or closes it) and its
// standard error collected in errb. prefill, if set, writes into the pipe
// first.
func startUnread(ctx context.Context, t testing.TB, bin, input string, args []string, prefill func(*os.File)) (cmd *exec.Cmd, pr *os.File, errb *bytes.Buffer) {
	t.Helper()
	cmd = Command(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(input)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if prefill != nil {
		prefill(pw)
	}
	errb = new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = pw, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	return cmd, pr, errb
}

// Numbers returns n generated items, one per line, none of them 0 (the
// pipe lab's end marker), and their values.
func Numbers(n int) (string, []int64) {
	var b strings.Builder
	vals := make([]int64, n)
	x := int64(12345)
	for i := range vals {
		x = (x*1103515245 + 12345) % 2147483648
		v := x%2000001 - 1000000
		if v == 0 {
			v = 1
		}
		vals[i] = v
		b.WriteString(strconv.FormatInt(v, 10))
		b.WriteByte('\n')
	}
	return b.String(), vals
}

// WithPrefix keeps the lines that start with prefix, in order.
func WithPrefix(lines []string, prefix string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}
