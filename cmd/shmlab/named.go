//go:build linux

package main

import (
	"errors"
	"io"
	"strconv"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/text"
	"ipclab/ipc"
)

const namedUsage = `Usage: shmlab write -name NAME [-trace] [FILE]
       shmlab read -name NAME [-timeout D] [-trace]
       shmlab rm [-trace] NAME
  with -sysv -key K instead of a NAME for a System V segment.

Two unrelated processes meet at a named segment: write (p1's half of the
lab) stores ten times each integer in FILE (or standard input) and their
sum in it and wakes the reader (futex FUTEX_WAKE); read (the main
program's half) sleeps on the segment's futex word until then, prints
what it finds and removes the segment. Whichever comes first creates it
(mode 0600, exclusive create; the other opens it), so its size is fixed:
a named segment holds at most 65536 items (512 KiB). NAME is a POSIX name
(/dev/shm/NAME; a leading / is added; no other /; at most 255 bytes); K a
non-zero key such as 42 or 0x2a.

Options:
  -name NAME    the POSIX shared memory object /dev/shm/NAME
  -sysv -key K  the System V segment with key K instead
  -timeout D    read: give up when no writer has published within D
                (500ms, 2s, 1m); 0, the default, waits for ever
  -trace        print each IPC system call to standard error

Example: shmlab read -name lab &  shmlab write -name lab testdata/shm.txt
         shmlab write -sysv -key 42 testdata/shm.txt; shmlab rm -sysv -key 42
`

// namedItems is the capacity of a named segment: the reader may create it
// before any writer says how many items there are.
const namedItems = 1 << 16

const namedSize = offResult + 8*namedItems

// named runs a subcommand on a named segment.
func named(cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("shmlab "+cmd, namedUsage, stdout)
	where := lab.WhereFlags(fs)
	trace := fs.Bool("trace")
	timeout := new(int64)
	if cmd == "read" {
		timeout = fs.Duration("timeout", 0)
	}
	rest, err := fs.Parse(args)
	if err != nil {
		return err
	}
	arg := ""
	if cmd == "rm" && len(rest) > 0 {
		arg, rest = rest[0], rest[1:]
	}
	if err := where.Resolve(arg); err != nil {
		return err
	}
	if cmd != "write" && len(rest) > 0 {
		return cli.Usage("unexpected argument " + rest[0] + " (see shmlab " + cmd + " -h)")
	}
	var values []int64
	if cmd == "write" {
		d, err := input.Load(rest, stdin, stdout, false, shmLab.Prompts)
		if err != nil {
			return err
		}
		results, err := d.Times10()
		if err != nil {
			return err
		}
		if _, err := d.Sum(results); err != nil {
			return err
		}
		if len(d.Values) > namedItems {
			return errors.New("a named segment holds at most " + strconv.Itoa(namedItems) +
				" items; the data have " + strconv.Itoa(len(d.Values)) + " (the lab itself, or -stream, takes any number)")
		}
		values = d.Values
	}
	lab.Trace(*trace, stderr, cmd)
	if cmd == "rm" {
		return remove(where)
	}
	seg, created, err := openNamed(where)
	if err != nil {
		return err
	}
	defer unmap(seg, where.SysV)
	// Whoever made the segment removes it if it stops on an error; read
	// removes it once it has taken the data. A named segment is meant to
	// outlive its users, so one left by a killed reader stays until
	// "shmlab rm" (as mqlab's named queues do).
	drop := func() {
		if created {
			remove(where)
		}
	}
	if cmd == "write" {
		res, sum, err := fill(seg, values)
		if err == nil {
			if err = report(stdout, "process p1", res, sum); err == nil {
				return publish(seg)
			}
			atomic.StoreUint32(word(seg, offClaim), 0) // let another writer try
		}
		drop()
		if err == errTaken {
			err = cli.Advise(err, "shmlab read it, or shmlab rm it")
		}
		return err
	}
	end := now() + *timeout
	err = await(seg, func() (*ipc.Timespec, error) {
		if *timeout == 0 {
			return nil, nil
		}
		left := end - now()
		if left <= 0 {
			return nil, errors.New("timed out after " + text.FormatDuration(*timeout) + " waiting for a writer")
		}
		ts := unix.NsecToTimespec(left)
		return &ts, nil
	})
	if err != nil {
		drop()
		return err
	}
	res, sum := view(seg)
	if err := report(stdout, "main program", res, *sum); err != nil {
		return err
	}
	return remove(where)
}

// openNamed opens the named segment and maps it, creating it (exclusively,
// mode 0600) if it does not exist yet; created says which happened. When
// both sides create at once, one wins the exclusive create and the other
// opens; if the segment goes away in between, it tries again.
func openNamed(w *lab.Where) (seg []byte, created bool, err error) {
	for {
		if w.SysV {
			seg, created, err = openSysV(w.Key)
		} else {
			seg, created, err = openPOSIX(w.Name)
		}
		if !errors.Is(err, unix.ENOENT) {
			return seg, created, err
		}
	}
}

func openSysV(key int) ([]byte, bool, error) {
	id, err := ipc.ShmGet(key, namedSize, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	created := err == nil
	if errors.Is(err, unix.EEXIST) {
		if id, err = ipc.ShmGet(key, namedSize, 0); errors.Is(err, unix.EINVAL) {
			return nil, false, cli.Advise(err, "the segment with key "+strconv.Itoa(key)+
				" is smaller than shmlab's "+strconv.Itoa(namedSize)+" bytes: not shmlab's")
		}
	}
	if err != nil {
		return nil, false, shmAdvice(err, namedSize)
	}
	seg, err := ipc.ShmAttach(id, 0)
	if err != nil && created {
		ipc.ShmRemove(id)
	}
	return seg, created, err
}

func openPOSIX(name string) ([]byte, bool, error) {
	fd, err := ipc.ShmOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600)
	created := err == nil
	if errors.Is(err, unix.EEXIST) {
		fd, err = ipc.ShmOpen(name, unix.O_RDWR, 0)
	}
	if err != nil {
		return nil, false, err
	}
	defer ipc.Close(fd)
	// Both sides size it: the opener may get there before the creator.
	seg, err := mapFD(fd, namedSize)
	if err != nil && created {
		ipc.ShmUnlink(name)
	}
	return seg, created, err
}

// remove removes a named segment: at once from /dev/shm (shm_unlink), or
// its key from the System V table (shmctl IPC_RMID); either lives on while
// a process has it mapped.
func remove(w *lab.Where) error {
	var err error
	what := text.Quote(w.Name)
	if w.SysV {
		what = "with key " + strconv.Itoa(w.Key)
		var id int
		if id, err = ipc.ShmGet(w.Key, 0, 0); err == nil {
			err = ipc.ShmRemove(id)
		}
	} else {
		err = ipc.ShmUnlink(w.Name)
	}
	if errors.Is(err, unix.ENOENT) {
		return cli.Advise(err, "there is no segment "+what)
	}
	return err
}
