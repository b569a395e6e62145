//go:build linux

package labtest

import (
	"bufio"
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Start runs bin with args in the background, as a user's second terminal
// would; wait returns its standard output and error once it has ended
// (within Deadline, or it is killed).
func Start(t testing.TB, bin string, args ...string) (wait func() (stdout, stderr string, err error)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	cmd := Command(ctx, bin, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	return func() (string, string, error) {
		defer cancel()
		err := cmd.Wait()
		return out.String(), errb.String(), err
	}
}

// WaitUntil polls until ok says yes, for up to ten seconds.
func WaitUntil(t testing.TB, what string, ok func() bool) {
	t.Helper()
	for i := 0; i < 2000; i++ {
		if ok() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s never happened", what)
}

// StartLine starts bin with args and returns once it has written its
// first line to standard error (a receiver's "waiting on"), with that
// line; wait gives the rest.
func StartLine(t testing.TB, bin string, args ...string) (pid int, line string, wait func() (stdout, stderr string, err error)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	cmd := Command(ctx, bin, args...)
	var out strings.Builder
	cmd.Stdout = &out
	pr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(pr)
	line, _ = r.ReadString('\n')
	return cmd.Process.Pid, line, func() (string, string, error) {
		defer cancel()
		rest, _ := io.ReadAll(r)
		err := cmd.Wait()
		return out.String(), string(rest), err
	}
}

// RunBeside runs bin with args while another run is in the background,
// which Run would count as left behind.
func RunBeside(t testing.TB, bin string, args ...string) Result {
	t.Helper()
	out, errs, err := Start(t, bin, args...)()
	r := Result{Stdout: out, Stderr: errs}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}
