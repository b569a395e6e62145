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
// named segment's size), no process has it open (/proc/PID/fd) or holds
// its locks (lab.Claim; clean takes them, so no shmlab read or pipelab
// -fifo starts on it meanwhile), and it holds no data. Other users'
// objects, which clean cannot open, and objects of other shapes are not
// the labs' to judge: they are left alone, silently.

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
// sender's: shmlab read and pipelab -fifo take them, see lab.Claim), and
// looks in /proc for another process that has it open (an mqlab recv
// waiting on an empty queue takes no lock); if one holds it, held closes
// fd and says who.
func held(fd int, what string) string {
	pid := 0
	for slot := int64(0); slot < 2 && pid == 0; slot++ {
		var err error
		if pid, err = ipc.Lock(fd, slot); err != nil && !errors.Is(err, unix.EAGAIN) {
			ipc.Close(fd)
			return "kept " + what + ": " + err.Error()
		}
	}
	if pid == 0 {
		pid = opener(fd)
	}
	if pid == 0 {
		return ""
	}
	ipc.Close(fd)
	h := labpkg.Holder(pid)
	if h == "" {
		h = "pid " + text.Itoa(pid) + ", which has just ended"
	}
	return "kept " + what + ": in use by " + h
}

// opener returns a process other than this one that has the file open at
// fd open too (its /proc/PID/fd has a descriptor of the same device and
// inode), or 0. Other users' processes are not seen unless clean runs as
// root: their objects are not clean's to remove anyway.
func opener(fd int) int {
	var st, o unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return 0
	}
	self := unix.Getpid()
	for _, p := range list("/proc") {
		pid, ok := text.Atoi(p)
		if !ok || pid == self {
			continue
		}
		dir := "/proc/" + p + "/fd/"
		for _, f := range list(dir) {
			if unix.Stat(dir+f, &o) == nil && o.Dev == st.Dev && o.Ino == st.Ino {
				return pid
			}
		}
	}
	return 0
}
