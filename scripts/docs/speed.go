package main

// The speed tables: make bench's runs (docs/measured/bench.json) and make
// labspeed's (docs/measured/labspeed.json), both measured on the machine
// that ran them and kept in the repository, as no test can measure them
// again.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

func init() {
	generators["bench"] = generator{"", 0, 0, false, benchTable}
	generators["labspeed"] = generator{"", 0, 0, false, labspeedTable}
	generators["labspeed-stream"] = generator{"", 0, 0, false, streamTable}
}

// benchRun is one line of docs/measured/bench.json: ref.c's fields, and
// the CPUs both programs were pinned to.
type benchRun struct {
	Impl     string  `json:"impl"`
	Mech     string  `json:"mech"`
	Mode     string  `json:"mode"`
	Size     int     `json:"size"`
	MsgsPerS float64 `json:"msgs_per_s"`
	P50      float64 `json:"rtt_p50_ns"`
	CPUs     string  `json:"cpus"`
}

// benchTable is make bench's last run: per row, the medians of both sides
// and the ratio taken in each pair of runs, min / median / max.
func benchTable([]string) (string, error) {
	b, err := readRel("docs/measured/bench.json")
	if err != nil {
		return "", fmt.Errorf("%v (make bench)", err)
	}
	type key struct {
		mech, mode string
		size       int
		cpus       string
	}
	var order []key
	runs := map[key][2][]benchRun{} // ipclab's, C's
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var r benchRun
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return "", fmt.Errorf("docs/measured/bench.json: %v", err)
		}
		k := key{r.Mech, r.Mode, r.Size, r.CPUs}
		side := 0
		if r.Impl == "c-ref" {
			side = 1
		}
		rs, seen := runs[k]
		if !seen {
			order = append(order, k)
		}
		rs[side] = append(rs[side], r)
		runs[k] = rs
	}
	var t strings.Builder
	t.WriteString("\n| row | size | CPUs | ipclab | C | ratio min / median / max | pairs |\n")
	t.WriteString("| --- | ---: | --- | ---: | ---: | ---: | ---: |\n")
	for _, k := range order {
		lab, c := runs[k][0], runs[k][1]
		if len(lab) != len(c) || len(lab) == 0 {
			return "", fmt.Errorf("docs/measured/bench.json: %s %s %d: %d runs of ipclab, %d of C", k.mech, k.mode, k.size, len(lab), len(c))
		}
		ratios := make([]float64, len(lab))
		var fig func(benchRun) float64
		unit := "msgs/s"
		for i := range lab {
			if k.mode == "lat" {
				ratios[i] = c[i].P50 / lab[i].P50
			} else {
				ratios[i] = lab[i].MsgsPerS / c[i].MsgsPerS
			}
		}
		if k.mode == "lat" {
			fig, unit = func(r benchRun) float64 { return r.P50 / 1000 }, "µs"
		} else {
			fig = func(r benchRun) float64 { return r.MsgsPerS / 1e6 }
			unit = "M msgs/s"
		}
		slices.Sort(ratios)
		cpus := "all"
		if k.cpus != "" {
			cpus = "one (" + k.cpus + ")"
		}
		flag := ""
		if ratios[len(ratios)-1] > 1.5*ratios[0] {
			flag = " (wide)"
		}
		fmt.Fprintf(&t, "| %s %s | %s | %s | %.3g %s | %.3g %s | %.2f / %.2f / %.2f%s | %d |\n",
			k.mech, k.mode, sizeName(k.size), cpus, medianOf(lab, fig), unit, medianOf(c, fig), unit,
			ratios[0], medianFloat(ratios), ratios[len(ratios)-1], flag, len(lab))
	}
	t.WriteString("\n")
	return t.String(), nil
}

func sizeName(n int) string {
	if n >= 1024 {
		return fmt.Sprint(n/1024, " KiB")
	}
	return fmt.Sprint(n, " B")
}

func medianOf(rs []benchRun, f func(benchRun) float64) float64 {
	x := make([]float64, len(rs))
	for i, r := range rs {
		x[i] = f(r)
	}
	slices.Sort(x)
	return medianFloat(x)
}

// medianFloat is the median of sorted x.
func medianFloat(x []float64) float64 {
	n := len(x)
	if n%2 == 0 {
		return (x[n/2-1] + x[n/2]) / 2
	}
	return x[n/2]
}

// The runs of make labspeed (scripts/labspeed's JSON).
type labspeedRow struct {
	Lab     string    `json:"lab"`
	Items   int       `json:"items"`
	LabMS   []float64 `json:"lab_ms"`
	SheetMS []float64 `json:"sheet_ms"`
	Killed  bool      `json:"sheet_killed"`
}

type labspeedStream struct {
	Lab          string    `json:"lab"`
	Items        int       `json:"items"`
	FirstChildMS []float64 `json:"first_child_ms"`
	WallS        []float64 `json:"wall_s"`
	PeakRSSKB    []float64 `json:"peak_rss_kb"`
}

type labspeedRun struct {
	Date    string           `json:"date"`
	Load    string           `json:"load"`
	Rows    []labspeedRow    `json:"rows"`
	Streams []labspeedStream `json:"streams"`
}

func loadLabspeed() ([]labspeedRun, error) {
	b, err := readRel("docs/measured/labspeed.json")
	if err != nil {
		return nil, fmt.Errorf("%v (make labspeed)", err)
	}
	var m struct {
		Runs []labspeedRun `json:"runs"`
	}
	if err := json.Unmarshal(b, &m); err != nil || len(m.Runs) == 0 {
		return nil, fmt.Errorf("docs/measured/labspeed.json: no runs (%v)", err)
	}
	return m.Runs, nil
}

// span is "lo–hi" of xs (one figure if they round the same), with f's
// format.
func span(xs []float64, format string) string {
	lo, hi := slices.Min(xs), slices.Max(xs)
	a, z := fmt.Sprintf(format, lo), fmt.Sprintf(format, hi)
	if a == z {
		return a
	}
	return a + "–" + z
}

func median(x []float64) float64 {
	y := slices.Clone(x)
	slices.Sort(y)
	return medianFloat(y)
}

// labspeedTable is the labs against the sheet's programs: per row, the
// range over the kept runs of each run's medians and of their ratio.
func labspeedTable([]string) (string, error) {
	runs, err := loadLabspeed()
	if err != nil {
		return "", err
	}
	var t strings.Builder
	fmt.Fprintf(&t, "\n| lab | items | ipclab | the sheet | the sheet / ipclab |\n| --- | ---: | ---: | ---: | ---: |\n")
	for i, r := range runs[0].Rows {
		var lab, sheet, ratio []float64
		killed := false
		for _, run := range runs {
			if i >= len(run.Rows) || run.Rows[i].Lab != r.Lab || run.Rows[i].Items != r.Items {
				return "", fmt.Errorf("docs/measured/labspeed.json: the runs have different rows")
			}
			x := run.Rows[i]
			lab, sheet = append(lab, median(x.LabMS)), append(sheet, median(x.SheetMS))
			ratio = append(ratio, median(x.SheetMS)/median(x.LabMS))
			killed = killed || x.Killed
		}
		if killed {
			fmt.Fprintf(&t, "| %s | %s | %s ms | killed at %.0f s (hangs) | over %s× |\n", r.Lab, group(int64(r.Items)),
				span(lab, "%.0f"), slices.Min(sheet)/1000, span(ratio, "%.0f"))
			continue
		}
		fmt.Fprintf(&t, "| %s | %s | %s ms | %s s | %s× |\n", r.Lab, group(int64(r.Items)),
			span(lab, "%.1f"), span(sheetSeconds(sheet), "%.2f"), span(ratio, "%.1f"))
	}
	fmt.Fprintf(&t, "\n%d runs of make labspeed (%s to %s; load average %s at their starts), each the median of %d runs of each side.\n\n",
		len(runs), runs[0].Date, runs[len(runs)-1].Date, loads(runs), len(runs[0].Rows[0].LabMS))
	return t.String(), nil
}

func sheetSeconds(ms []float64) []float64 {
	s := make([]float64, len(ms))
	for i, v := range ms {
		s[i] = v / 1000
	}
	return s
}

// loads is the 1-minute load averages of the runs, as a range.
func loads(runs []labspeedRun) string {
	var x []float64
	for _, r := range runs {
		var l float64
		fmt.Sscan(r.Load, &l)
		x = append(x, l)
	}
	return span(x, "%.1f")
}

// streamTable is the long streams: first child, whole run, peak RSS.
func streamTable([]string) (string, error) {
	runs, err := loadLabspeed()
	if err != nil {
		return "", err
	}
	var t strings.Builder
	t.WriteString("\n| lab | items (a file) | first child after | whole run | peak RSS (largest process) |\n| --- | ---: | ---: | ---: | ---: |\n")
	for i, s := range runs[0].Streams {
		var first, wall, rss []float64
		for _, run := range runs {
			if i >= len(run.Streams) || run.Streams[i].Lab != s.Lab {
				return "", fmt.Errorf("docs/measured/labspeed.json: the runs have different streams")
			}
			x := run.Streams[i]
			first = append(first, x.FirstChildMS...)
			wall = append(wall, x.WallS...)
			for _, kb := range x.PeakRSSKB {
				rss = append(rss, kb/1024)
			}
		}
		fmt.Fprintf(&t, "| %s | %s | %s ms | %s s | %s MiB |\n", s.Lab, group(int64(s.Items)),
			span(first, "%.1f"), span(wall, "%.2f"), span(rss, "%.1f"))
	}
	fmt.Fprintf(&t, "\nEvery run of the %d kept (load average %s).\n\n", len(runs), loads(runs))
	return t.String(), nil
}
