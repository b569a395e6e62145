//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// TestCompare runs make bench's comparison for real, one pair of short
// runs per row: the labs as make build builds them against scripts/ref.c
// built with gcc. It checks the shape of what it writes, not a speed.
func TestCompare(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("no gcc to build the C reference (make test installs it: scripts/deps.sh)")
	}
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if b, err := exec.Command(gcc, "-O2", "-o", ref, filepath.Join(labtest.ModuleRoot(t), "scripts", "ref.c")).CombinedOutput(); err != nil {
		t.Fatalf("gcc -O2 scripts/ref.c: %v\n%s", err, b)
	}
	var bin string
	for _, lab := range []string{"pipelab", "shmlab", "ipclab"} { // ipclab: mqlab bench
		bin = filepath.Dir(labtest.Build(t, lab))
	}
	svg, out := filepath.Join(dir, "bench.svg"), filepath.Join(dir, "bench.json")
	if err := compare(bin, ref, 1, 0.01, svg, out); err != nil {
		t.Fatal(err)
	}

	// Every run of every row, both sides, with ref.c's fields.
	f, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(f))
	for sc.Scan() {
		var r run
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %q: %v", out, sc.Text(), err)
		}
		if r.Count < 1000 || r.Seconds <= 0 || r.MsgsPerS <= 0 || (r.Mode == "lat") != (r.P50 > 0) {
			t.Errorf("%s: implausible run %+v", out, r)
		}
		count[r.Impl]++
	}
	if rows := len(rows()); count["ipclab"] != rows || count["c-ref"] != rows || len(count) != 2 {
		t.Errorf("%s: runs by implementation %v, want %d of ipclab and of c-ref", out, count, rows)
	}

	// The chart is an SVG document with a line per mechanism and side.
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
	}
	if err := xml.Unmarshal(b, &doc); err != nil || doc.XMLName.Local != "svg" {
		t.Fatalf("%s: not an SVG document: %v", svg, err)
	}
	if n := strings.Count(string(b), "<polyline"); n != 16 {
		t.Errorf("%s: %d lines, want 16 (4 mechanisms, 2 panels, ipclab and C)", svg, n)
	}
}
