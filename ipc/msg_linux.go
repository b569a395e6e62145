package ipc

import (
	"runtime"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// System V message queues (sysvipc(7)). Every call below fails with ENOSYS
// on a kernel without CONFIG_SYSVIPC.

// Msgget returns the identifier of the message queue for key (IPC_PRIVATE
// for a new one), creating it when flags hold IPC_CREAT; the low 9 bits of
// flags are its permissions, as in IPC_CREAT|IPC_EXCL|0o600.
func Msgget(key, flags int) (int, error) {
	r, e := syscall6(unix.SYS_MSGGET, uintptr(key), uintptr(flags), 0, 0, 0, 0)
	if tracing.Load() {
		if b, ok := traceBegin("msgget"); ok {
			b = appendGetFlags(appendSep(appendKey(b, key)), flags)
			traceEnd(b, int(r), e)
		}
	}
	if e != 0 {
		return -1, errnoErr("msgget", e)
	}
	return int(r), nil
}

// msgBits are the flags of msgsnd and msgrcv.
var msgBits = []bitName{
	{unix.IPC_NOWAIT, "IPC_NOWAIT"},
	{MsgNoError, "MSG_NOERROR"},
	{MsgExcept, "MSG_EXCEPT"},
}

// Msgsnd queues the message m with its first textLen bytes of text; its
// type must be positive. A full queue makes it wait, or fail with EAGAIN
// when flags hold IPC_NOWAIT. textLen may be 0.
func Msgsnd(id int, m MsgBuf, textLen int, flags int) error {
	if len(m) < longSize || textLen < 0 || textLen > len(m)-longSize {
		return &argError{"msgsnd", "text length " + strconv.Itoa(textLen) + " does not fit a MsgBuf of " + strconv.Itoa(len(m)) + " bytes"}
	}
	_, e := syscall6(unix.SYS_MSGSND, uintptr(id), uintptr(unsafe.Pointer(&m[0])), uintptr(textLen), uintptr(flags), 0, 0)
	runtime.KeepAlive(m)
	if tracing.Load() {
		if b, ok := traceBegin("msgsnd"); ok {
			b = appendInt(append(appendSep(appendInt(b, id)), "{mtype="...), m.Type())
			b = appendInt(append(b, "}, "...), textLen)
			b = appendBits(appendSep(b), flags, msgBits)
			traceEnd(b, 0, e)
		}
	}
	return errnoErr("msgsnd", e)
}

// Msgrcv takes a message into m and returns the length of its text, which
// may be 0. typ selects it: 0 the first message, > 0 the first of type typ
// (not of typ with MsgExcept), < 0 the first of the lowest type <= -typ.
// A text longer than m.Text() fails with E2BIG unless flags hold MsgNoError;
// an empty queue makes it wait, or fail with ENOMSG with IPC_NOWAIT.
func Msgrcv(id int, m MsgBuf, typ int, flags int) (textLen int, err error) {
	if len(m) < longSize {
		return 0, &argError{"msgrcv", "a MsgBuf of " + strconv.Itoa(len(m)) + " bytes has no room for the type"}
	}
	r, e := syscall6(unix.SYS_MSGRCV, uintptr(id), uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)-longSize), uintptr(typ), uintptr(flags), 0)
	runtime.KeepAlive(m)
	if tracing.Load() {
		traceMsgrcv(id, m, typ, flags, int(r), e)
	}
	if e != 0 {
		return 0, errnoErr("msgrcv", e)
	}
	return int(r), nil
}

func traceMsgrcv(id int, m MsgBuf, typ, flags, r int, e unix.Errno) {
	b, ok := traceBegin("msgrcv")
	if !ok {
		return
	}
	b = appendSep(appendInt(b, id))
	if e == 0 {
		b = appendInt(append(b, "{mtype="...), m.Type())
		b = append(b, '}')
	} else {
		b = append(b, "{}"...)
	}
	b = appendInt(appendSep(b), len(m)-longSize)
	b = appendInt(appendSep(b), typ)
	b = appendBits(appendSep(b), flags, msgBits)
	traceEnd(b, r, e)
}

// Msgctl performs cmd (IPC_STAT, IPC_SET, IPC_RMID) on the queue id.
func Msgctl(id, cmd int, ds *MsqidDS) (int, error) {
	// ipc64 asks 32-bit arm's old msgctl for the msqid64_ds layout.
	r, e := syscall6(unix.SYS_MSGCTL, uintptr(id), uintptr(cmd|ipc64), uintptr(unsafe.Pointer(ds)), 0, 0, 0)
	runtime.KeepAlive(ds)
	if tracing.Load() {
		traceMsgctl(id, cmd, ds, int(r), e)
	}
	if e != 0 {
		return -1, errnoErr("msgctl", e)
	}
	return int(r), nil
}

func traceMsgctl(id, cmd int, ds *MsqidDS, r int, e unix.Errno) {
	b, ok := traceBegin("msgctl")
	if !ok {
		return
	}
	b = appendSep(appendInt(b, id))
	switch cmd {
	case unix.IPC_STAT:
		b = append(b, "IPC_STAT"...)
	case unix.IPC_SET:
		b = append(b, "IPC_SET"...)
	case unix.IPC_RMID:
		b = append(b, "IPC_RMID"...)
	default:
		b = appendInt(b, cmd)
	}
	b = appendSep(b)
	switch {
	case ds == nil:
		b = append(b, "NULL"...)
	case e != 0:
		b = append(b, "0x..."...)
	default:
		b = appendMode(append(b, "{mode="...), uint32(ds.Perm.Mode)&0o777)
		b = appendInt(append(b, ", qnum="...), int(ds.Qnum))
		b = appendInt(append(b, ", qbytes="...), int(ds.Qbytes))
		b = append(b, '}')
	}
	traceEnd(b, r, e)
}

// MsgRemove removes the queue id at once (IPC_RMID); waiting senders and
// receivers fail with EIDRM.
func MsgRemove(id int) error {
	_, err := Msgctl(id, unix.IPC_RMID, nil)
	return err
}

// MsgStat returns the queue's state (IPC_STAT): Qnum messages holding
// Cbytes bytes, its permissions in Perm.Mode, the last sender's pid.
func MsgStat(id int) (MsqidDS, error) {
	var ds MsqidDS
	_, err := Msgctl(id, unix.IPC_STAT, &ds)
	return ds, err
}
