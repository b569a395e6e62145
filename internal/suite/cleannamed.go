//go:build linux

package suite

import (
	"errors"

	"golang.org/x/sys/unix"

	labpkg "ipclab/internal/lab"
	"ipclab/internal/mqlab"
	"ipclab/internal/record"
	"ipclab/internal/shmlab"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// A named object (mqlab -name, shmlab -name) outlives its users on
// purpose, so clean removes one only if nothing is lost: it has the labs'
// shape (a queue of MaxMsg messages of record.Size bytes, a segment of a
// named segment's size), no process holds its locks (lab.Claim) — clean
// takes them, so none can start on it meanwhile — and it holds no data.
// Other users' objects, which clean cannot open, and objects of other
// shapes are not the labs' to judge: they are left alone, silently.

// namedQueue judges the queue /name, shown as what.
func namedQueue(name, what string) (*leftover, string) {
	mqd, err := ipc.MqOpen("/"+name, unix.O_RDWR|unix.O_NONBLOCK, 0, nil)
	if err != nil {
		return nil, ""
	}
	a, err := ipc.MqGetAttr(mqd)
	if err != nil || a.Maxmsg != mqlab.MaxMsg || a.Msgsize != record.Size {
		ipc.Close(mqd)
		return nil, ""
	}
	if note := held(mqd, what); note != "" {
		return nil, note
	}
	if a.Curmsgs > 0 {
		ipc.Close(mqd)
		return nil, "kept " + what + ": it holds " + text.Int64(int64(a.Curmsgs)) + " messages (mqlab recv -name " + name +
			" takes them, mqlab rm " + name + " removes it)"
	}
	return &leftover{what: what, remove: func() error {
		defer ipc.Close(mqd)
		return ipc.MqUnlink("/" + name)
	}}, ""
}

// namedSegment judges the /dev/shm object name, shown as what.
func namedSegment(name, what string) (*leftover, string) {
	fd, err := ipc.ShmOpen("/"+name, unix.O_RDWR, 0)
	if err != nil {
		return nil, ""
	}
	isLab, claimed := shmlab.NamedState(fd)
	if !isLab {
		ipc.Close(fd)
		return nil, ""
	}
	if note := held(fd, what); note != "" {
		return nil, note
	}
	if claimed {
		ipc.Close(fd)
		return nil, "kept " + what + ": it holds a writer's results, or one is at work (shmlab read -name " + name +
			" takes them, shmlab rm " + name + " removes it)"
	}
	return &leftover{what: what, remove: func() error {
		defer ipc.Close(fd)
		return ipc.ShmUnlink("/" + name)
	}}, ""
}

// held takes both locks of the object open at fd (the receiver's, the
// sender's) for clean; if a process holds one, it closes fd and says who.
func held(fd int, what string) string {
	for slot := int64(0); slot < 2; slot++ {
		pid, err := ipc.Lock(fd, slot)
		if err == nil {
			continue
		}
		ipc.Close(fd)
		if errors.Is(err, unix.EAGAIN) {
			return "kept " + what + ": in use by " + labpkg.Holder(pid)
		}
		return "kept " + what + ": " + err.Error()
	}
	return ""
}
