//go:build linux && (amd64 || arm64 || riscv64)

package ipc

import "golang.org/x/sys/unix"

// Kernel struct layouts for linux/amd64, arm64 and riscv64: LP64, the
// generic 64-bit layouts of <asm-generic/ipcbuf.h>, <asm-generic/msgbuf.h>
// and <linux/mqueue.h>, the same on all three. (Other 64-bit ports, such as
// ppc64 and s390x, lay some of them out differently.)

// MqAttr is struct mq_attr.
type MqAttr struct {
	Flags   int64 // O_NONBLOCK or 0
	Maxmsg  int64 // most messages in the queue
	Msgsize int64 // largest message
	Curmsgs int64 // messages now in the queue
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
	Stime  int64  // last msgsnd, in seconds since the epoch
	Rtime  int64  // last msgrcv
	Ctime  int64  // last change
	Cbytes uint64 // bytes in the queue
	Qnum   uint64 // messages in the queue
	Qbytes uint64 // most bytes the queue holds
	Lspid  int32  // last sender
	Lrpid  int32  // last receiver
	_      [2]uint64
}

// SigEvent is struct sigevent as mq_notify reads it: for SIGEV_SIGNAL set
// Notify to SigevSignal and Signo to the signal.
type SigEvent struct {
	Value  uintptr // sigev_value, handed to the handler in si_value
	Signo  int32
	Notify int32
	_      [48]byte
}

// ipc64 is IPC_64, which only arm's msgctl and shmctl need.
const ipc64 = 0

// Sizes from the kernel headers (gcc, sizeof), checked by the tests.
const (
	sizeofMqAttr   = 64
	sizeofIPCPerm  = 48
	sizeofMsqidDS  = 120
	sizeofSigEvent = 64
	offsetofQnum   = 80
	offsetofLspid  = 96
)

// sysMmap is the mmap system call (offset in bytes).
const sysMmap = unix.SYS_MMAP

// sysFstatat is fstatat, which fills a unix.Stat_t.
const sysFstatat = unix.SYS_NEWFSTATAT
