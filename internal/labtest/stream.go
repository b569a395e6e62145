//go:build linux

package labtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// LateError runs a lab that streams its items to p1 on n good items and
// then a bad one, far past what it reads before starting its children:
// the run must still end with status 1 and the one line naming the bad
// item on standard error, leaving no process or IPC object behind (Run
// checks that).
func LateError(t *testing.T, bin, name string, args ...string) {
	in, _ := Numbers(20000)
	f := filepath.Join(t.TempDir(), "late.txt")
	if err := os.WriteFile(f, []byte(in+"4x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Run(t, bin, "", append(args, f)...)
	want := name + ": " + f + ":20001: \"4x\" is not an integer\n"
	if r.Code != 1 || r.Stderr != want {
		t.Errorf("%s %q on 20,000 items and a bad one: status %d, stderr %q; want 1, %q", name, args, r.Code, r.Stderr, want)
	}
}

// LongDialogue runs the -i dialogue on n items, more than a lab reads
// before it starts its children: every prompt must be printed, the size's
// (sizePrompt) first, and the items must all arrive.
func LongDialogue(t *testing.T, bin, name, sizePrompt string, n int, check func(stdout string) string) {
	in, _ := Numbers(n)
	r := Run(t, bin, strconv.Itoa(n)+"\n"+in, "-i")
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("%s -i on %d items: status %d, stderr %q", name, n, r.Code, r.Stderr)
	}
	if !strings.HasPrefix(r.Stdout, sizePrompt+"Enter the data: ") {
		t.Errorf("%s -i: output starts %q, want the size's prompt, then the items'", name, r.Stdout[:min(len(r.Stdout), 60)])
	}
	if got := strings.Count(r.Stdout, "Enter the data: "); got != n {
		t.Errorf("%s -i on %d items: %d item prompts", name, n, got)
	}
	if msg := check(r.Stdout); msg != "" {
		t.Errorf("%s -i on %d items: %s", name, n, msg)
	}
}
