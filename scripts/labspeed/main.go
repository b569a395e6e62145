//go:build linux

// Command labspeed times the labs against the lab sheet's own Python
// programs (testdata/sheet), for make labspeed.
//
// Synopsis:
//
//	go run ./scripts/labspeed [-bin DIR] [-python PROG] [-pairs N] [-json FILE] [-keep N]
//
// Each row gives a lab and the sheet's program the same standard input,
// the sheet's dialogue (the number of items, then one item a line; the
// pipe's data end with 0), the lab with -i, output to /dev/null, and
// times each whole process, started to reaped, in N pairs of runs one
// after the other: the lab, the sheet, the lab, the sheet… Rows: pipelab
// and shmlab on 100,000 items; mqlab on 1,000, where the sheet's program
// still ends (it hangs from about 5,000: its producer is joined before
// the consumer starts), and on 100,000, where the sheet's is killed after
// 10 s, once. Then the streams: pipelab and mqlab on 3,000,000 items from
// a file, timed to their first child (a process of theirs appears in
// /proc, polled) and to their end, with the peak resident memory of the
// largest of their processes (VmHWM, sampled every few milliseconds:
// getrusage's would count this program's own memory, which a child
// started with vfork and exec is charged with).
//
// The sheet's programs run on /usr/bin/python3 if there is one (a
// version manager's python3 on PATH may be a shell script, whose start
// would be counted against the sheet).
//
// It prints a table and adds the run, with the time and the load
// average, to the JSON file, which keeps the last -keep runs; make docs
// fills the documentation's tables from it (scripts/docs, gen:labspeed).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Row is one comparison of a lab with the sheet's program.
type Row struct {
	Lab     string    `json:"lab"`
	Items   int       `json:"items"`
	LabMS   []float64 `json:"lab_ms"`   // each run's wall time
	SheetMS []float64 `json:"sheet_ms"` // the same; a killed run counts its time to the kill
	Killed  bool      `json:"sheet_killed,omitempty"`
}

// Stream is one lab on a long file.
type Stream struct {
	Lab          string    `json:"lab"`
	Items        int       `json:"items"`
	FirstChildMS []float64 `json:"first_child_ms"`
	WallS        []float64 `json:"wall_s"`
	PeakRSSKB    []int64   `json:"peak_rss_kb"`
}

// Run is one make labspeed.
type Run struct {
	Date    string    `json:"date"`
	Load    string    `json:"load"` // /proc/loadavg's 1, 5, 15 minutes, at the start
	CPUs    int       `json:"cpus"`
	Python  string    `json:"python"` // what ran the sheet's programs
	Rows    []*Row    `json:"rows"`
	Streams []*Stream `json:"streams"`
}

// Measured is the JSON file: the last runs, oldest first.
type Measured struct {
	Runs []*Run `json:"runs"`
}

// sheetLimit is how long the sheet's program may run: the queue's hangs.
const sheetLimit = 10 * time.Second

func main() {
	bin := flag.String("bin", "out/bin", "directory of the labs (make build)")
	python := flag.String("python", "", "the Python the sheet's programs run on (default /usr/bin/python3, else python3)")
	pairs := flag.Int("pairs", 3, "pairs of runs per row")
	out := flag.String("json", "docs/measured/labspeed.json", "the runs kept")
	keep := flag.Int("keep", 4, "how many runs the JSON file keeps")
	flag.Parse()
	if err := labspeed(*bin, *python, *pairs, *out, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "labspeed:", err)
		os.Exit(1)
	}
}

func labspeed(bin, python string, pairs int, out string, keep int) error {
	load, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(load))
	run := &Run{Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), CPUs: cpus()}
	if len(f) >= 3 {
		run.Load = strings.Join(f[:3], " ")
	}
	if python == "" {
		python = "python3"
		if _, err := os.Stat("/usr/bin/python3"); err == nil {
			python = "/usr/bin/python3"
		}
	}
	v, err := exec.Command(python, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s --version: %v", python, err)
	}
	run.Python = python + " (" + strings.TrimSpace(string(v)) + ")"
	dir, err := os.MkdirTemp("", "labspeed")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, c := range []struct {
		lab, sheet string
		items      int
		once       bool // the sheet's hangs: one run, killed
	}{
		{"pipelab", "pipe_lab.py", 100000, false},
		{"shmlab", "shm_lab.py", 100000, false},
		{"mqlab", "queue_lab.py", 1000, false},
		{"mqlab", "queue_lab.py", 100000, true},
	} {
		in := filepath.Join(dir, c.lab+strconv.Itoa(c.items))
		if err := os.WriteFile(in, dialogue(c.items, c.lab == "pipelab"), 0o644); err != nil {
			return err
		}
		r := &Row{Lab: c.lab, Items: c.items}
		sheet := filepath.Join("testdata", "sheet", c.sheet)
		for p := 0; p < pairs; p++ {
			d, _, err := timed(in, 0, filepath.Join(bin, c.lab), "-i")
			if err != nil {
				return err
			}
			r.LabMS = append(r.LabMS, ms(d))
			if c.once && p > 0 {
				continue
			}
			d, killed, err := timed(in, sheetLimit, python, sheet)
			if err != nil {
				return err
			}
			r.SheetMS = append(r.SheetMS, ms(d))
			r.Killed = r.Killed || killed
		}
		fmt.Printf("%-8s %9d items: ipclab %s ms, the sheet %s ms%s\n", r.Lab, r.Items,
			list(r.LabMS), list(r.SheetMS), map[bool]string{true: " (killed)"}[r.Killed])
		run.Rows = append(run.Rows, r)
	}
	const n = 3000000
	file := filepath.Join(dir, "stream.txt")
	if err := os.WriteFile(file, items(n, false), 0o644); err != nil {
		return err
	}
	for _, lab := range []string{"pipelab", "mqlab"} {
		s := &Stream{Lab: lab, Items: n}
		for p := 0; p < pairs; p++ {
			first, wall, rss, err := stream(filepath.Join(bin, lab), file)
			if err != nil {
				return err
			}
			s.FirstChildMS = append(s.FirstChildMS, ms(first))
			s.WallS = append(s.WallS, wall.Seconds())
			s.PeakRSSKB = append(s.PeakRSSKB, rss)
		}
		fmt.Printf("%-8s %9d items from a file: first child after %s ms, done after %s s, peak RSS %v KiB\n",
			lab, n, list(s.FirstChildMS), list(s.WallS), s.PeakRSSKB)
		run.Streams = append(run.Streams, s)
	}
	var m Measured
	if b, err := os.ReadFile(out); err == nil {
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%s: %v", out, err)
		}
	}
	m.Runs = append(m.Runs, run)
	m.Runs = m.Runs[max(0, len(m.Runs)-keep):]
	b, err := json.MarshalIndent(&m, "", " ")
	if err != nil {
		return err
	}
	fmt.Printf("load average at the start: %s; kept in %s with the %d runs before\n", run.Load, out, len(m.Runs)-1)
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// dialogue is the sheet's input for n random items: n, then the items; with
// zero, the last is 0 (the pipe's end).
func dialogue(n int, zero bool) []byte {
	return append([]byte(strconv.Itoa(n)+"\n"), items(n, zero)...)
}

// items are n random items from 1 to 999, one a line; with zero the last
// is 0.
func items(n int, zero bool) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		v := 1 + rand.IntN(999)
		if zero && i == n-1 {
			v = 0
		}
		b.WriteString(strconv.Itoa(v))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// timed runs prog with args on the file in as standard input, output to
// /dev/null, and returns its wall time; with a limit, a run that outlasts
// it is killed (its whole process group) and reported so.
func timed(in string, limit time.Duration, prog string, args ...string) (time.Duration, bool, error) {
	stdin, err := os.Open(in)
	if err != nil {
		return 0, false, err
	}
	defer stdin.Close()
	cmd := exec.Command(prog, args...)
	cmd.Stdin = stdin
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, false, err
	}
	var killed atomic.Bool
	if limit > 0 {
		t := time.AfterFunc(limit, func() {
			killed.Store(true)
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		})
		defer t.Stop()
	}
	err = cmd.Wait()
	d := time.Since(start)
	if killed.Load() {
		// The sheet's children too.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return d, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, stderr.Bytes())
	}
	return d, false, nil
}

// stream runs lab on file, output to /dev/null, and returns when its first
// child appeared (in /proc/PID/task/*/children, polled), when it ended,
// and the peak resident memory of its largest process (VmHWM, sampled).
func stream(lab, file string) (first, wall time.Duration, rssKB int64, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, lab, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pid := strconv.Itoa(cmd.Process.Pid)
	for ended := false; !ended; {
		select {
		case err = <-done:
			ended = true
			continue
		default:
		}
		// Each thread's children: the Go runtime forks from any thread.
		pids := []string{pid}
		var kids []string
		tasks, _ := filepath.Glob("/proc/" + pid + "/task/*/children")
		for _, t := range tasks {
			b, _ := os.ReadFile(t)
			kids = append(kids, strings.Fields(string(b))...)
		}
		if len(kids) > 0 {
			if first == 0 {
				first = time.Since(start)
			}
			pids = append(pids, kids...)
		}
		for _, p := range pids {
			rssKB = max(rssKB, hwm(p))
		}
		if first != 0 {
			time.Sleep(2 * time.Millisecond)
		}
	}
	wall = time.Since(start)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s %s: %v\n%s", lab, file, err, stderr.Bytes())
	}
	if first == 0 {
		return 0, 0, 0, errors.New(lab + ": no child seen")
	}
	return first, wall, rssKB, nil
}

// hwm is process pid's peak resident memory so far, in KiB (0 if gone).
func hwm(pid string) int64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	_, rest, ok := bytes.Cut(b, []byte("\nVmHWM:"))
	if !ok {
		return 0
	}
	f := strings.Fields(string(rest))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(f[0], 10, 64)
	return n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func list(x []float64) string {
	var s []string
	for _, v := range x {
		s = append(s, strconv.FormatFloat(v, 'f', 1, 64))
	}
	return strings.Join(s, " ")
}

// cpus is how many CPUs this process may run on.
func cpus() int {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 0
	}
	n := 0
	for _, r := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, ok := strings.Cut(r, "-")
		a, _ := strconv.Atoi(lo)
		z := a
		if ok {
			z, _ = strconv.Atoi(hi)
		}
		n += z - a + 1
	}
	return n
}
