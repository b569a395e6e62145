package bench

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// refFields are the fields of ref.c's line, in its order.
var refFields = []string{"impl", "mech", "mode", "size", "count", "seconds", "msgs_per_s", "mb_per_s", "rtt_p50_ns", "rtt_p99_ns"}

// jsonKeys returns the keys of the JSON object line in their order.
func jsonKeys(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	var keys []string
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s: not a JSON object: %v %v", line, tok, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		keys = append(keys, tok.(string))
		if _, err := dec.Token(); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	return keys
}

func TestFormatJSON(t *testing.T) {
	for _, c := range []struct {
		r    Result
		want map[string]any
	}{
		{
			Result{Impl: "ipclab", Mech: "pipe", Mode: "thr", Size: 64, Count: 100000, Nanos: 31460000},
			map[string]any{"impl": "ipclab", "mech": "pipe", "mode": "thr", "size": 64.0, "count": 100000.0,
				"seconds": 0.03146, "msgs_per_s": 3178639.5, "mb_per_s": 203.43, "rtt_p50_ns": 0.0, "rtt_p99_ns": 0.0},
		},
		{
			Result{Impl: "ipclab", Mech: "shm", Mode: "lat", Size: 4096, Count: 3, Nanos: 3000, P50: 900, P99: 1200},
			map[string]any{"impl": "ipclab", "mech": "shm", "mode": "lat", "size": 4096.0, "count": 3.0,
				"seconds": 0.000003, "msgs_per_s": 1000000.0, "mb_per_s": 8192.0, "rtt_p50_ns": 900.0, "rtt_p99_ns": 1200.0},
		},
	} {
		line := c.r.Format(true)
		if keys := jsonKeys(t, line); !slices.Equal(keys, refFields) {
			t.Errorf("Format(json) keys = %q, want ref.c's %q", keys, refFields)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("Format(json) = %s: %v", line, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Format(json) = %s\nwant %v", line, c.want)
		}
	}
}

func TestFormatLine(t *testing.T) {
	for _, c := range []struct {
		r    Result
		want string
	}{
		{Result{Mech: "pipe", Mode: "thr", Size: 64, Count: 100000, Nanos: 31460000},
			"pipe  thr      64 B     3178639.5 msgs/s    203.43 MB/s"},
		{Result{Mech: "sysv", Mode: "lat", Size: 65536, Count: 1000, Nanos: 5e6, P50: 4807, P99: 8362},
			"sysv  lat   65536 B      200000.0 msgs/s  26214.40 MB/s   rtt p50 4807 ns  p99 8362 ns"},
	} {
		if got := c.r.Format(false); got != c.want {
			t.Errorf("Format() =\n%q, want\n%q", got, c.want)
		}
	}
}

func TestFixed(t *testing.T) {
	for _, c := range []struct {
		num, den uint64
		exp, dec int
		want     string
	}{
		{3, 2, 0, 1, "1.5"},
		{1, 3, 0, 2, "0.33"},
		{2, 3, 0, 2, "0.67"},
		{1, 8, 0, 2, "0.13"}, // half up
		{1500, 1, -9, 6, "0.000002"},
		{1499, 1, -9, 6, "0.000001"},
		{31460000, 1, -9, 6, "0.031460"},
		{100000, 31460000, 9, 1, "3178639.5"},
		{7, 1, 0, 0, "7"},
		{1, 1, 9, 9, "1000000000.000000000"},
		{^uint64(0), 1, 9, 1, "1844674407370955161.5"}, // the largest quotient
	} {
		if got := fixed(c.num, c.den, c.exp, c.dec); got != c.want {
			t.Errorf("fixed(%d, %d, %d, %d) = %q, want %q", c.num, c.den, c.exp, c.dec, got, c.want)
		}
	}
}

// TestPercentile checks the selection against a sort, as ref.c picks:
// the element at len*pct/100.
func TestPercentile(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 10, 99, 100, 101, 1000, 12345} {
		for _, spread := range []int64{1, 3, 1000, 1 << 40} {
			x := make([]int64, n)
			for i := range x {
				x[i] = rnd.Int64N(spread)
			}
			sorted := slices.Sorted(slices.Values(x))
			for _, pct := range []int{0, 50, 99} {
				if got, want := Percentile(x, pct), sorted[n*pct/100]; got != want {
					t.Errorf("Percentile(%d values < %d, %d) = %d, want %d", n, spread, pct, got, want)
				}
			}
		}
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile(nil, 50) = %d, want 0", got)
	}
}
