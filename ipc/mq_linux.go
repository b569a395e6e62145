package ipc

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// POSIX message queues (mq_overview(7)). A queue is named like "/name"; its
// descriptor is always close-on-exec. No /dev/mqueue mount is needed.
//
// Every call below fails with ENOSYS on a kernel without CONFIG_POSIX_MQUEUE.

// MqOpen opens, or with O_CREAT creates, the POSIX message queue name
// ("/name"). flags are O_RDONLY, O_WRONLY or O_RDWR with O_CREAT, O_EXCL,
// O_NONBLOCK; mode and attr (Maxmsg, Msgsize; nil for the defaults) are
// used only when the queue is created.
func MqOpen(name string, flags int, mode uint32, attr *MqAttr) (mqd int, err error) {
	buf, err := nameArg("mq_open", "", name)
	if err != nil {
		return -1, err
	}
	// The kernel takes the name without its slash, but qemu-user checks
	// the byte before it for one: pass the name after the slash in buf.
	r, e := syscall6(unix.SYS_MQ_OPEN, uintptr(unsafe.Pointer(&buf[1])), uintptr(flags), uintptr(mode), uintptr(unsafe.Pointer(attr)), 0, 0)
	runtime.KeepAlive(buf)
	runtime.KeepAlive(attr)
	if tracing.Load() && traceBegin("mq_open") {
		traceString(name)
		traceOpenFlags(flags)
		if flags&unix.O_CREAT != 0 {
			traceMode(mode)
			if attr == nil {
				traceArg("NULL")
			} else {
				traceArg("{")
				traceField("maxmsg", int(attr.Maxmsg))
				traceField("msgsize", int(attr.Msgsize))
				traceText("}")
			}
		}
		traceEnd(int(r), e)
	}
	if e != 0 {
		return -1, errnoErr("mq_open", e)
	}
	return int(r), nil
}

// MqUnlink removes the queue name ("/name"); it goes away once the last
// descriptor on it is closed.
func MqUnlink(name string) error {
	buf, err := nameArg("mq_unlink", "", name)
	if err != nil {
		return err
	}
	_, e := syscall6(unix.SYS_MQ_UNLINK, uintptr(unsafe.Pointer(&buf[1])), 0, 0, 0, 0, 0) // see MqOpen for &buf[1]
	runtime.KeepAlive(buf)
	if tracing.Load() && traceBegin("mq_unlink") {
		traceString(name)
		traceEnd(0, e)
	}
	return errnoErr("mq_unlink", e)
}

// MqTimedSend queues msg with priority prio (0 to 32767; higher is
// received first). On a full queue it waits until the CLOCK_REALTIME time
// abstime (see Deadline), then fails with ETIMEDOUT; nil waits for ever. A
// descriptor in non-blocking mode fails with EAGAIN instead of waiting.
func MqTimedSend(mqd int, msg []byte, prio uint, abstime *Timespec) error {
	c := TraceStart(false)
	_, e := syscall6(unix.SYS_MQ_TIMEDSEND, uintptr(mqd), uintptr(unsafe.Pointer(bufPtr(msg))), uintptr(len(msg)), uintptr(prio), uintptr(unsafe.Pointer(abstime)), 0)
	runtime.KeepAlive(msg)
	runtime.KeepAlive(abstime)
	if tracing.Load() {
		traceMq("mq_timedsend", c, mqd, msg, len(msg), prio, 0, e)
	}
	return errnoErr("mq_timedsend", e)
}

// MqTimedReceive takes the oldest message of the highest priority into buf,
// which must hold the queue's Msgsize (EMSGSIZE otherwise), and returns its
// length and priority. It waits as MqTimedSend does.
func MqTimedReceive(mqd int, buf []byte, abstime *Timespec) (n int, prio uint, err error) {
	var p uint32 // unsigned int
	c := TraceStart(true)
	r, e := syscall6(unix.SYS_MQ_TIMEDRECEIVE, uintptr(mqd), uintptr(unsafe.Pointer(bufPtr(buf))), uintptr(len(buf)), uintptr(unsafe.Pointer(&p)), uintptr(unsafe.Pointer(abstime)), 0)
	runtime.KeepAlive(buf)
	runtime.KeepAlive(abstime)
	if tracing.Load() {
		traceMq("mq_timedreceive", c, mqd, buf[:max(int(r), 0)], len(buf), uint(p), int(r), e)
	}
	if e != 0 {
		return 0, 0, errnoErr("mq_timedreceive", e)
	}
	return int(r), uint(p), nil
}

func traceMq(call string, c TraceCall, mqd int, msg []byte, size int, prio uint, r int, e unix.Errno) {
	if traceBeginAt(call, c) {
		traceInt(mqd)
		traceData(msg, size)
		if e == 0 {
			traceField("prio", int(prio))
		}
		traceEnd(r, e)
	}
}

// MqGetSetAttr reads the queue's attributes into oldattr and, when newattr
// is not nil, sets its Flags (only O_NONBLOCK can change). Either may be nil.
func MqGetSetAttr(mqd int, newattr, oldattr *MqAttr) error {
	_, e := syscall6(unix.SYS_MQ_GETSETATTR, uintptr(mqd), uintptr(unsafe.Pointer(newattr)), uintptr(unsafe.Pointer(oldattr)), 0, 0, 0)
	runtime.KeepAlive(newattr)
	runtime.KeepAlive(oldattr)
	if tracing.Load() && traceBegin("mq_getsetattr") {
		traceInt(mqd)
		if newattr == nil {
			traceArg("NULL")
		} else {
			traceArg("{flags=")
			traceBits(int(newattr.Flags), openBits)
			traceText("}")
		}
		switch {
		case oldattr == nil:
			traceArg("NULL")
		case e != 0:
			traceArg("0x...")
		default:
			traceArg("{flags=")
			traceBits(int(oldattr.Flags), openBits)
			traceField("maxmsg", int(oldattr.Maxmsg))
			traceField("msgsize", int(oldattr.Msgsize))
			traceField("curmsgs", int(oldattr.Curmsgs))
			traceText("}")
		}
		traceEnd(0, e)
	}
	return errnoErr("mq_getsetattr", e)
}

// MqGetAttr returns the queue's attributes: Flags, Maxmsg, Msgsize and
// Curmsgs, the number of messages in it.
func MqGetAttr(mqd int) (MqAttr, error) {
	var a MqAttr
	err := MqGetSetAttr(mqd, nil, &a)
	return a, err
}

// MqSetNonblock turns O_NONBLOCK on or off for the descriptor mqd: then
// sends to a full and receives from an empty queue fail with EAGAIN.
func MqSetNonblock(mqd int, on bool) error {
	var a MqAttr
	if on {
		a.Flags = unix.O_NONBLOCK
	}
	return MqGetSetAttr(mqd, &a, nil)
}

// MqNotify asks for sev's notification when a message arrives on the empty
// queue while nobody waits in MqTimedReceive; nil cancels it. Only one
// process can be registered (EBUSY), and only for one notification.
func MqNotify(mqd int, sev *SigEvent) error {
	_, e := syscall6(unix.SYS_MQ_NOTIFY, uintptr(mqd), uintptr(unsafe.Pointer(sev)), 0, 0, 0, 0)
	runtime.KeepAlive(sev)
	if tracing.Load() && traceBegin("mq_notify") {
		traceInt(mqd)
		switch {
		case sev == nil:
			traceArg("NULL")
		case sev.Notify == SigevSignal:
			traceArg("{SIGEV_SIGNAL")
			traceSignal(unix.Signal(sev.Signo))
			traceText("}")
		case sev.Notify == SigevNone:
			traceArg("{SIGEV_NONE}")
		default:
			traceArg("{")
			traceField("notify", int(sev.Notify))
			traceText("}")
		}
		traceEnd(0, e)
	}
	return errnoErr("mq_notify", e)
}

// Deadline returns the CLOCK_REALTIME time d nanoseconds from now, the
// absolute time MqTimedSend and MqTimedReceive want.
func Deadline(d int64) *Timespec {
	var now Timespec
	// clock_gettime cannot fail: the clock and pointer are valid.
	syscall6(unix.SYS_CLOCK_GETTIME, unix.CLOCK_REALTIME, uintptr(unsafe.Pointer(&now)), 0, 0, 0, 0)
	ts := unix.NsecToTimespec(now.Nano() + d)
	return &ts
}
