//go:build linux

package ipclab_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"ipclab/internal/labtest"
)

// budget is the size each lab must keep to, in bytes, built as below.
const budget = 1_600_000

// TestSize builds each lab as the budget is measured — static, stripped,
// for amd64, whatever this machine is — and fails one that is over it.
// Its benchmark mode is in: it is part of every lab.
func TestSize(t *testing.T) {
	dir := t.TempDir()
	for _, lab := range []string{"pipelab", "mqlab", "shmlab"} {
		out := filepath.Join(dir, lab)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/"+lab)
		cmd.Dir = labtest.ModuleRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/%s: %v\n%s", lab, err, b)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > budget {
			t.Errorf("%s is %d bytes, over the budget of %d by %d", lab, fi.Size(), budget, fi.Size()-budget)
		} else {
			t.Logf("%s: %d bytes", lab, fi.Size())
		}
	}
}
