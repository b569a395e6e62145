package ipc

import "golang.org/x/sys/unix"

// Kernel struct layouts for linux/arm (ILP32: long is 32 bits; the kernel's
// __kernel_mode_t is 16 bits; the 32-bit variant of <asm-generic/msgbuf.h>).

// MqAttr is struct mq_attr.
type MqAttr struct {
	Flags   int32 // O_NONBLOCK or 0
	Maxmsg  int32 // most messages in the queue
	Msgsize int32 // largest message
	Curmsgs int32 // messages now in the queue
	_       [4]int32
}

// IPCPerm is struct ipc64_perm.
type IPCPerm struct {
	Key  int32
	Uid  uint32
	Gid  uint32
	Cuid uint32
	Cgid uint32
	Mode uint16
	_    [2]uint8
	Seq  uint16
	_    uint16
	_    [2]uint32
}

// MsqidDS is struct msqid64_ds.
type MsqidDS struct {
	Perm      IPCPerm
	Stime     uint32 // last msgsnd, in seconds since the epoch
	StimeHigh uint32
	Rtime     uint32 // last msgrcv
	RtimeHigh uint32
	Ctime     uint32 // last change
	CtimeHigh uint32
	Cbytes    uint32 // bytes in the queue
	Qnum      uint32 // messages in the queue
	Qbytes    uint32 // most bytes the queue holds
	Lspid     int32  // last sender
	Lrpid     int32  // last receiver
	_         [2]uint32
}

// SigEvent is struct sigevent as mq_notify reads it: for SIGEV_SIGNAL set
// Notify to SigevSignal and Signo to the signal.
type SigEvent struct {
	Value  uintptr // sigev_value, handed to the handler in si_value
	Signo  int32
	Notify int32
	_      [52]byte
}

// ipc64 is IPC_64: arm's msgctl and shmctl are the old ones, which use
// the old msqid_ds and shmid_ds layouts unless asked for the 64 ones.
const ipc64 = 0x100

// Sizes worked out from the kernel headers, checked by the tests.
const (
	sizeofMqAttr   = 32
	sizeofIPCPerm  = 36
	sizeofMsqidDS  = 88
	sizeofSigEvent = 64
	offsetofQnum   = 64
	offsetofLspid  = 72
)

// sysMmap is mmap2 (offset in pages): 32-bit arm has no plain mmap.
const sysMmap = unix.SYS_MMAP2

// sysFstatat is fstatat64, which fills a unix.Stat_t (struct stat64).
const sysFstatat = unix.SYS_FSTATAT64
