//go:build linux

package main

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// TestDiagram draws the trace of every lab mode: the SVG must be valid
// XML (xmllint), name its lanes, draw an arrow per message, and render in
// headless Chromium to a picture that is not blank.
func TestDiagram(t *testing.T) {
	bin := labsDir(t)
	xmllint := labtest.Tool(t, "xmllint")
	chromium := labtest.Tool(t, "chromium")
	dir := t.TempDir()
	for _, c := range []struct {
		args   []string
		sample string
		lanes  []string
		arrows int
	}{
		{[]string{"pipelab"}, "pipe.txt", []string{">parent<", ">p1<", ">p2<", ">the pipe<"}, 5},
		{[]string{"pipelab", "-duplex"}, "pipe.txt", []string{">the pipe<", ">the acknowledgements' pipe<"}, 10},
		{[]string{"pipelab", "-writers", "2"}, "pipe.txt", []string{">writer1<", ">writer2<", ">reader<"}, 4},
		{[]string{"mqlab"}, "queue.txt", []string{">the message queue<"}, 6},
		{[]string{"mqlab", "-sysv"}, "queue.txt", []string{">System V queue "}, 6},
		{[]string{"shmlab"}, "shm.txt", []string{">the shared segment<"}, 1},
		{[]string{"shmlab", "-stream"}, "shm.txt", []string{">the ring, in shared memory<"}, 4},
	} {
		name := strings.Join(c.args, "_")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{c.args[0], "-trace"}, c.args[1:]...), labtest.Testdata(t, c.sample))
			r := labtest.Run(t, bin, "", args...)
			if r.Code != 0 {
				t.Fatalf("ipclab %q: status %d, stderr %q", args, r.Code, r.Stderr)
			}
			d := labtest.Run(t, bin, r.Stderr, "diagram")
			if d.Code != 0 || !strings.HasPrefix(d.Stdout, "<?xml") {
				t.Fatalf("ipclab diagram: status %d, stderr %q, stdout %.200q", d.Code, d.Stderr, d.Stdout)
			}
			svg := filepath.Join(dir, name+".svg")
			if err := os.WriteFile(svg, []byte(d.Stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(xmllint, "--noout", svg).CombinedOutput(); err != nil {
				t.Fatalf("xmllint %s: %v\n%s", svg, err, out)
			}
			for _, l := range c.lanes {
				if !strings.Contains(d.Stdout, l) {
					t.Errorf("diagram of %q lacks the lane %q", c.args, l)
				}
			}
			if n := strings.Count(d.Stdout, `marker-end="url(#arrow)"><title>`); n != c.arrows {
				t.Errorf("diagram of %q has %d message arrows, want %d", c.args, n, c.arrows)
			}
			checkRendered(t, chromium, svg)
		})
	}
}

// TestDiagramLong: a long run shows its first rows, then a summary of the
// whole run.
func TestDiagramLong(t *testing.T) {
	bin := labsDir(t)
	input, _ := labtest.Numbers(2000)
	r := labtest.Run(t, bin, input, "mqlab", "-trace")
	d := labtest.Run(t, bin, r.Stderr, "diagram", "-rows", "40")
	for _, want := range []string{"more lines; the whole run:", "p1: 2001 system calls, 2001 sends",
		"p2: ", "the message queue: 2001 sends, at most 10 messages in it at once"} {
		if !strings.Contains(d.Stdout, want) {
			t.Errorf("diagram of 2000 items lacks %q", want)
		}
	}
	if n := strings.Count(d.Stdout, "<circle"); n != 40+2 { // the rows, and the legend's two
		t.Errorf("diagram -rows 40 draws %d marks, want 42", n)
	}
}

// TestDiagramsUpToDate: each diagram in docs/diagrams is what ipclab
// diagram draws from the trace beside it (make diagrams makes both).
func TestDiagramsUpToDate(t *testing.T) {
	bin := labsDir(t)
	traces, _ := filepath.Glob(filepath.Join(labtest.ModuleRoot(t), "docs", "diagrams", "*.trace"))
	if len(traces) != 3 {
		t.Fatalf("docs/diagrams has %d traces, want one per lab (make diagrams)", len(traces))
	}
	for _, tr := range traces {
		want, err := os.ReadFile(strings.TrimSuffix(tr, ".trace") + ".svg")
		if err != nil {
			t.Fatal(err)
		}
		if d := labtest.Run(t, bin, "", "diagram", tr); d.Stdout != string(want) {
			t.Errorf("%s is not what ipclab diagram draws from %s: run make diagrams", filepath.Base(strings.TrimSuffix(tr, ".trace")+".svg"), filepath.Base(tr))
		}
	}
}

// checkRendered renders svg in headless Chromium and fails if the
// picture is blank: nearly all one colour.
func checkRendered(t *testing.T, chromium, svg string) {
	t.Helper()
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	size := func(attr string) string {
		s := string(b)
		i := strings.Index(s, attr+`="`)
		if i < 0 {
			return "800"
		}
		s = s[i+len(attr)+2:]
		return s[:strings.IndexByte(s, '"')]
	}
	pngFile := strings.TrimSuffix(svg, ".svg") + ".png"
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--screenshot="+pngFile, "--window-size="+size("width")+","+size("height"),
		"file://"+svg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot %s: %v\n%s", svg, err, out)
	}
	f, err := os.Open(pngFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", pngFile, err)
	}
	if frac := inked(img); frac < 0.02 {
		t.Errorf("%s renders nearly blank: %s%% of it not white", filepath.Base(svg), strconv.FormatFloat(100*frac, 'f', 2, 64))
	}
}

// inked is the share of img's pixels that are not white.
func inked(img image.Image) float64 {
	r := img.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if cr, cg, cb, _ := img.At(x, y).RGBA(); cr < 0xf000 || cg < 0xf000 || cb < 0xf000 {
				n++
			}
		}
	}
	return float64(n) / float64(max(r.Dx()*r.Dy(), 1))
}
