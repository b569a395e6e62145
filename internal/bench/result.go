// Package bench is the benchmark mode the three labs share ("pipelab
// bench", "mqlab bench [-sysv]", "shmlab bench"): the options, a child that
// receives and checks, the timing, the percentiles and the output — the
// workloads of the C reference bench/ref.c, so that the two can be
// compared run for run.
//
// It is written for the labs' size budget: no fmt, flag, encoding/json or
// sort. Figures are printed with strconv.FormatFloat, whose code the
// runtime links anyway (it prints floats with it), and percentiles come
// from a selection, not a sort.
package bench

import (
	"ipclab/internal/text"
	"math/bits"
	"strconv"
)

// Result is one run: COUNT messages (thr) or round trips (lat) of Size
// bytes over mechanism Mech, which took Nanos nanoseconds.
type Result struct {
	Impl     string // "ipclab"; ref.c says "c-ref"
	Mech     string // pipe, mq, sysv, shm
	Mode     string // thr or lat
	Size     int
	Count    int
	Nanos    int64
	P50, P99 int64 // round-trip times in nanoseconds; 0 for thr
}

// jsonLine is ref.c's output line, a # for each value.
const jsonLine = `{"impl":"#","mech":"#","mode":"#","size":#,"count":#,"seconds":#,` +
	`"msgs_per_s":#,"mb_per_s":#,"rtt_p50_ns":#,"rtt_p99_ns":#}`

// Format returns the result as one line: with json, ref.c's line, with
// the same fields in the same order and the same decimals; else aligned
// for people:
//
//	pipe  thr      64 B     1520738.3 msgs/s     97.33 MB/s
//	pipe  lat      64 B      187700.3 msgs/s     24.03 MB/s   rtt p50 4807 ns  p99 8362 ns
//
// MB/s counts the payload that crossed, both ways in lat mode, as ref.c
// does.
func (r *Result) Format(json bool) string {
	nanos := uint64(max(r.Nanos, 1))
	bytes := uint64(r.Count) * uint64(r.Size)
	if r.Mode == "lat" {
		bytes *= 2
	}
	v := [...]string{
		r.Impl, r.Mech, r.Mode, text.Itoa(r.Size), text.Itoa(r.Count),
		strconv.FormatFloat(float64(nanos)/1e9, 'f', 6, 64), strconv.FormatFloat(float64(r.Count)*1e9/float64(nanos), 'f', 1, 64), strconv.FormatFloat(float64(bytes)*1e3/float64(nanos), 'f', 2, 64),
		text.Int64(r.P50), text.Int64(r.P99),
	}
	if json {
		var b []byte
		k := 0
		for i := 0; i < len(jsonLine); i++ {
			if c := jsonLine[i]; c != '#' {
				b = append(b, c)
			} else {
				b = append(b, v[k]...)
				k++
			}
		}
		return string(b)
	}
	s := pad(v[1], -5) + " " + v[2] + pad(v[3], 8) + " B" + pad(v[6], 14) + " msgs/s" + pad(v[7], 10) + " MB/s"
	if r.Mode == "lat" {
		s += "   rtt p50 " + v[8] + " ns  p99 " + v[9] + " ns"
	}
	return s
}

// pad pads s with spaces to width w: on the left (right-aligned) for w > 0,
// on the right for w < 0.
func pad(s string, w int) string {
	const spaces = "                "
	if w < 0 {
		if n := -w - len(s); n > 0 {
			return s + spaces[:min(n, len(spaces))]
		}
		return s
	}
	if n := w - len(s); n > 0 {
		return spaces[:min(n, len(spaces))] + s
	}
	return s
}

// fixed formats num/den × 10^exp rounded to dec decimals (0 ≤ dec ≤ 9),
// from integers: fixed(3, 2, 0, 1) is "1.5", fixed(1500, 1, -9, 6) is
// "0.000002". exp is between -9 and 9. A quotient beyond 64 bits is
// printed as the largest one.
func fixed(num, den uint64, exp, dec int) string {
	scale := exp + dec // the integer printed is num × 10^scale / den
	for ; scale < 0; scale++ {
		den *= 10 // callers keep num/den × 10^exp within 64 bits
	}
	m := pow10(scale) * 2
	hi, lo := bits.Mul64(num, m)
	lo, c := bits.Add64(lo, den, 0) // rounds half up: (2x + den) / 2den
	hi += c
	q := ^uint64(0)
	if d := den * 2; hi < d {
		q, _ = bits.Div64(hi, lo, d)
	}
	p := pow10(dec)
	b := strconv.AppendUint(nil, q/p, 10)
	if dec > 0 {
		f := strconv.AppendUint(nil, q%p+p, 10) // a leading 1 keeps the zeros
		b = append(append(b, '.'), f[1:]...)
	}
	return string(b)
}

func pow10(n int) uint64 {
	p := uint64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// Percentile returns the value below which a fraction pct/100 of x lies,
// as ref.c picks it: the element at index len(x)*pct/100 of x sorted. It
// reorders x.
func Percentile(x []int64, pct int) int64 {
	if len(x) == 0 {
		return 0
	}
	return kth(x, len(x)*pct/100)
}

// kth returns the k-th smallest element of x (from 0), reordering x so
// that x[:k] are no larger and x[k+1:] no smaller: Hoare's selection, in
// linear time on average, where a sort would cost a package and n log n.
func kth(x []int64, k int) int64 {
	lo, hi := 0, len(x)-1
	for lo < hi {
		p := x[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for x[i] < p {
				i++
			}
			for x[j] > p {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return x[k]
		}
	}
	return x[k]
}
