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
	if tracing.Load() && traceBegin("msgget") {
		traceKey(key)
		traceGetFlags(flags)
		traceEnd(int(r), e)
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
		return &argError{op: "msgsnd", msg: "text length " + strconv.Itoa(textLen) + " does not fit a MsgBuf of " + strconv.Itoa(len(m)) + " bytes"}
	}
	c := TraceStart(false)
	_, e := syscall6(unix.SYS_MSGSND, uintptr(id), uintptr(unsafe.Pointer(&m[0])), uintptr(textLen), uintptr(flags), 0, 0)
	runtime.KeepAlive(m)
	if tracing.Load() && traceBeginAt("msgsnd", c) {
		traceInt(id)
		traceMsg(m, textLen)
		traceInt(textLen)
		traceBits(flags, msgBits)
		traceEnd(0, e)
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
		return 0, &argError{op: "msgrcv", msg: "a MsgBuf of " + strconv.Itoa(len(m)) + " bytes has no room for the type"}
	}
	c := TraceStart(true)
	r, e := syscall6(unix.SYS_MSGRCV, uintptr(id), uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)-longSize), uintptr(typ), uintptr(flags), 0)
	runtime.KeepAlive(m)
	if tracing.Load() && traceBeginAt("msgrcv", c) {
		traceInt(id)
		if e == 0 {
			traceMsg(m, int(r))
		} else {
			traceArg("{}")
		}
		traceInt(len(m) - longSize)
		traceInt(typ)
		traceBits(flags, msgBits)
		traceEnd(int(r), e)
	}
	if e != 0 {
		return 0, errnoErr("msgrcv", e)
	}
	return int(r), nil
}

// Msgctl performs cmd (IPC_STAT, IPC_SET, IPC_RMID) on the queue id.
func Msgctl(id, cmd int, ds *MsqidDS) (int, error) {
	c := TraceStart(false) // IPC_RMID: waiting senders and receivers fail
	// ipc64 asks 32-bit arm's old msgctl for the msqid64_ds layout.
	r, e := syscall6(unix.SYS_MSGCTL, uintptr(id), uintptr(cmd|ipc64), uintptr(unsafe.Pointer(ds)), 0, 0, 0)
	runtime.KeepAlive(ds)
	if tracing.Load() && traceBeginAt("msgctl", c) {
		traceInt(id)
		switch cmd {
		case unix.IPC_STAT:
			traceArg("IPC_STAT")
		case unix.IPC_SET:
			traceArg("IPC_SET")
		case unix.IPC_RMID:
			traceArg("IPC_RMID")
		default:
			traceInt(cmd)
		}
		switch {
		case ds == nil:
			traceArg("NULL")
		case e != 0:
			traceArg("0x...")
		default:
			traceArg("{mode=")
			traceMode(uint32(ds.Perm.Mode) & 0o777)
			traceField("qnum", int(ds.Qnum))
			traceField("qbytes", int(ds.Qbytes))
			traceText("}")
		}
		traceEnd(int(r), e)
	}
	if e != 0 {
		return -1, errnoErr("msgctl", e)
	}
	return int(r), nil
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

// traceMsg appends a message: "{mtype=4, mtext=[120]}" with its text as
// traceValues shows it, or "{mtype=4}".
func traceMsg(m MsgBuf, textLen int) {
	traceArg("{")
	traceField("mtype", m.Type())
	if traceValues != nil {
		traceArg("mtext=")
		traceText(traceValues(m.Text()[:textLen]))
	}
	traceText("}")
}
