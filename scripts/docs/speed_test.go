package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpeedTables: the tables of make bench's and make labspeed's runs,
// from small files of each.
func TestSpeedTables(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "docs", "measured"), 0o755)
	bench := `{"impl":"ipclab","mech":"pipe","mode":"thr","size":64,"msgs_per_s":2000000}
{"impl":"c-ref","mech":"pipe","mode":"thr","size":64,"msgs_per_s":1000000}
{"impl":"ipclab","mech":"pipe","mode":"thr","size":64,"msgs_per_s":1000000}
{"impl":"c-ref","mech":"pipe","mode":"thr","size":64,"msgs_per_s":1000000}
{"impl":"ipclab","mech":"shm","mode":"lat","size":4096,"msgs_per_s":1,"rtt_p50_ns":2000,"cpus":"0"}
{"impl":"c-ref","mech":"shm","mode":"lat","size":4096,"msgs_per_s":1,"rtt_p50_ns":1000,"cpus":"0"}
`
	labspeed := `{"runs": [
 {"date": "d1", "load": "2.50 1 1", "rows": [{"lab": "mqlab", "items": 1000, "lab_ms": [5, 7, 6], "sheet_ms": [180, 200, 190]},
  {"lab": "mqlab", "items": 100000, "lab_ms": [300], "sheet_ms": [10001], "sheet_killed": true}],
  "streams": [{"lab": "pipelab", "items": 3000000, "first_child_ms": [8, 9], "wall_s": [1.5, 1.7], "peak_rss_kb": [2048, 4096]}]},
 {"date": "d2", "load": "4.00 1 1", "rows": [{"lab": "mqlab", "items": 1000, "lab_ms": [10, 10, 10], "sheet_ms": [200, 200, 200]},
  {"lab": "mqlab", "items": 100000, "lab_ms": [500], "sheet_ms": [10002], "sheet_killed": true}],
  "streams": [{"lab": "pipelab", "items": 3000000, "first_child_ms": [10], "wall_s": [1.6], "peak_rss_kb": [3072]}]}]}
`
	os.WriteFile(filepath.Join(dir, "docs", "measured", "bench.json"), []byte(bench), 0o644)
	os.WriteFile(filepath.Join(dir, "docs", "measured", "labspeed.json"), []byte(labspeed), 0o644)
	defer func(r string) { root = r }(root)
	root = dir
	for _, c := range []struct {
		gen  func([]string) (string, error)
		want []string
	}{
		{benchTable, []string{
			"| pipe thr | 64 B | all | 1.5 M msgs/s | 1 M msgs/s | 1.00 / 1.50 / 2.00 (wide) | 2 |",
			"| shm lat | 4 KiB | one (0) | 2 µs | 1 µs | 0.50 / 0.50 / 0.50 | 1 |",
		}},
		{labspeedTable, []string{
			"| mqlab | 1,000 | 6.0–10.0 ms | 0.19–0.20 s | 20.0–31.7× |",
			"| mqlab | 100,000 | 300–500 ms | killed at 10 s (hangs) | over 20–33× |",
			"2 runs of make labspeed (d1 to d2; load average 2.5–4.0 at their starts), each the median of 3 runs of each side.",
		}},
		{streamTable, []string{"| pipelab | 3,000,000 | 8.0–10.0 ms | 1.50–1.70 s | 2.0–4.0 MiB |"}},
	} {
		got, err := c.gen(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(got, w+"\n") {
				t.Errorf("table lacks the line %q:\n%s", w, got)
			}
		}
	}
}
