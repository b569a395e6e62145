//go:build linux

package shmlab

import (
	"errors"
	"io"
	"syscall"

	"ipclab/internal/bench"
	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/internal/text"
	"ipclab/ipc"
)

var shmLab = &lab.Lab{Command: Command, Prompts: Prompts}

func init() {
	Command.Run = run
	Command.Child = func(role string, args []string, stdout, stderr io.Writer) error {
		return child(role, args, stdout)
	}
	for _, c := range Command.Subs {
		c.Run = named
	}
	Command.Subs = append(Command.Subs, bench.Command("shmlab", bench.Shm, nil))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	r := shmLab.Flags(stdout)
	// One call in a loop: each inlined definition costs the binary bytes.
	var opts [4]*bool
	for i, name := range []string{"sysv", "posix", "memfd", "stream"} {
		opts[i] = r.Flags.Bool(name)
	}
	sysv, posix, memfd, streaming := opts[0], opts[1], opts[2], opts[3]
	count := r.Flags.Int("count", 0)
	rest, err := r.Flags.Parse(args[1:])
	if err != nil {
		return err
	}
	kind := "sysv"
	switch {
	case *posix && (*sysv || *memfd), *memfd && *sysv:
		return cli.Usage("choose one of -sysv, -posix and -memfd")
	case *posix:
		kind = "posix"
	case *memfd:
		kind = "memfd"
	}
	if *count < 0 || *count > 0 && (!*streaming || len(rest) > 0 || r.Dialogue()) {
		return cli.Usage("-count N goes with -stream, without FILE or -i: p1 makes the items 1..N")
	}
	var values []int64
	if *count == 0 {
		s, err := r.Items(rest, stdin, stdout)
		if err != nil {
			return err
		}
		// The lab refuses items whose results or sum overflow, saying
		// where (-stream only passes them on).
		var sum int64
		check := func(v int64) error {
			x, ok := input.Mul10(v)
			if !ok {
				return s.Err(text.Int64(v) + " * 10 overflows a 64-bit integer")
			}
			if sum, ok = input.Add(sum, x); !ok {
				return s.Err("the sum overflows a 64-bit integer")
			}
			return nil
		}
		if *streaming {
			check = nil
		}
		if values, err = s.Values(check); err != nil {
			return err
		}
	}
	g, err := r.Group(args[0], stdout, stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	// The lab's segment holds the results; -stream's a ring, which p1
	// fills and p2 empties.
	size, roles, cargs := offResult+8*len(values), []string{"p1"}, []string(nil)
	if *streaming {
		size, roles, cargs = streamSize, []string{"p2", "p1"}, []string{"stream", text.Itoa(*count)}
	}
	seg, files, sargs, err := create(g, kind, size)
	if err != nil {
		return err
	}
	data, err := proc.DataFile(values)
	if err != nil {
		return err
	}
	// Every child gets the data on fd 3, the segment's descriptor, if it
	// has one, on the next (see attach).
	files[0] = data
	cargs = append(cargs, sargs...)
	g.Describe(data, "the items, in a memory file the parent wrote")
	if len(files) > 1 {
		g.Describe(files[1], "the shared memory's file, to map")
	}
	for _, role := range roles {
		if _, err = g.Start(role, files, cargs...); err != nil {
			break
		}
	}
	syscall.Close(data)
	if len(files) > 1 {
		ipc.Close(files[1]) // the segment's
	}
	if err != nil {
		return err
	}
	if !*streaming {
		// Sleep on the futex word, waking every tenth of a second to see
		// whether p1 died or a signal came instead.
		err = await(seg, &ipc.Timespec{Nsec: 100e6}, g.Check)
		if err == nil {
			if ipc.Tracing() {
				ipc.TraceNote("reads result and sum in the segment: loads from shared memory, no system call")
			}
			err = report(g.Stdout(stdout), "main program", seg)
		}
		if err != nil {
			return err
		}
	}
	return g.Wait()
}

// check refuses data whose results or sum overflow, saying where.
func check(d *input.Data) error {
	results, err := d.Times10()
	if err == nil {
		_, err = d.Sum(results)
	}
	return err
}

// child runs p1 or p2. args are the segment's (see attach), after
// "stream N" for -stream, where p1 makes the items 1..N, or with N = 0
// reads them as the lab's p1 does.
func child(role string, args []string, stdout io.Writer) error {
	count := -1 // the lab
	if len(args) > 2 && args[0] == "stream" {
		count, _ = text.Atoi(args[1])
		args = args[2:]
	}
	if len(args) == 0 || role != "p1" && (role != "p2" || count < 0) {
		return errors.New(role + ": bad arguments")
	}
	values, err := proc.ReadData(proc.FirstFD)
	size := offResult + 8*len(values)
	if count >= 0 {
		size = streamSize
	}
	var seg []byte
	var sysv bool
	if err == nil {
		seg, sysv, err = attach(args, size)
	}
	if err == nil {
		if count >= 0 {
			err = stream(role, int64(count), values, seg, stdout)
		} else {
			err = writeResults(seg, values, stdout)
		}
		unmap(seg, sysv)
	}
	if err != nil {
		return errors.New(role + ": " + err.Error())
	}
	return nil
}
