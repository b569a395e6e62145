//go:build linux

package labtest

import (
	"context"
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
