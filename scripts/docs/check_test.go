package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docFiles are the documentation's Markdown files, relative to the
// module's root.
func docFiles(t *testing.T) []string {
	t.Helper()
	md, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"README.md", "images/README.md", "testdata/sheet/README.md"}
	for _, f := range md {
		files = append(files, strings.TrimPrefix(filepath.ToSlash(f), "../../"))
	}
	return files
}

func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../..", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNoHandTypedFigures fails on a size, time, rate, ratio, share or
// count of runs in the documentation that no generated block produced:
// put it in one (make docs), or, if it is a definition rather than a
// measurement, in allowed with the reason.
func TestNoHandTypedFigures(t *testing.T) {
	for _, name := range docFiles(t) {
		for _, f := range handTyped(name, readDoc(t, name)) {
			t.Errorf("%s:%d: %q is typed by hand: generate it (<!-- gen:… -->, make docs) or allow it as a definition", name, f.Line, f.Text)
		}
	}
}

// TestFigures: every size a generated block states is within 2 % of the
// build's own (out/sizes.json, make sizes), and says which is not.
func TestFigures(t *testing.T) {
	root = "../.."
	n := 0
	for _, name := range docFiles(t) {
		md := readDoc(t, name)
		blocks, err := genBlocks([]byte(md))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, k := range blocks {
			if !sized(k.What) {
				continue
			}
			want, err := k.generate()
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			n++
			for _, off := range offBy(md[k.Body:k.End], want, 0.02) {
				t.Errorf("%s:%d: gen:%s states %s", name, k.Line, k.What, off)
			}
		}
	}
	if n == 0 {
		t.Error("no generated size in the documentation")
	}
}

// TestOffBy shows what TestFigures reports.
func TestOffBy(t *testing.T) {
	for _, c := range []struct {
		stated, build string
		want          []string
	}{
		{"| x | 1,000 |", "| x | 1,019 |", nil},
		{"| x | 1,000 |", "| x | 1,030 |", []string{"1,000 where the build makes 1,030 (2.9 % off)"}},
		{"1.3 MB", "1.2 MB", []string{"1.3 where the build makes 1.2 (8.3 % off)"}},
		{"| y | 1,000 |", "| x | 1,000 |", []string{`"| y | 1,000 |", not the build's "| x | 1,000 |"`}},
	} {
		if got := offBy(c.stated, c.build, 0.02); strings.Join(got, ";") != strings.Join(c.want, ";") {
			t.Errorf("offBy(%q, %q) = %q, want %q", c.stated, c.build, got, c.want)
		}
	}
}

// TestReadme: the README is for students, short, and leads with the two
// commands.
func TestReadme(t *testing.T) {
	md := readDoc(t, "README.md")
	if n := strings.Count(md, "\n"); n > 450 {
		t.Errorf("README.md has %d lines, more than 450: move the detail to docs/", n)
	}
	var first []string // the first code lines, before any other text
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "    ") && len(first) < 2 {
			first = append(first, strings.Join(strings.Fields(strings.SplitN(l, "#", 2)[0]), " "))
		} else if len(first) > 0 || (l != "" && !strings.HasPrefix(l, "# ")) {
			break
		}
	}
	if got := strings.Join(first, ", "); got != "make run, make test" {
		t.Errorf("README.md's first commands are %q, want make run, then make test", got)
	}
}

// TestLinks: every relative link and image of the documentation leads to
// a file of the repository, and its #anchor to a heading there.
func TestLinks(t *testing.T) {
	n := 0
	for _, name := range docFiles(t) {
		for _, l := range links(readDoc(t, name)) {
			n++
			if err := checkLink("../..", name, l.Target); err != nil {
				t.Errorf("%s:%d: link %s: %v", name, l.Line, l.Target, err)
			}
		}
	}
	if n == 0 {
		t.Error("no links found")
	}
}

func TestCheckLink(t *testing.T) {
	for _, c := range []struct {
		from, target string
		ok           bool
	}{
		{"README.md", "docs/boot.md", true},
		{"README.md", "docs/nowhere.md", false},
		{"docs/pi.md", "container.md", true},
		{"docs/pi.md", "../README.md#when-things-go-wrong", true},
		{"docs/pi.md", "../README.md#no-such-heading", false},
		{"docs/pi.md", "https://example.com/x", true},
	} {
		if err := checkLink("../..", c.from, c.target); (err == nil) != c.ok {
			t.Errorf("checkLink(%s, %s) = %v, want ok %v", c.from, c.target, err, c.ok)
		}
	}
}

// TestCommands: every command line of the documentation's code blocks
// runs something that exists — a make target, a script, go run of a
// package here, go tool of go.mod, a lab with its own subcommands and
// options, or a tool of the explicit list (tools).
func TestCommands(t *testing.T) {
	c, err := newChecker("../..")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range docFiles(t) {
		c.vars = map[string]bool{}
		for _, cmd := range commandLines(readDoc(t, name)) {
			n++
			for _, e := range c.check(cmd.Text) {
				t.Errorf("%s:%d: %s\n\t$ %s", name, cmd.Line, e, cmd.Text)
			}
		}
	}
	if n == 0 {
		t.Error("no command lines found")
	}
}

func TestCheck(t *testing.T) {
	c, err := newChecker("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line string
		errs int
	}{
		{"make run", 0},
		{"make boot ARCH=arm64", 0},
		{"make nonsense", 1},
		{"seq 10000 | pipelab -writers 8 | tail -1", 0},
		{"pipelab -writerz 8", 1},
		{"mqlab recv -name lab -n 2", 0},
		{"mqlab recv -name lab -prio 2", 1},
		{"mqlab frobnicate lab", 0}, // an operand: the lab says what is wrong
		{"ipclab mqlab -sysv /data/queue.txt", 0},
		{"out/bin/shmlab bench -mode lat -size 4096", 0},
		{"shmlab read -name lab & shmlab write -name lab testdata/shm.txt", 0},
		{"printf '5\\n12\\n' | python3 testdata/sheet/pipe_lab.py", 0},
		{"python3 testdata/sheet/nothing.py", 1},
		{"go run ./scripts/docs", 0},
		{"go run ./scripts/nothing", 1},
		{"go tool wazero run x.wasm", 0},
		{"go tool nothing", 1},
		{"prlimit --msgqueue=0 mqlab testdata/queue.txt", 0},
		{"shmlab -trace testdata/shm.txt 2> shm.trace", 0},
		{"frob --all", 1},
		{"$W run x", 1},
	} {
		if got := c.check(tc.line); len(got) != tc.errs {
			t.Errorf("check(%q) = %q, want %d errors", tc.line, got, tc.errs)
		}
	}
}

func TestHandTyped(t *testing.T) {
	for _, c := range []struct {
		md   string
		want string // the figures found, joined by ;
	}{
		{"The SD image is 65 MiB.\n", "65 MiB"},
		{"Boots take 2.1 s and 2.0 s; 0.86–1.06 of C, 0.92×, 18% in the kernel.\n", "2.1 s;2.0 s;0.92×;18%"},
		{"It ran 2,400 trials and 6,782,907 executions.\n", "2,400 trials;6,782,907 executions"},
		{"from 99,600 messages/s to 32.9 million\n", "99,600 messages/s;32.9 million"},
		// Constants are numbers without units.
		{"The key is 0x6c000000 | pid; 6 of 10 slots; 2147483647 wraps.\n", ""},
		// Definitions on the list, inline code, generated blocks.
		{"8-byte records below PIPE_BUF (4096 bytes); `-timeout 10s`.\n", ""},
		{"Size: <!-- gen:size ipclab MB -->1.9 MB<!-- /gen -->.\n", ""},
		{"<!-- gen:sizes -->\n| x | 1,564,834 bytes |\n<!-- /gen -->\n", ""},
		// A command's comment is prose; its output may echo its options.
		{"    make bench   # about 4 min\n", "4 min"},
		{"    $ mqlab recv -name lab -timeout 2s\n    mqlab: no message within 2s\n", ""},
		{"    $ mqlab recv -name lab\n    mqlab: no message within 2 s\n", "2 s"},
		{"the Pi 3s and the 1990s\n", ""},
		// A typed table of measurements.
		{"    64 B  pipe  2758082.1  176.52  1.00  40931\n", "a row of measurements: 2758082.1 176.52 1.00 40931"},
		{"| pipe thr 64 B | 0.92 | 0.90 | 0.87 |\n", "a row of measurements: 0.92 0.90 0.87"},
	} {
		var got []string
		for _, f := range handTyped("x.md", c.md) {
			got = append(got, f.Text)
		}
		if g := strings.Join(got, ";"); g != c.want {
			t.Errorf("handTyped(%q) = %q, want %q", c.md, g, c.want)
		}
	}
}

// TestForReaders: the documentation speaks to its readers, not of the
// project's making, and points at nothing outside the repository.
func TestForReaders(t *testing.T) {
	bad := regexp.MustCompile(`\.\./shared|(?i)\bissue \d+|\bthe issue\b|\bthe brief\b|\bthe lead\b`)
	for _, name := range docFiles(t) {
		for i, l := range strings.Split(readDoc(t, name), "\n") {
			if m := bad.FindString(l); m != "" {
				t.Errorf("%s:%d: %q: a reader has no such thing", name, i+1, m)
			}
		}
	}
}

// TestGeneratorsDocumented: docs/hacking.md names every kind of generated
// block make docs knows.
func TestGeneratorsDocumented(t *testing.T) {
	md := readDoc(t, "docs/hacking.md")
	for name, g := range generators {
		if !strings.Contains(md, "<!-- gen:"+name+" ") && !strings.Contains(md, "<!-- gen:"+name+" -->") {
			t.Errorf("docs/hacking.md does not show <!-- gen:%s %s -->", name, g.usage)
		}
	}
}
