//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"ipclab/internal/labtest"
	"ipclab/ipc"
)

// TestTraceOrder runs every lab with -trace while the machine is loaded
// (busy goroutines on every CPU, the labs themselves several at once), its
// output and trace on one stream as a terminal shows them, and checks the
// order the trace promises: lines in time order, every message's send
// before its receive, a child's descriptors before its first call, and the
// lab's own output lines after the calls that made them. It asserts no
// time: only order.
func TestTraceOrder(t *testing.T) {
	bin := labsDir(t)
	input, values := labtest.Numbers(300)
	var stop atomic.Bool
	var load sync.WaitGroup
	for range 2 * runtime.NumCPU() {
		load.Add(1)
		go func() {
			defer load.Done()
			for x := 0; !stop.Load(); x++ {
				_ = x * x
			}
		}()
	}
	defer func() { stop.Store(true); load.Wait() }()
	sent := func(prefix string) func(string) (bool, string) { // a line after a send of its value
		return func(l string) (bool, string) { return false, strings.TrimPrefix(l, prefix) }
	}
	got := func(l string) (bool, string) { return true, l } // after a receive of the value it is
	for _, c := range []struct {
		args []string
		// cause says which traced transfer an output line follows: a
		// receive (or a send) of the value it returns; "" for a line
		// that follows none.
		cause func(line string) (recv bool, v string)
	}{
		{[]string{"pipelab"}, func(l string) (bool, string) {
			if v, ok := strings.CutPrefix(l, "Messages Received: "); ok {
				return true, v
			}
			return sent("Messages Sent: ")(l)
		}},
		{[]string{"pipelab", "-duplex"}, func(l string) (bool, string) {
			if v, ok := strings.CutPrefix(l, "Ack: "); ok {
				return true, v
			}
			return sent("Messages Sent: ")(l)
		}},
		{[]string{"mqlab"}, got},
		{[]string{"mqlab", "-sysv"}, got},
		{[]string{"mqlab", "-notify"}, got},
		{[]string{"shmlab", "-stream"}, got},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Parallel()
			for range 3 {
				ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
				cmd := labtest.Command(ctx, bin, append(append([]string{c.args[0], "-trace"}, c.args[1:]...), "-")...)
				var both bytes.Buffer
				cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(input), &both, &both
				err := cmd.Run()
				cancel()
				if err != nil {
					t.Fatalf("%s -trace: %v\n%s", c.args, err, both.String())
				}
				labtest.CheckClean(t, cmd.Process.Pid)
				if err := checkOrder(both.String(), len(values), c.cause); err != nil {
					t.Fatalf("%s -trace: %v\n%s", c.args, err, both.String())
				}
			}
		})
	}
}

// A transfer's line: the object (the call's first argument, or the
// ring) and the value it moved.
var (
	sendRe = regexp.MustCompile(`^\[\w+\] (?:(?:write|mq_timedsend|msgsnd)\((\d+), (?:\{mtype=\d+, mtext=)?\[(-?\d+)\]|(ring)\[\d+\] = (-?\d+))`)
	recvRe = regexp.MustCompile(`^\[\w+\] (?:(?:read|mq_timedreceive|msgrcv)\((\d+), (?:\{mtype=\d+, mtext=)?\[(-?\d+)\]|took (-?\d+) from (ring))`)
	callRe = regexp.MustCompile(`^\[([a-z0-9]+)\] [a-z_0-9+]+\(`)
	number = regexp.MustCompile(`^-?\d+$`)
)

// checkOrder checks a run's combined output and trace (see
// TestTraceOrder): n values at least went through.
func checkOrder(both string, n int, cause func(string) (bool, string)) error {
	var last int64
	sends := map[string]int{}         // object and value: sends not yet received
	done := [2]map[string]int{{}, {}} // sends [0] and receives [1] of a value not yet reported
	noted, called := map[string]bool{}, map[string]bool{}
	moved := 0
	for i, line := range strings.Split(strings.TrimSuffix(both, "\n"), "\n") {
		at, _, role, text, ok := ipc.ParseTraceLine(line)
		if !ok { // the lab's output: after the transfer it reports
			recv, v := cause(line)
			k := 0
			if recv {
				k = 1
			}
			if number.MatchString(v) {
				if done[k][v] == 0 {
					return fmt.Errorf("line %d: %q before the transfer of %s", i+1, line, v)
				}
				done[k][v]--
			}
			continue
		}
		if at < last {
			return fmt.Errorf("line %d: time %d ns before the line above's %d", i+1, at, last)
		}
		last = at
		full := "[" + role + "] " + text
		if strings.HasPrefix(text, "fd ") {
			if called[role] {
				return fmt.Errorf("line %d: %s says what its descriptors are after a call", i+1, role)
			}
			noted[role] = true
		} else if callRe.MatchString(full) && role != "parent" {
			if !noted[role] {
				return fmt.Errorf("line %d: %s calls before it says what its descriptors are", i+1, role)
			}
			called[role] = true
		}
		if m := sendRe.FindStringSubmatch(full); m != nil {
			obj, v := m[1]+m[3], m[2]+m[4]
			sends[obj+" "+v]++
			done[0][v]++
		}
		if m := recvRe.FindStringSubmatch(full); m != nil {
			obj, v := m[1]+m[4], m[2]+m[3]
			if sends[obj+" "+v] == 0 {
				return fmt.Errorf("line %d: %q receives %s from %s before a send of it", i+1, full, v, obj)
			}
			sends[obj+" "+v]--
			done[1][v]++
			moved++
		}
	}
	if moved < n {
		return fmt.Errorf("%d values received in the trace, want at least %d", moved, n)
	}
	return nil
}
