//go:build !linux

package ipc

import (
	"errors"
	"io"
)

// The system calls of this package are Linux's. Elsewhere the types exist
// with the generic 64-bit layouts and every call fails with an error
// wrapping errors.ErrUnsupported, except that WASI reads and writes the
// descriptors the host hands over (pipe_wasip1.go).

// unsupported is the error of every call: "ipc: message queues need Linux".
type unsupported string

func (u unsupported) Error() string { return "ipc: " + string(u) + " need Linux" }
func (u unsupported) Unwrap() error { return errors.ErrUnsupported }

const (
	errPipe   = unsupported("pipes")
	errMq     = unsupported("message queues")
	errShm    = unsupported("shared memory calls")
	errFutex  = unsupported("futexes")
	errSignal = unsupported("signal calls")
)

// Timespec is struct timespec.
type Timespec struct {
	Sec  int64
	Nsec int64
}

// MqAttr is struct mq_attr.
type MqAttr struct {
	Flags   int64
	Maxmsg  int64
	Msgsize int64
	Curmsgs int64
	_       [4]int64
}

// IPCPerm is struct ipc64_perm.
type IPCPerm struct {
	Key  int32
	Uid  uint32
	Gid  uint32
	Cuid uint32
	Cgid uint32
	Mode uint32
	Seq  uint16
	_    uint16
	_    [2]uint64
}

// MsqidDS is struct msqid64_ds.
type MsqidDS struct {
	Perm   IPCPerm
	Stime  int64
	Rtime  int64
	Ctime  int64
	Cbytes uint64
	Qnum   uint64
	Qbytes uint64
	Lspid  int32
	Lrpid  int32
	_      [2]uint64
}

// SigEvent is struct sigevent as mq_notify reads it.
type SigEvent struct {
	Value  uintptr
	Signo  int32
	Notify int32
	_      [48]byte
}

// SetTrace does nothing: there are no system calls to trace.
func SetTrace(w io.Writer, role string) {}

func Pipe2(flags int) (r, w int, err error)    { return -1, -1, errPipe }
func Mkfifo(path string, mode uint32) error    { return errPipe }
func SetPipeSize(fd, size int) (int, error)    { return 0, errPipe }
func Deadline(d int64) *Timespec               { return &Timespec{} }
func MqUnlink(name string) error               { return errMq }
func MqGetAttr(mqd int) (MqAttr, error)        { return MqAttr{}, errMq }
func MqSetNonblock(mqd int, on bool) error     { return errMq }
func MqNotify(mqd int, sev *SigEvent) error    { return errMq }
func Msgget(key, flags int) (int, error)       { return -1, errMq }
func MsgRemove(id int) error                   { return errMq }
func MsgStat(id int) (MsqidDS, error)          { return MsqidDS{}, errMq }
func ShmGet(key, size, flags int) (int, error) { return -1, errShm }
func ShmAttach(id int, flags int) ([]byte, error) {
	return nil, errShm
}
func ShmDetach(mem []byte) error                      { return errShm }
func ShmRemove(id int) error                          { return errShm }
func ShmUnlink(name string) error                     { return errShm }
func MemfdCreate(name string, flags int) (int, error) { return -1, errShm }
func Fallocate(fd int, size int64) error              { return errShm }
func Mmap(fd int, size int) ([]byte, error)           { return nil, errShm }
func Munmap(mem []byte) error                         { return errShm }

func MqOpen(name string, flags int, mode uint32, attr *MqAttr) (mqd int, err error) {
	return -1, errMq
}

func MqTimedSend(mqd int, msg []byte, prio uint, abstime *Timespec) error {
	return errMq
}

func MqTimedReceive(mqd int, buf []byte, abstime *Timespec) (n int, prio uint, err error) {
	return 0, 0, errMq
}

func MqGetSetAttr(mqd int, newattr, oldattr *MqAttr) error { return errMq }

func Msgsnd(id int, m MsgBuf, textLen int, flags int) error { return errMq }

func Msgrcv(id int, m MsgBuf, typ int, flags int) (textLen int, err error) {
	return 0, errMq
}

func Msgctl(id, cmd int, ds *MsqidDS) (int, error) { return -1, errMq }

func ShmOpen(name string, flags int, mode uint32) (fd int, err error) {
	return -1, errShm
}

func FutexWait(addr *uint32, val uint32, timeout *Timespec) error { return errFutex }

func FutexWake(addr *uint32, n int) (woken int, err error) { return 0, errFutex }

// SigBlock blocks a signal in the calling thread.
func SigBlock(sig int) (bool, error) { return false, errSignal }

// SigWait waits for a blocked signal.
func SigWait(sig int) error { return errSignal }
