package bench

import (
	"errors"
	"ipclab/ipc"
	"strings"

	"ipclab/internal/text"
)

// ParseJSON reads one line of "LAB bench -json" (or of ref.c): a flat
// JSON object of strings and numbers. It returns each field as its text,
// numbers as written, strings without their quotes (they hold no escapes).
func ParseJSON(line string) (map[string]string, error) {
	bad := errors.New("not a line of bench -json: " + ipc.Quote(line))
	s := strings.TrimSpace(line)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, bad
	}
	s = s[1 : len(s)-1]
	f := map[string]string{}
	for s != "" {
		key, rest, ok := quoted(s)
		if !ok || rest == "" || rest[0] != ':' {
			return nil, bad
		}
		val, rest, ok := quoted(rest[1:])
		if !ok { // a number, up to the next comma
			i := strings.IndexByte(rest, ',')
			if i < 0 {
				i = len(rest)
			}
			val, rest = rest[:i], rest[i:]
			if val == "" || val[0] == '"' {
				return nil, bad
			}
		}
		f[key] = val
		if rest != "" {
			if rest[0] != ',' || len(rest) == 1 {
				return nil, bad
			}
			rest = rest[1:]
		}
		s = rest
	}
	return f, nil
}

// quoted splits `"abc"rest` into abc and rest; ok is false, and rest is
// s, if s does not start with a quoted string.
func quoted(s string) (str, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	i := strings.IndexByte(s[1:], '"')
	if i < 0 {
		return "", s, false
	}
	return s[1 : i+1], s[i+2:], true
}

// Row is a line of the comparison table "ipclab bench" prints: one
// mechanism at one size, its thr run and its lat run (the fields of their
// -json lines; nil for a run that failed).
type Row struct {
	Size     int
	Mech     string
	Thr, Lat map[string]string
}

// TableHeader heads the rows of Row.Format.
const TableHeader = "    size  mechanism          thr msgs/s     MB/s  × pipe   lat p50 ns   p99 ns\n"

// mechName is a mechanism's name in the table. (A function, not a map:
// a package-level map is built at start-up in every lab that links the
// package, where only ipclab needs it.)
func mechName(mech string) string {
	switch mech {
	case "mq":
		return "POSIX mq"
	case "sysv":
		return "System V msg"
	case "shm":
		return "shared memory"
	}
	return mech
}

// Format returns the row aligned under TableHeader; pipe is the pipe's
// row at the same size, against which "× pipe" compares the throughput.
func (r *Row) Format(pipe *Row) string {
	get := func(f map[string]string, k string) string {
		if v, ok := f[k]; ok {
			return v
		}
		return "-"
	}
	times := "-"
	if pipe != nil && r.Thr != nil && pipe.Thr != nil {
		times = ratio(r.Thr["msgs_per_s"], pipe.Thr["msgs_per_s"])
	}
	return pad(sizeText(r.Size), 8) + "  " + pad(mechName(r.Mech), -14) +
		pad(get(r.Thr, "msgs_per_s"), 15) + pad(get(r.Thr, "mb_per_s"), 9) + pad(times, 8) +
		pad(get(r.Lat, "rtt_p50_ns"), 13) + pad(get(r.Lat, "rtt_p99_ns"), 9) + "\n"
}

// sizeText says a message size the short way: 64 B, 4 KiB.
func sizeText(n int) string {
	if n >= 1024 && n%1024 == 0 {
		return text.Itoa(n/1024) + " KiB"
	}
	return text.Itoa(n) + " B"
}

// ratio divides two rates written with one decimal ("1520738.3"), to two
// decimals; "-" if either is not such a number.
func ratio(a, b string) string {
	x, okx := tenths(a)
	y, oky := tenths(b)
	if !okx || !oky || y == 0 {
		return "-"
	}
	return fixed(x, y, 0, 2)
}

// tenths reads "1520738.3" as 15207383.
func tenths(s string) (uint64, bool) {
	i := strings.IndexByte(s, '.')
	if i < 0 || len(s) != i+2 {
		return 0, false
	}
	v, ok, _ := text.ParseInt(s[:i] + s[i+1:])
	return uint64(v), ok && v >= 0
}
