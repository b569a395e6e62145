package bench

import (
	"maps"
	"testing"
	"unicode/utf8"
)

func TestParseJSON(t *testing.T) {
	for _, c := range []struct {
		line string
		want map[string]string // nil: an error
	}{
		{`{"impl":"c-ref","mech":"pipe","size":64,"seconds":0.031}` + "\n",
			map[string]string{"impl": "c-ref", "mech": "pipe", "size": "64", "seconds": "0.031"}},
		{`{}`, map[string]string{}},
		{`{"a":""}`, map[string]string{"a": ""}},
		{``, nil},
		{`{"a":1,}`, nil},
		{`{"a":}`, nil},
		{`{"a" 1}`, nil},
		{`{a:1}`, nil},
		{`{"a":"x}`, nil},
		{`pipelab: bench: message 3 came as number 4`, nil},
	} {
		got, err := ParseJSON(c.line)
		if c.want == nil && err == nil || c.want != nil && (err != nil || !maps.Equal(got, c.want)) {
			t.Errorf("ParseJSON(%q) = %v, %v; want %v", c.line, got, err, c.want)
		}
	}
	r := Result{Impl: "ipclab", Mech: "sysv", Mode: "lat", Size: 64, Count: 7, Nanos: 1e6, P50: 100, P99: 200}
	got, err := ParseJSON(r.Format(true))
	if err != nil || got["mech"] != "sysv" || got["msgs_per_s"] != "7000.0" || got["rtt_p99_ns"] != "200" || len(got) != len(refFields) {
		t.Errorf("ParseJSON(Format(json)) = %v, %v", got, err)
	}
}

func TestRow(t *testing.T) {
	pipe := &Row{Size: 64, Mech: "pipe",
		Thr: map[string]string{"msgs_per_s": "1000000.0", "mb_per_s": "64.00"},
		Lat: map[string]string{"rtt_p50_ns": "5000", "rtt_p99_ns": "9000"}}
	shm := &Row{Size: 65536, Mech: "shm", Thr: map[string]string{"msgs_per_s": "2500000.0", "mb_per_s": "160.00"}}
	for _, c := range []struct {
		r, pipe *Row
		want    string
	}{
		{pipe, pipe, "    64 B  pipe                1000000.0    64.00    1.00         5000     9000\n"},
		{shm, pipe, "  64 KiB  shared memory       2500000.0   160.00    2.50            -        -\n"},
		{shm, nil, "  64 KiB  shared memory       2500000.0   160.00       -            -        -\n"},
	} {
		if got := c.r.Format(c.pipe); got != c.want {
			t.Errorf("Format =\n%q, want\n%q", got, c.want)
		}
	}
	if h, r := utf8.RuneCountInString(TableHeader), utf8.RuneCountInString(pipe.Format(pipe)); h != r {
		t.Errorf("TableHeader is %d characters wide, rows %d:\n%s%s", h, r, TableHeader, pipe.Format(pipe))
	}
}
