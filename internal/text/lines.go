package text

import (
	"strconv"
	"strings"

	"ipclab/ipc"
)

// Lines splits output into its lines, keeping empty ones; a final newline
// ends the last line rather than starting an empty one.
func Lines(s string) []string {
	var l []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return append(l, s)
		}
		l = append(l, s[:i])
		s = s[i+1:]
	}
	return l
}

// Diff describes the first difference between the lines got and want, or
// returns "" when they are equal.
func Diff(got, want []string) string {
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			return "line " + strconv.Itoa(i+1) + " is " + ipc.Quote(got[i]) + ", want " + ipc.Quote(want[i])
		}
	}
	switch {
	case len(got) > len(want):
		return "unexpected line " + ipc.Quote(got[len(want)])
	case len(got) < len(want):
		return "missing line " + ipc.Quote(want[len(got)])
	}
	return ""
}
