package pipelab

import (
	"errors"
	"io"
	"ipclab/internal/cli"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/fd"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/ipc"
)

// check accepts every option: the Linux build has them all.
func (e end) check() error { return nil }

// open turns on -trace and opens the end: the FIFO, or descriptor 1 (send)
// or 0 (recv). done closes it and removes a FIFO this process made.
func (e end) open(stderr io.Writer) (p io.ReadWriteCloser, done func(), err error) {
	role, flags, std := "recv", unix.O_RDONLY, 0
	if e.write {
		role, flags, std = "send", unix.O_WRONLY, 1
	}
	lab.Trace(e.trace, stderr, role)
	fd, done, err := endpoint(e.fifo, flags, std, e.trace, stderr)
	if err != nil {
		return nil, nil, err
	}
	return pipeEnd(fd), done, nil
}

// endpoint opens the FIFO at path (making it if missing) with flags, or
// returns std when path is empty. done closes it and removes a FIFO this
// process made. A receiver says on stderr what it waits on.
//
// One receiver and one sender at a time (lab.Claim, slot 0 or 1): another
// is refused before it reads or writes a byte. A receiver takes its lock
// before it waits, opening with O_NONBLOCK (which does not wait), so the
// first to come keeps the FIFO. A sender can only lock once open: with
// O_NONBLOCK it would fail while no receiver has the FIFO open, and a
// descriptor for reading would keep its writes from failing (EPIPE) when
// the receiver goes. Two senders waiting for a receiver both connect when
// it comes, and the first to lock stays.
//
// A FIFO this process makes must not outlive it, also when a signal kills
// it, perhaps while it waits in open(2) for the other side. The labs have
// no signal handlers (see package proc); instead a guard child makes the
// FIFO, and removes it when its lifeline says this process is gone.
func endpoint(path string, flags, std int, trace bool, stderr io.Writer) (fd int, done func(), err error) {
	if path == "" {
		return std, func() {}, nil
	}
	g, made, err := guardFIFO(path, trace)
	if err != nil {
		return -1, nil, err
	}
	if flags == unix.O_RDONLY {
		if fd, err = claim(path, unix.O_RDONLY|unix.O_NONBLOCK, 0); err == nil {
			io.WriteString(stderr, "pipelab: waiting on the FIFO "+path+" for a sender: pipelab send -fifo "+path+" FILE\n")
			// Opened so, the FIFO reads as ended while no sender has come:
			// wait for one (poll: data, or a sender come and gone). A
			// sender may have come, sent, and removed the FIFO it made
			// already; but if the name goes while none has come, none
			// will: the FIFO was an earlier run's, which removed it.
			var st unix.Stat_t
			for !proc.Poll(fd, 1000) && err == nil {
				if err = unix.Fstat(fd, &st); err == nil && st.Nlink == 0 {
					err = errStale(path)
				}
			}
			if err == nil {
				err = syscall.SetNonblock(fd, false)
			}
			if err != nil {
				ipc.Close(fd)
			}
		}
	} else {
		fd, err = claim(path, flags, 1)
	}
	if err != nil {
		fd = -1
	}
	done = func() {
		// The writer's end is closed by sender, after the end marker (the
		// reader sees end of file then); the reader's here.
		if fd >= 0 && flags == unix.O_RDONLY {
			ipc.Close(fd)
		}
		if made {
			unix.Unlink(path)
		}
		g.Close()
	}
	if err != nil {
		done()
		return -1, nil, err
	}
	return fd, done, nil
}

// claim opens the FIFO at path with flags and takes slot's lock on it:
// the receiver's (0) or the sender's (1).
func claim(path string, flags int, slot int64) (int, error) {
	fd, err := ipc.OpenFIFO(path, flags)
	if err != nil {
		return -1, err
	}
	lock := ipc.Lock
	if slot == 0 {
		lock = ipc.LockRead // the receiver's descriptor is for reading
	}
	ok, err := lab.Claim(lock, fd, slot, "the FIFO "+path)
	if err == nil && !ok && slot == 1 {
		err = errStale(path) // see endpoint for the receiver's
	}
	if err != nil {
		ipc.Close(fd)
		return -1, err
	}
	return fd, nil
}

// errStale says that the FIFO at path went away while this process used it.
func errStale(path string) error {
	return errors.New(path + " was removed while this opened it: run again")
}

// guardFIFO starts the guard, which makes the FIFO and says on a pipe
// whether it did: a byte, 0 or mkfifo's errno (EEXIST: there was one).
func guardFIFO(path string, trace bool) (g *proc.Group, made bool, err error) {
	g, err = proc.NewGroup("pipelab", fd.Stdout, fd.Stderr)
	if err != nil {
		return nil, false, err
	}
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return nil, false, ipc.NewSyscallError("pipe2", err)
	}
	args := []string{path}
	if trace {
		args = []string{"-trace", path}
	}
	_, err = g.Start("guard", []int{p[1]}, args...)
	syscall.Close(p[1])
	var b [1]byte
	if err == nil {
		if n, _ := syscall.Read(p[0], b[:]); n != 1 {
			err = g.Wait() // it died: say how
		}
	}
	syscall.Close(p[0])
	if e := unix.Errno(b[0]); err == nil && e != 0 && e != unix.EEXIST {
		err = ipc.NewSyscallError("mkfifo", e)
	}
	if err != nil {
		g.Close()
		return nil, false, err
	}
	return g, b[0] == 0, nil
}

// guard is the guard child: it makes the FIFO at path, reports on
// descriptor FirstFD, and waits. If its parent dies first it removes the
// FIFO, quietly; else the parent removes it and kills the guard.
func guard(path string) error {
	proc.OnOrphan(func() {
		unix.Unlink(path)
		syscall.Exit(0)
	})
	var e unix.Errno
	if err := ipc.Mkfifo(path, 0o600); err != nil {
		var ok bool
		if e, ok = cli.As[unix.Errno](err); !ok {
			e = unix.EINVAL // NUL in the path
		}
	}
	syscall.Write(proc.FirstFD, []byte{byte(e)})
	if e != 0 {
		return nil
	}
	select {} // the lifeline's watcher ends the process
}
