package ipc

import "unicode/utf8"

// Quote returns s as the labs show a name or an input in their traces and
// errors: in double quotes with control characters, quotes,
// backslashes and invalid UTF-8 escaped, so it always prints as one line.
func Quote(s string) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 1, len(s)+2)
	b[0] = '"'
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if r, n := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || n > 1 {
				b = append(b, s[i:i+n]...)
				i += n - 1
				continue
			}
		}
		esc := c // what follows the backslash
		switch c {
		case '"', '\\':
		case '\n':
			esc = 'n'
		case '\t':
			esc = 't'
		case '\r':
			esc = 'r'
		default:
			if c >= ' ' && c < 0x7f {
				b = append(b, c)
			} else {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			}
			continue
		}
		b = append(b, '\\', esc)
	}
	return string(append(b, '"'))
}
