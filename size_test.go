//go:build linux

package ipclab_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// budgets are the sizes each program must keep to, in bytes, built as
// below: each lab on its own, and ipclab, which holds all three.
var budgets = []struct {
	cmd    string
	budget int64
}{
	{"pipelab", 1_600_000},
	{"mqlab", 1_600_000},
	{"shmlab", 1_600_000},
	{"ipclab", 2_000_000},
}

// TestSize builds each program as the budget is measured — static,
// stripped, for amd64, whatever this machine is — and fails one that is
// over it.
func TestSize(t *testing.T) {
	dir := t.TempDir()
	for _, b := range budgets {
		out := filepath.Join(dir, b.cmd)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/"+b.cmd)
		cmd.Dir = labtest.ModuleRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/%s: %v\n%s", b.cmd, err, out)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > b.budget {
			t.Errorf("%s is %d bytes, over the budget of %d by %d", b.cmd, fi.Size(), b.budget, fi.Size()-b.budget)
		} else {
			t.Logf("%s: %d bytes", b.cmd, fi.Size())
		}
	}
}

// TestStandalone checks what each lab links: its own lab, none of the
// others (the command table's entries are separate packages), and not
// package os, whose 60 KB the budget has no room for.
func TestStandalone(t *testing.T) {
	labs := []string{"pipelab", "mqlab", "shmlab"}
	for _, lab := range labs {
		cmd := exec.Command("go", "list", "-deps", "./cmd/"+lab)
		cmd.Dir = labtest.ModuleRoot(t)
		cmd.Env = append(os.Environ(), "GOOS=linux")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps ./cmd/%s: %v", lab, err)
		}
		deps := strings.Fields(string(out))
		if !slices.Contains(deps, "ipclab/internal/"+lab) {
			t.Errorf("%s does not link ipclab/internal/%s", lab, lab)
		}
		for _, other := range append(slices.DeleteFunc(slices.Clone(labs), func(l string) bool { return l == lab }), "suite") {
			if slices.Contains(deps, "ipclab/internal/"+other) {
				t.Errorf("%s links ipclab/internal/%s", lab, other)
			}
		}
		if slices.Contains(deps, "os") {
			t.Errorf("%s links package os", lab)
		}
	}
}
