package main

import (
	"bytes"
	"fmt"
	"math"
)

// The chart: two panels against the message size (log scale), throughput
// in thr mode and the median round trip in lat mode, one colour per
// mechanism, ipclab solid and C dashed.

var colours = map[string]string{"pipe": "#1f77b4", "mq": "#e67e22", "sysv": "#2ca02c", "shm": "#c0392b"}

var mechNames = map[string]string{"pipe": "pipe", "mq": "POSIX mq", "sysv": "System V msg", "shm": "shm ring"}

const (
	width, height = 1000, 548
	panelW        = 380
	panelH        = 330
	top           = 124
)

// panel is one plot: which mode, what to read from a run, its title.
type panel struct {
	x           float64
	mode        string
	value       func(run) float64
	title, axis string
	higher      string
}

func chart(rs []*row, pairs int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="13">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="28" font-size="18" font-weight="bold" text-anchor="middle">ipclab against hand-written C (bench/ref.c): pipe, message queues, shared memory</text>`+"\n", width/2)
	fmt.Fprintf(&b, `<text x="%d" y="50" text-anchor="middle" fill="#444">Medians of %d runs of each, interleaved, on this machine. Solid: ipclab (Go). Dashed: C.</text>`+"\n", width/2, pairs)
	legend(&b)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#666" font-size="12">shm round trip: ~0.2 µs with a CPU per process, ~100 µs when they share one (2000 spins, then a futex sleep); a median lands on either.</text>`+"\n", width/2, height-10)
	for _, p := range []panel{
		{90, "thr", mbs, "Throughput: one process streams to another", "MB/s (log scale)", "higher is better"},
		{590, "lat", func(r run) float64 { return p50(r) / 1000 }, "Latency: ping-pong round trip, median", "µs (log scale)", "lower is better"},
	} {
		plot(&b, rs, p)
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func legend(b *bytes.Buffer) {
	x := 95.0
	for _, m := range []string{"pipe", "mq", "sysv", "shm"} {
		fmt.Fprintf(b, `<line x1="%.0f" y1="80" x2="%.0f" y2="80" stroke="%s" stroke-width="3"/>`, x, x+28, colours[m])
		fmt.Fprintf(b, `<text x="%.0f" y="85">%s</text>`+"\n", x+34, mechNames[m])
		x += 150
	}
	fmt.Fprintf(b, `<line x1="%.0f" y1="80" x2="%.0f" y2="80" stroke="#333" stroke-width="2"/><text x="%.0f" y="85">ipclab</text>`, x, x+28, x+34)
	x += 100
	fmt.Fprintf(b, `<line x1="%.0f" y1="80" x2="%.0f" y2="80" stroke="#333" stroke-width="2" stroke-dasharray="6 4"/><text x="%.0f" y="85">C</text>`+"\n", x, x+28, x+34)
}

// sizes are the message sizes on the x axis, log2 scale.
var sizes = []int{64, 256, 1024, 4096, 16384, 65536}

func sizeLabel(s int) string {
	if s >= 1024 {
		return fmt.Sprintf("%d KiB", s/1024)
	}
	return fmt.Sprintf("%d B", s)
}

func plot(b *bytes.Buffer, rs []*row, p panel) {
	// The y range: whole decades around every median of this mode.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rs {
		if r.mode != p.mode {
			continue
		}
		for _, v := range []float64{median(r.lab, p.value), median(r.c, p.value)} {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return
	}
	ylo, yhi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if yhi == ylo {
		yhi++
	}
	xpos := func(size int) float64 {
		return p.x + (math.Log2(float64(size))-6)/10*panelW
	}
	ypos := func(v float64) float64 {
		return top + panelH - (math.Log10(v)-ylo)/(yhi-ylo)*panelH
	}
	fmt.Fprintf(b, `<text x="%.0f" y="%d" font-size="15" font-weight="bold" text-anchor="middle">%s</text>`+"\n", p.x+panelW/2, top-12, p.title)
	fmt.Fprintf(b, `<rect x="%.0f" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", p.x, top, panelW, panelH)
	for d := ylo; d <= yhi; d++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, d)
			if math.Log10(v) > yhi+1e-9 {
				break
			}
			y := ypos(v)
			stroke := "#eee"
			if m == 1 {
				stroke = "#ccc"
			}
			fmt.Fprintf(b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="%s"/>`, p.x, y, p.x+panelW, y, stroke)
			fmt.Fprintf(b, `<text x="%.0f" y="%.1f" text-anchor="end" font-size="11" fill="#444">%s</text>`+"\n", p.x-6, y+4, number(v))
		}
	}
	for _, s := range sizes {
		x := xpos(s)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>`, x, top, x, top+panelH)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="11" fill="#444">%s</text>`+"\n", x, top+panelH+16, sizeLabel(s))
	}
	fmt.Fprintf(b, `<text x="%.0f" y="%d" text-anchor="middle">message size (log scale)</text>`+"\n", p.x+panelW/2, top+panelH+38)
	fmt.Fprintf(b, `<text x="%.0f" y="%d" text-anchor="middle" fill="#666" font-size="12">%s</text>`+"\n", p.x+panelW/2, top+panelH+56, p.higher)
	fmt.Fprintf(b, `<text transform="translate(%.0f,%d) rotate(-90)" text-anchor="middle">%s</text>`+"\n", p.x-52, top+panelH/2, p.axis)
	for _, m := range []string{"pipe", "mq", "sysv", "shm"} {
		for _, impl := range []string{"ipclab", "C"} {
			var pts []string
			for _, r := range rs {
				if r.mech != m || r.mode != p.mode {
					continue
				}
				runs := r.lab
				if impl == "C" {
					runs = r.c
				}
				v := median(runs, p.value)
				if v <= 0 {
					continue
				}
				x, y := xpos(r.size), ypos(v)
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
				fill := colours[m]
				if impl == "C" {
					fill = "white"
				}
				fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s" stroke="%s" stroke-width="2"><title>%s %s %s: %s</title></circle>`+"\n",
					x, y, fill, colours[m], impl, mechNames[m], sizeLabel(r.size), number(v))
			}
			if len(pts) == 0 {
				continue
			}
			dash := ""
			if impl == "C" {
				dash = ` stroke-dasharray="6 4"`
			}
			fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", join(pts), colours[m], dash)
		}
	}
}

func join(pts []string) string {
	var b bytes.Buffer
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// number prints an axis value without needless decimals: 0.5, 20, 5000.
func number(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.2g", v)
}
