//go:build linux

package campaign

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

var (
	trials   = flag.Int("trials", 3, "kill: trials per mechanism and victim")
	items    = flag.Int("items", 200000, "kill: items per run")
	flood    = flag.Int("flood", 200000, "flood: messages per mechanism")
	runs     = flag.Int("runs", 16, "concurrent: lab runs at once")
	runItems = flag.Int("runitems", 20000, "concurrent: items per run")
	seed     = flag.Uint64("seed", 0, "kill: random seed (0: from the clock)")
	report   = flag.String("report", "", "also write the summary to this file")
)

// TestMain makes the test process a child subreaper, so that the children
// of a killed lab parent become its children: it can then wait for them,
// see how they ended and time it. At the end it prints the summary.
func TestMain(m *testing.M) {
	flag.Parse()
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "prctl(PR_SET_CHILD_SUBREAPER):", err)
		os.Exit(1)
	}
	code := m.Run()
	if s := summary.String(); s != "" {
		fmt.Print(s)
		if *report != "" {
			os.MkdirAll(filepath.Dir(*report), 0o755)
			if err := os.WriteFile(*report, []byte(s), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// summary collects the campaigns' tables.
var summary struct {
	sync.Mutex
	strings.Builder
}

// table adds a titled table to the summary, its columns aligned.
func table(title string, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	summary.Lock()
	defer summary.Unlock()
	summary.WriteString("\n" + title + "\n")
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				summary.WriteString("  ")
			}
			if i < len(r)-1 {
				c += strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			}
			summary.WriteString(c)
		}
		summary.WriteString("\n")
	}
}

// inputs are the files holding 1..n, one per line, by n.
var inputs struct {
	sync.Mutex
	dir   string
	files map[int]string
}

// input returns the path of a file with the items 1..n, one per line: the
// sequence numbers the checks expect back.
func input(t testing.TB, n int) string {
	t.Helper()
	inputs.Lock()
	defer inputs.Unlock()
	if p, ok := inputs.files[n]; ok {
		return p
	}
	if inputs.dir == "" {
		d, err := os.MkdirTemp("", "ipclab-campaign-")
		if err != nil {
			t.Fatal(err)
		}
		inputs.dir, inputs.files = d, map[int]string{}
	}
	p := filepath.Join(inputs.dir, strconv.Itoa(n)+".txt")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := newLineWriter(f)
	for i := 1; i <= n; i++ {
		w.int(int64(i))
	}
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	inputs.files[n] = p
	return p
}

type lineWriter struct {
	w   io.WriteCloser
	buf []byte
	err error
}

func newLineWriter(w io.WriteCloser) *lineWriter { return &lineWriter{w: w} }

func (l *lineWriter) int(v int64) {
	l.buf = append(strconv.AppendInt(l.buf, v, 10), '\n')
	if len(l.buf) > 64<<10 {
		l.flush()
	}
}

func (l *lineWriter) flush() {
	if _, err := l.w.Write(l.buf); err != nil && l.err == nil {
		l.err = err
	}
	l.buf = l.buf[:0]
}

func (l *lineWriter) close() error {
	l.flush()
	if err := l.w.Close(); err != nil && l.err == nil {
		l.err = err
	}
	return l.err
}

func ms(d time.Duration) string { return strconv.FormatFloat(d.Seconds()*1000, 'f', 1, 64) + " ms" }
