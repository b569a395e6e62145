package ipc

// The format of a trace's lines, which programs that read traces (ipclab
// diagram) parse: the same on every system.

// FormatTraceLine appends the line a trace shows: the time since the
// start, "[role] ", the text and, for a call (kind 'c'), the time it took:
//
//	0.000412 [p1] write(4, [12], 8) = 8 <0.000006>
func FormatTraceLine(b []byte, at, took int64, role string, kind byte, text []byte) []byte {
	b = appendSeconds(b, at, 10)
	b = append(b, ' ')
	if role != "" {
		b = append(append(append(b, '['), role...), "] "...)
	}
	b = append(b, text...)
	if kind == 'c' && took >= 1000 { // a call that took a microsecond or more
		// (one that took less is shown without: it did not wait)
		b = appendSeconds(append(b, " <"...), took, 0)
		b = append(b, '>')
	}
	return append(b, '\n')
}

// appendSeconds appends ns as seconds with six decimals, right-aligned in
// width characters.
func appendSeconds(b []byte, ns int64, width int) []byte {
	us := max(ns, 0) / 1000
	var d [20]byte // the digits, backwards: six decimals first
	n := 0
	for n < 7 || us > 0 {
		d[n] = byte('0' + us%10)
		us /= 10
		n++
	}
	for k := n + 1; k < width; k++ {
		b = append(b, ' ')
	}
	for k := n - 1; k >= 0; k-- {
		b = append(b, d[k])
		if k == 6 {
			b = append(b, '.')
		}
	}
	return b
}

// ParseTraceLine splits a line of a trace (see FormatTraceLine) into its
// time, the time the call took (0 if not shown), the role (without
// brackets; "" if none) and the rest; ok is false if line is not one.
func ParseTraceLine(line string) (at, took int64, role, text string, ok bool) {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	j := i
	for j < len(line) && line[j] != ' ' {
		j++
	}
	if at, ok = seconds(line[i:j]); !ok || j == len(line) {
		return 0, 0, "", "", false
	}
	text = line[j+1:]
	if len(text) > 0 && text[0] == '[' {
		if k := indexByte(text, ']'); k > 0 && k+1 < len(text) && text[k+1] == ' ' {
			role, text = text[1:k], text[k+2:]
		}
	}
	if n := len(text); n > 0 && text[n-1] == '>' {
		for k := n - 2; k > 0; k-- {
			if text[k] == '<' {
				if d, ok := seconds(text[k+1 : n-1]); ok && text[k-1] == ' ' {
					took, text = d, text[:k-1]
				}
				break
			}
		}
	}
	return at, took, role, text, true
}

// seconds parses "S.UUUUUU" into nanoseconds.
func seconds(s string) (int64, bool) {
	dot := indexByte(s, '.')
	if dot <= 0 || len(s)-dot != 7 {
		return 0, false
	}
	var v int64
	for k := 0; k < len(s); k++ {
		if k == dot {
			continue
		}
		if s[k] < '0' || s[k] > '9' {
			return 0, false
		}
		v = v*10 + int64(s[k]-'0')
	}
	return v * 1000, true
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
