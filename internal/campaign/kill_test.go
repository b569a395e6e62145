//go:build linux

package campaign

import (
	"bytes"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ipclab/internal/labtest"
	"ipclab/internal/proc"
)

// hang is how long the survivors of a kill may take before the trial
// fails as a hang: not a speed limit (the soak's summary reports the
// times), a guard against a stuck run.
const hang = 30 * time.Second

// TestKill is the kill campaign: for each mechanism, -trials times each,
// SIGKILL p1, p2 or the parent at a random point of a run of -items
// items. The lab is held on its full output pipe until its children
// exist, then let go; the kill comes after a random delay shorter than a
// whole run takes (timed by a first, undisturbed run, which is checked
// too). Every trial: the parent of a killed child exits 1 saying
// "NAME: p1 killed by signal 9"; the children of a killed parent exit 1
// saying "NAME: p1: the parent went away" (or 0, silent, if they had
// finished); no process and no IPC object is left. A kill that came after
// the victim had finished ("late") leaves a complete run, checked whole.
func TestKill(t *testing.T) {
	t.Logf("seed %d", *seed)
	rng := rand.New(rand.NewPCG(*seed, 0))
	clean := labtest.Build(t, "ipclab")
	in := input(t, *items)
	rows := [][]string{{"mechanism", "victim", "trials", "killed", "late", "failed", "max kill→gone", "> 1 s", "procs left", "objects left"}}
	var total, failed, late, slow, leaks int
	var worst time.Duration
	for _, m := range killMechs {
		bin := labtest.Build(t, m.lab)
		args := m.labArgs(*items, in)
		var whole time.Duration
		t.Run(m.name+"/undisturbed", func(t *testing.T) { whole = calibrate(t, m, bin, args) })
		if whole == 0 {
			continue
		}
		for _, victim := range append(slices.Clone(m.roles), "parent") {
			var st killStats
			t.Run(m.name+"/"+victim, func(t *testing.T) {
				for i := 0; i < *trials; i++ {
					delay := time.Duration(rng.Int64N(int64(whole)))
					st.add(killTrial(t, m, bin, clean, args, victim, delay))
				}
			})
			rows = append(rows, []string{m.name, victim, strconv.Itoa(st.trials), strconv.Itoa(st.killed), strconv.Itoa(st.late),
				strconv.Itoa(st.failed), ms(st.max), strconv.Itoa(st.slow), strconv.Itoa(st.procs), strconv.Itoa(st.objects)})
			total += st.trials
			failed += st.failed
			late += st.late
			slow += st.slow
			leaks += st.procs + st.objects
			worst = max(worst, st.max)
		}
	}
	table("Kill campaign: "+strconv.Itoa(*trials)+" trials per mechanism and victim, "+strconv.Itoa(*items)+
		" items per run, seed "+strconv.FormatUint(*seed, 10), rows)
	table("Kill campaign, total", [][]string{
		{"trials", "failed", "late kills", "max kill→gone", "over 1 s", "leaks found"},
		{strconv.Itoa(total), strconv.Itoa(failed), strconv.Itoa(late), ms(worst), strconv.Itoa(slow), strconv.Itoa(leaks)},
	})
}

// calibrate runs the lab undisturbed, held like a trial until its
// children exist, checks its output and returns how long the rest took.
func calibrate(t *testing.T, m mech, bin string, args []string) time.Duration {
	r := start(t, bin, args...)
	labtest.WaitChildren(t, r.pid, m.roles...)
	t0 := time.Now()
	errc := collect(r.err)
	checked := make(chan error, 1)
	go func() { checked <- m.check(r.out, *items); r.out.Close() }()
	ws := r.wait()
	whole := time.Since(t0)
	if err := <-checked; err != nil {
		t.Errorf("%s %q: %v", m.lab, args, err)
	}
	if e := <-errc; ws != 0 || len(e) > 0 {
		t.Errorf("%s %q: %s, stderr %q; want success", m.lab, args, proc.Describe(ws), e)
	}
	labtest.CheckClean(t, r.pid)
	if t.Failed() {
		return 0
	}
	t.Logf("%s %q: %v from the children's start to the end", m.lab, args, whole)
	return whole
}

// A killOutcome is one trial's.
type killOutcome struct {
	killed, late, failed bool
	gone                 time.Duration // from the kill to the last process's end
	procs, objects       int           // left behind
}

type killStats struct {
	trials, killed, late, failed, slow, procs, objects int
	max                                                time.Duration
}

func (s *killStats) add(o killOutcome) {
	s.trials++
	if o.killed {
		s.killed++
		s.max = max(s.max, o.gone)
		if o.gone > time.Second {
			s.slow++
		}
	}
	if o.late {
		s.late++
	}
	if o.failed {
		s.failed++
	}
	s.procs += o.procs
	s.objects += o.objects
}

// killTrial runs one trial: the lab with args, victim SIGKILLed delay
// after the children exist and the output flows.
func killTrial(t *testing.T, m mech, bin, clean string, args []string, victim string, delay time.Duration) (o killOutcome) {
	t.Helper()
	errors0 := t.Failed()
	defer func() { o.failed = t.Failed() && !errors0 }()
	r := start(t, bin, args...)
	kids := labtest.WaitChildren(t, r.pid, m.roles...)
	outc, errc := collect(r.out), collect(r.err)
	time.Sleep(delay)
	target := r.pid
	if victim != "parent" {
		target = kids[victim]
	}
	t0 := time.Now()
	syscall.Kill(target, syscall.SIGKILL)
	hung := false
	guard := time.AfterFunc(hang, func() {
		hung = true
		syscall.Kill(r.pid, syscall.SIGKILL)
		for _, k := range kids {
			syscall.Kill(k, syscall.SIGKILL)
		}
	})
	ws := r.wait()
	gone := time.Since(t0)
	// The orphans of a killed parent are the test's now (a subreaper).
	status := map[string]syscall.WaitStatus{}
	if victim == "parent" {
		for role, pid := range kids {
			if kws, ok := reap(pid); ok {
				status[role] = kws
				gone = time.Since(t0)
			}
		}
	}
	out, stderr := <-outc, string(<-errc)
	guard.Stop()
	what := m.lab + " " + strings.Join(args, " ") + ", " + victim + " killed after " + delay.String()
	if hung {
		t.Errorf("%s: not over %v after the kill; stderr %q", what, hang, stderr)
	}
	o.gone = gone
	switch {
	case ws.Exited() && ws.ExitStatus() == 0:
		// The victim had finished: the run must be complete and right.
		o.late = true
		if err := m.check(bytes.NewReader(out), *items); err != nil || stderr != "" {
			t.Errorf("%s (too late, the lab succeeded): output: %v; stderr %q", what, err, stderr)
		}
	case victim != "parent":
		o.killed = true
		if want := m.lab + ": " + victim + " killed by signal 9\n"; !ws.Exited() || ws.ExitStatus() != 1 || stderr != want {
			t.Errorf("%s: parent %s, stderr %q; want status 1, %q", what, proc.Describe(ws), stderr, want)
		}
	default:
		o.killed = true
		if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Errorf("%s: parent %s; want killed by signal 9", what, proc.Describe(ws))
		}
		var want []string
		for role, kws := range status {
			switch {
			case kws.Exited() && kws.ExitStatus() == 1:
				want = append(want, m.lab+": "+role+": the parent went away")
			case kws.Exited() && kws.ExitStatus() == 0:
				// It had finished its part.
			default:
				t.Errorf("%s: orphan %s %s; want status 1 (or 0 if it had finished)", what, role, proc.Describe(kws))
			}
		}
		slices.Sort(want)
		got := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if stderr == "" {
			got = nil
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: stderr %q; want the lines %q (children %v)", what, stderr, want, describeAll(status))
		}
	}
	if left := labtest.Marked(t); len(left) > 0 {
		o.procs = len(left)
		t.Errorf("%s: processes left behind: %q", what, left)
		for _, p := range left {
			if pid, err := strconv.Atoi(strings.Fields(p)[0]); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	if objs := labtest.Objects(t, r.pid); len(objs) > 0 {
		o.objects = len(objs)
		b, err := exec.Command(clean, "clean", strconv.Itoa(r.pid)).CombinedOutput()
		t.Errorf("%s: IPC objects left behind: %q; ipclab clean %d: %v\n%s; left after it: %q", what, objs, r.pid, err, b, labtest.Objects(t, r.pid))
	}
	return o
}

func describeAll(status map[string]syscall.WaitStatus) map[string]string {
	d := map[string]string{}
	for role, ws := range status {
		d[role] = proc.Describe(ws)
	}
	return d
}
