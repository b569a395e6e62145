// Command bench compares the labs' benchmarks with the C reference
// (bench/ref.c), for make bench.
//
// Synopsis:
//
//	go run ./scripts/bench [-bin DIR] [-ref PROG] [-pairs N] [-seconds S] [-svg FILE] [-json FILE]
//	go run ./scripts/bench -from FILE [-svg FILE]
//
// For every row (pipe, mq, sysv and shm, in thr and lat mode, at 64 B and
// 4 KiB, and pipe and shm at 64 KiB; and pipe and shm at 64 B and 4 KiB
// again on one CPU, both programs under taskset -c 0) it finds a count
// that takes the C program about S seconds, then runs the lab and the C
// program with that count alternately, N times each — all rows in one
// round, then the next round — so that both meet the same noise of a
// shared machine. It prints the medians and the ratio per row, writes
// every run to the JSON file and draws the medians in the SVG file. With
// -from it runs nothing: it prints the table of the runs a JSON file holds
// and draws their chart.
//
// The ratio is ipclab/C of messages per second for thr, and C/ipclab of
// the median round trip for lat, so that above 1 means ipclab is faster
// either way. It is taken within each pair of runs, made one after the
// other, and shown as the minimum, median and maximum over the pairs; a
// row whose maximum is more than 1.5 times its minimum is flagged: the
// machine's pace changed too much during it to trust its median.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// run is one line of output from the lab or from ref.c.
type run struct {
	Impl     string  `json:"impl"`
	Mech     string  `json:"mech"`
	Mode     string  `json:"mode"`
	Size     int     `json:"size"`
	Count    int     `json:"count"`
	Seconds  float64 `json:"seconds"`
	MsgsPerS float64 `json:"msgs_per_s"`
	MBPerS   float64 `json:"mb_per_s"`
	P50      float64 `json:"rtt_p50_ns"`
	P99      float64 `json:"rtt_p99_ns"`
	CPUs     string  `json:"cpus,omitempty"` // taskset's list, when pinned
}

// row is one comparison: a mechanism, a mode and a size.
type row struct {
	mech, mode string
	size       int
	cpus       string // "0": both programs run under taskset -c 0
	count      int
	lab, c     []run
}

func rows() []*row {
	var rs []*row
	for _, mech := range []string{"pipe", "mq", "sysv", "shm"} {
		for _, mode := range []string{"thr", "lat"} {
			for _, size := range []int{64, 4096, 65536} {
				// mq and sysv messages stop at 8 KiB for unprivileged users.
				if size > 8192 && (mech == "mq" || mech == "sysv") {
					continue
				}
				rs = append(rs, &row{mech: mech, mode: mode, size: size})
			}
		}
	}
	// One CPU, where the two processes take turns: every wake-up is a
	// switch, and a ring's spin is lost time.
	for _, mech := range []string{"pipe", "shm"} {
		for _, mode := range []string{"thr", "lat"} {
			for _, size := range []int{64, 4096} {
				rs = append(rs, &row{mech: mech, mode: mode, size: size, cpus: "0"})
			}
		}
	}
	return rs
}

func main() {
	bin := flag.String("bin", "out/bin", "directory of the labs (make build)")
	ref := flag.String("ref", "out/ref", "the C reference, built from bench/ref.c")
	pairs := flag.Int("pairs", 7, "runs of each side per row")
	seconds := flag.Float64("seconds", 0.5, "about how long one run takes")
	svg := flag.String("svg", "out/bench.svg", "the chart to write")
	out := flag.String("json", "out/bench.json", "where to write every run")
	from := flag.String("from", "", "run nothing: the table and chart of the runs in this JSON file")
	flag.Parse()
	if *from != "" {
		if err := redraw(*from, *svg); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := compare(*bin, *ref, *pairs, *seconds, *svg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func compare(bin, ref string, pairs int, seconds float64, svg, out string) error {
	rs := rows()
	start := time.Now()
	fmt.Printf("Calibrating %d rows on the C reference (%.1f s a run)...\n", len(rs), seconds)
	for _, r := range rs {
		n, err := calibrate(ref, r, seconds)
		if err != nil {
			return err
		}
		r.count = n
	}
	for p := 1; p <= pairs; p++ {
		fmt.Printf("Round %d of %d: ipclab, C, ipclab, C, ... over the %d rows\n", p, pairs, len(rs))
		for _, r := range rs {
			l, err := runLab(bin, r)
			if err != nil {
				return err
			}
			c, err := runRef(ref, r, r.count)
			if err != nil {
				return err
			}
			r.lab, r.c = append(r.lab, l), append(r.c, c)
		}
	}
	fmt.Printf("\n%d pairs of runs per row in %.0f s; medians:\n\n", pairs, time.Since(start).Seconds())
	table(rs)
	if err := writeJSON(out, rs); err != nil {
		return err
	}
	var all []*row // the chart's: every CPU
	for _, r := range rs {
		if r.cpus == "" {
			all = append(all, r)
		}
	}
	if err := os.WriteFile(svg, chart(all, pairs), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nEvery run: %s; chart: %s\n", out, svg)
	return nil
}

// redraw prints the table of the runs a previous make bench kept in the
// JSON file and draws their chart into svg.
func redraw(file, svg string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var rs []*row
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var x run
		if err := dec.Decode(&x); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fmt.Errorf("%s: %v", file, err)
		}
		i := slices.IndexFunc(rs, func(r *row) bool {
			return r.mech == x.Mech && r.mode == x.Mode && r.size == x.Size && r.cpus == x.CPUs
		})
		if i < 0 {
			rs = append(rs, &row{mech: x.Mech, mode: x.Mode, size: x.Size, cpus: x.CPUs, count: x.Count})
			i = len(rs) - 1
		}
		if x.Impl == "ipclab" {
			rs[i].lab = append(rs[i].lab, x)
		} else {
			rs[i].c = append(rs[i].c, x)
		}
	}
	if len(rs) == 0 {
		return fmt.Errorf("%s: no runs", file)
	}
	table(rs)
	var all []*row // the chart's: every CPU
	for _, r := range rs {
		if r.cpus == "" {
			all = append(all, r)
		}
	}
	return os.WriteFile(svg, chart(all, len(rs[0].lab)), 0o644)
}

// calibrate doubles the count until the C program takes a tenth of the
// time wanted, then scales it.
func calibrate(ref string, r *row, seconds float64) (int, error) {
	n := 1000
	for {
		c, err := runRef(ref, r, n)
		if err != nil {
			return 0, err
		}
		if c.Seconds >= seconds/10 || n >= 1<<28 {
			return max(1000, int(float64(n)*seconds/max(c.Seconds, 1e-9))), nil
		}
		n *= 2
	}
}

func runLab(bin string, r *row) (run, error) {
	lab := map[string]string{"pipe": "pipelab", "mq": "mqlab", "sysv": "mqlab", "shm": "shmlab"}[r.mech]
	args := []string{"bench", "-json", "-mode", r.mode, "-size", strconv.Itoa(r.size), "-count", strconv.Itoa(r.count)}
	if r.mech == "sysv" {
		args = slices.Insert(args, 1, "-sysv")
	}
	if lab == "mqlab" {
		// The standalone mqlab leaves bench out to stay small: the
		// multicall ipclab has it.
		return runJSON(r.cpus, filepath.Join(bin, "ipclab"), append([]string{lab}, args...)...)
	}
	return runJSON(r.cpus, filepath.Join(bin, lab), args...)
}

func runRef(ref string, r *row, count int) (run, error) {
	return runJSON(r.cpus, ref, r.mech, r.mode, strconv.Itoa(r.size), strconv.Itoa(count))
}

// runJSON runs a benchmark, under taskset -c cpus if cpus is set, and
// decodes its one line.
func runJSON(cpus, prog string, args ...string) (run, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if cpus != "" {
		args = append([]string{"-c", cpus, prog}, args...)
		prog = "taskset"
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var r run
	if err == nil {
		err = json.Unmarshal(stdout.Bytes(), &r)
	}
	if err != nil {
		return r, fmt.Errorf("%s %s: %v\n%s%s", prog, strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	r.CPUs = cpus
	return r, nil
}

func median(rs []run, f func(run) float64) float64 {
	x := make([]float64, len(rs))
	for i, r := range rs {
		x[i] = f(r)
	}
	slices.Sort(x)
	if n := len(x); n%2 == 0 {
		return (x[n/2-1] + x[n/2]) / 2
	}
	return x[len(x)/2]
}

func msgs(r run) float64 { return r.MsgsPerS }
func mbs(r run) float64  { return r.MBPerS }
func p50(r run) float64  { return r.P50 }
func p99(r run) float64  { return r.P99 }

// pairRatios are the row's figure of merit, ipclab against C, above 1
// when ipclab is faster (throughput for thr, the median round trip for
// lat), taken in each pair of runs, made one after the other: it holds
// when the machine changes pace between rounds (this one does, by 2× and
// more), where a ratio of medians may take one side's median from a fast
// round and the other's from a slow one. Sorted.
func (r *row) pairRatios() []float64 {
	x := make([]float64, len(r.lab))
	for i := range r.lab {
		if r.mode == "lat" {
			x[i] = r.c[i].P50 / r.lab[i].P50
		} else {
			x[i] = r.lab[i].MsgsPerS / r.c[i].MsgsPerS
		}
	}
	slices.Sort(x)
	return x
}

// Wide is the spread of a row's pair ratios, max/min, above which the
// row is flagged: its median is not to be trusted.
const Wide = 1.5

// spread is the row's pair ratios as "min / median / max", and a flag if
// they spread wider than Wide.
func (r *row) spread() (string, string) {
	x := r.pairRatios()
	var runs []run
	for _, v := range x {
		runs = append(runs, run{MsgsPerS: v})
	}
	flag := ""
	if x[len(x)-1] > Wide*x[0] {
		flag = "wide"
	}
	return fmt.Sprintf("%.2f / %.2f / %.2f", x[0], median(runs, msgs), x[len(x)-1]), flag
}

// name is the row as the table shows it: "pipe thr", "pipe thr 1cpu".
func (r *row) name() string {
	if r.cpus != "" {
		return r.mech + " " + r.mode + " 1cpu"
	}
	return r.mech + " " + r.mode
}

func table(rs []*row) {
	fmt.Printf("%-13s %6s %8s  %14s %14s  %12s %12s  %17s %17s  %-20s %s\n",
		"row", "size", "count", "ipclab msgs/s", "C msgs/s", "ipclab MB/s", "C MB/s", "ipclab p50/p99 ns", "C p50/p99 ns", "ratio min/med/max", "")
	for _, r := range rs {
		lat := func(rs []run) string {
			if r.mode != "lat" {
				return "-"
			}
			return fmt.Sprintf("%.0f/%.0f", median(rs, p50), median(rs, p99))
		}
		spread, flag := r.spread()
		fmt.Printf("%-13s %6d %8d  %14.0f %14.0f  %12.2f %12.2f  %17s %17s  %-20s %s\n",
			r.name(), r.size, r.count, median(r.lab, msgs), median(r.c, msgs),
			median(r.lab, mbs), median(r.c, mbs), lat(r.lab), lat(r.c), spread, flag)
	}
	fmt.Println("\nratio: ipclab/C in each pair of runs (one after the other): msgs/s for thr, round trip p50 for lat")
	fmt.Println("(C/ipclab), so above 1 is ipclab faster; min / median / max over the pairs. wide: max > 1.5 × min,")
	fmt.Println("the machine's pace changed too much to trust the row. 1cpu: both programs under taskset -c 0.")
}

func writeJSON(file string, rs []*row) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, r := range rs {
		for _, x := range slices.Concat(r.lab, r.c) {
			if err := enc.Encode(x); err != nil {
				return err
			}
		}
	}
	if b.Len() == 0 {
		return errors.New("no runs")
	}
	return os.WriteFile(file, b.Bytes(), 0o644)
}
