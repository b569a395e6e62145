//go:build linux

package shmlab

import (
	"errors"
	"io"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// namedItems is the capacity of a named segment: the reader may create it
// before any writer says how many items there are.
const namedItems = 1 << 16

const namedSize = offResult + 8*namedItems

// named runs a subcommand on a named segment: args[0] is write, read or
// rm.
func named(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := args[0]
	fs := Command.Sub(cmd).Flags(stdout)
	where := lab.WhereFlags(fs)
	trace := fs.Bool("trace")
	timeout := new(int64)
	if cmd == "read" {
		timeout = fs.Duration("timeout", 0)
	}
	rest, err := fs.Parse(args[1:])
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
		return cli.Usage("unexpected argument " + rest[0])
	}
	var values []int64
	if cmd == "write" {
		d, err := input.Load(rest, stdin, stdout, false, shmLab.Prompts)
		if err == nil {
			err = check(d)
		}
		if err != nil {
			return err
		}
		values = d.Values
	}
	lab.Trace(*trace, stderr, cmd)
	if cmd == "rm" {
		return remove(where)
	}
	seg, created, err := openNamed(where, cmd == "read")
	if err != nil {
		return err
	}
	if cmd == "read" && atomic.LoadUint32(word(seg, offDone)) == 0 {
		io.WriteString(stderr, "shmlab: waiting on "+where.Describe("segment", "/dev/shm")+" for a writer: shmlab write "+where.Args()+" FILE\n")
	}
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
		err = writeResults(seg, values, stdout)
	} else {
		// Only the writer's FUTEX_WAKE ends a sleep early, so one sleep
		// of the whole timeout is the wait (a spurious wake-up restarts it).
		var ts *ipc.Timespec
		if *timeout > 0 {
			t := unix.NsecToTimespec(*timeout)
			ts = &t
		}
		end := now() + *timeout
		err = await(seg, ts, func() error {
			if ts != nil && now() >= end {
				return errors.New("timed out after " + text.FormatDuration(*timeout) + " waiting for a writer")
			}
			return nil
		})
		if err == nil {
			err = report(stdout, "main program", seg)
			created = true // the reader removes the segment in any case
		}
	}
	unmap(seg, where.SysV)
	if err != nil {
		drop()
		return err
	}
	if cmd == "read" {
		return remove(where)
	}
	return nil
}

// openNamed opens the named segment and maps it, creating it (exclusively,
// mode 0600) if it does not exist yet; created says which happened. When
// both sides create at once, one wins the exclusive create and the other
// opens; if the segment goes away in between, it tries again. A reader of
// a POSIX segment keeps its descriptor, with a lock (lab.Claim) that
// refuses a second reader; writers have the claim word (fill). A System V
// segment has no descriptor to lock: two readers of one key both read.
func openNamed(w *lab.Where, read bool) (seg []byte, created bool, err error) {
	for {
		if w.SysV {
			var id int
			id, err = ipc.ShmGet(w.Key, namedSize, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
			created = err == nil
			if errors.Is(err, unix.EEXIST) {
				id, err = ipc.ShmGet(w.Key, 0, 0)
			}
			if err == nil {
				seg, err = attachID(id, namedSize)
			} else {
				err = shmAdvice(err, namedSize)
			}
		} else {
			var fd int
			fd, err = ipc.ShmOpen(w.Name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600)
			created = err == nil
			if errors.Is(err, unix.EEXIST) {
				fd, err = ipc.ShmOpen(w.Name, unix.O_RDWR, 0)
			}
			if err == nil {
				// Both sides size it: the opener may get there first.
				seg, err = mapFD(fd, namedSize)
				ok := !read
				if err == nil && read {
					ok, err = lab.Claim(ipc.Lock, fd, 0, w.Describe("segment", "/dev/shm"))
					if !ok { // another reader's, or removed before the lock (again)
						created = false
						ipc.Munmap(seg)
					}
					if !ok && err == nil {
						err = unix.ENOENT
					}
				}
				if !ok {
					ipc.Close(fd)
				}
			}
		}
		if err == nil {
			return seg, created, nil
		}
		if created {
			remove(w)
		}
		if !errors.Is(err, unix.ENOENT) {
			return nil, false, err
		}
	}
}

// remove removes a named segment: at once from /dev/shm (shm_unlink), or
// its key from the System V table (shmctl IPC_RMID); either lives on while
// a process has it mapped.
func remove(w *lab.Where) error {
	var err error
	what := w.Name
	if w.SysV {
		what = "with key " + text.Itoa(w.Key)
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

// NamedState tells ipclab clean about the /dev/shm object open at fd: lab
// is whether it has a named segment's size, claimed whether a writer has
// taken it (and then holds results no reader took, or is at work).
func NamedState(fd int) (lab, claimed bool) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Size != namedSize {
		return false, false
	}
	seg, err := ipc.Mmap(fd, namedSize)
	if err != nil {
		return false, false
	}
	claimed = atomic.LoadUint32(word(seg, offClaim)) != 0
	ipc.Munmap(seg)
	return true, claimed
}
