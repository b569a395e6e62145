// Package text holds the few string conversions the labs need, written
// small: strconv's quoting and number errors, like fmt, cost the tiny
// binaries more than they give.
package text

import "unicode/utf8"

// Quote returns s in double quotes with control characters, quotes,
// backslashes and invalid UTF-8 escaped, so it always prints as one line.
func Quote(s string) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || n > 1 {
				b = append(b, s[i:i+n]...)
				i += n
				continue
			}
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20 || c == 0x7f || c >= utf8.RuneSelf:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
		i++
	}
	return string(append(b, '"'))
}

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
