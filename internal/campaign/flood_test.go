//go:build linux

package campaign

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ipclab/internal/labtest"
	"ipclab/internal/proc"
)

// floodRun runs m on n items and checks its output as it comes, its
// status and its standard error; it returns how long it took and what was
// wrong ("" if nothing). Leftovers are checked by the caller.
func floodRun(t testing.TB, m mech, n int) (time.Duration, int, string) {
	bin := labtest.Build(t, m.lab)
	args := m.labArgs(n, input(t, n))
	t0 := time.Now()
	r := start(t, bin, args...)
	errc := collect(r.err)
	checked := make(chan error, 1)
	go func() { checked <- m.check(r.out, n); r.out.Close() }()
	ws := r.wait()
	took := time.Since(t0)
	err := <-checked
	stderr := <-errc
	what := m.lab + " " + strings.Join(args, " ")
	switch {
	case err != nil:
		return took, r.pid, what + ": " + err.Error()
	case ws != 0 || len(stderr) > 0:
		return took, r.pid, what + ": " + proc.Describe(ws) + ", stderr " + strconv.Quote(string(stderr))
	}
	return took, r.pid, ""
}

// TestFlood pushes -flood messages, the sequence numbers 1..n, through
// each mechanism and checks that they come out complete, once each and in
// order (10*i at position i; the rings check a position-weighted checksum
// themselves; eight writers' records are checked by pipelab's reader).
func TestFlood(t *testing.T) {
	rows := [][]string{{"mechanism", "messages", "lost/repeated/reordered", "time", "messages/s", "leaks"}}
	for _, m := range floodMechs {
		t.Run(m.name, func(t *testing.T) {
			took, pid, bad := floodRun(t, m, *flood)
			if bad != "" {
				t.Error(bad)
			}
			labtest.CheckClean(t, pid)
			verdict := "0"
			if t.Failed() {
				verdict = "FAILED"
			}
			rows = append(rows, []string{m.name, strconv.Itoa(*flood), verdict, ms(took),
				strconv.FormatFloat(float64(*flood)/took.Seconds(), 'f', 0, 64), strconv.Itoa(len(labtest.Objects(t, pid)))})
		})
	}
	table("Flood: the sequence numbers 1.."+strconv.Itoa(*flood)+" through each mechanism", rows)
}

// TestConcurrent runs -runs labs at once, the mechanisms in turn, each
// on -runitems items: every one must be right, and none may meet
// another's objects (names and keys carry the pid; creation is exclusive,
// so a collision would be an error).
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var pids []int
	var bad []string
	t0 := time.Now()
	for i := 0; i < *runs; i++ {
		m := floodMechs[i%len(floodMechs)]
		input(t, *runItems)
		wg.Go(func() {
			_, pid, why := floodRun(t, m, *runItems)
			mu.Lock()
			defer mu.Unlock()
			pids = append(pids, pid)
			if why != "" {
				bad = append(bad, why)
			}
		})
	}
	wg.Wait()
	took := time.Since(t0)
	for _, b := range bad {
		t.Error(b)
	}
	leaks := len(labtest.Marked(t))
	if leaks > 0 {
		t.Errorf("processes left behind: %q", labtest.Marked(t))
	}
	for _, pid := range pids {
		if objs := labtest.Objects(t, pid); len(objs) > 0 {
			leaks += len(objs)
			t.Errorf("IPC objects left behind by pid %d: %q", pid, objs)
		}
	}
	table("Concurrent: "+strconv.Itoa(*runs)+" lab runs at once, "+strconv.Itoa(*runItems)+" items each", [][]string{
		{"runs", "mechanisms", "wrong", "leaks", "time"},
		{strconv.Itoa(*runs), strconv.Itoa(min(*runs, len(floodMechs))), strconv.Itoa(len(bad)), strconv.Itoa(leaks), ms(took)},
	})
}
