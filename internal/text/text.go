// Package text holds the few string conversions the labs need, written
// small: strconv's quoting and number errors, like fmt, cost the tiny
// binaries more than they give.
package text

import "strconv"

// ParseInt parses a decimal signed 64-bit integer with an optional sign.
// ok is false if s is not one; big is true if it is one but out of range.
func ParseInt(s string) (v int64, ok, big bool) {
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false, false
	}
	var u uint64
	const limit = 1 << 63 // the magnitude of the most negative int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false, false
		}
		if !big {
			if u > (limit-uint64(c-'0'))/10 {
				big = true
			}
			u = u*10 + uint64(c-'0')
		}
	}
	if big || (!neg && u == limit) {
		return 0, false, true
	}
	if neg {
		return -int64(u), true, false
	}
	return int64(u), true, false
}

// Atoi parses a decimal int, returning ok false on any failure.
func Atoi(s string) (int, bool) {
	v, ok, _ := ParseInt(s)
	if !ok || int64(int(v)) != v {
		return 0, false
	}
	return int(v), true
}

// ParseDuration parses a whole number of nanoseconds, microseconds,
// milliseconds, seconds or minutes: "500ms", "2s", "1m", "750us" or "10ns";
// a bare "0" is 0, as time.ParseDuration has it.
// (time.ParseDuration takes fractions and mixed units, at a binary cost
// the labs do not need.)
func ParseDuration(s string) (ns int64, ok bool) {
	if s == "0" {
		return 0, true
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 12 {
		return 0, false
	}
	n, _, _ := ParseInt(s[:i])
	var unit int64
	switch s[i:] {
	case "ns":
		unit = 1
	case "us", "µs":
		unit = 1e3
	case "ms":
		unit = 1e6
	case "s":
		unit = 1e9
	case "m":
		unit = 60e9
	default:
		return 0, false
	}
	return n * unit, true
}

// FormatDuration writes ns as ParseDuration reads it: in seconds or
// milliseconds when that is exact ("2s", "500ms"), else in nanoseconds.
func FormatDuration(ns int64) string {
	unit := "ns"
	switch {
	case ns != 0 && ns%1e9 == 0:
		ns, unit = ns/1e9, "s"
	case ns != 0 && ns%1e6 == 0:
		ns, unit = ns/1e6, "ms"
	}
	return strconv.FormatInt(ns, 10) + unit
}

// Itoa is strconv.Itoa kept out of line: inlined at each of the labs'
// calls, its fast path for small numbers costs the binaries kilobytes.
//
//go:noinline
func Itoa(i int) string { return strconv.Itoa(i) }

// Int64 is strconv.FormatInt(v, 10), out of line as Itoa is.
//
//go:noinline
func Int64(v int64) string { return strconv.FormatInt(v, 10) }
