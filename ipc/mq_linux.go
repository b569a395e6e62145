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
	buf, err := nameArg("mq_open", name)
	if err != nil {
		return -1, err
	}
	// The kernel takes the name without its slash, but qemu-user checks
	// the byte before it for one: pass the name after the slash in buf.
	r, e := syscall6(unix.SYS_MQ_OPEN, uintptr(unsafe.Pointer(&buf[1])), uintptr(flags), uintptr(mode), uintptr(unsafe.Pointer(attr)), 0, 0)
	runtime.KeepAlive(buf)
	runtime.KeepAlive(attr)
	if tracing.Load() {
		traceMqOpen(name, flags, mode, attr, int(r), e)
	}
	if e != 0 {
		return -1, errnoErr("mq_open", e)
	}
	return int(r), nil
}

func traceMqOpen(name string, flags int, mode uint32, attr *MqAttr, r int, e unix.Errno) {
	b, ok := traceBegin("mq_open")
	if !ok {
		return
	}
	b = appendOpenFlags(appendSep(appendString(b, name)), flags)
	if flags&unix.O_CREAT != 0 {
		b = appendMode(appendSep(b), mode)
		b = appendSep(b)
		if attr == nil {
			b = append(b, "NULL"...)
		} else {
			b = append(b, "{maxmsg="...)
			b = appendInt(b, int(attr.Maxmsg))
			b = append(b, ", msgsize="...)
			b = appendInt(b, int(attr.Msgsize))
			b = append(b, '}')
		}
	}
	traceEnd(b, r, e)
}

// MqUnlink removes the queue name ("/name"); it goes away once the last
// descriptor on it is closed.
func MqUnlink(name string) error {
	buf, err := nameArg("mq_unlink", name)
	if err != nil {
		return err
	}
	_, e := syscall6(unix.SYS_MQ_UNLINK, uintptr(unsafe.Pointer(&buf[1])), 0, 0, 0, 0, 0) // see MqOpen for &buf[1]
	runtime.KeepAlive(buf)
	if tracing.Load() {
		if b, ok := traceBegin("mq_unlink"); ok {
			traceEnd(appendString(b, name), 0, e)
		}
	}
	return errnoErr("mq_unlink", e)
}

// MqTimedSend queues msg with priority prio (0 to 32767; higher is
// received first). On a full queue it waits until the CLOCK_REALTIME time
// abstime (see Deadline), then fails with ETIMEDOUT; nil waits for ever. A
// descriptor in non-blocking mode fails with EAGAIN instead of waiting.
func MqTimedSend(mqd int, msg []byte, prio uint, abstime *Timespec) error {
	_, e := syscall6(unix.SYS_MQ_TIMEDSEND, uintptr(mqd), uintptr(unsafe.Pointer(bufPtr(msg))), uintptr(len(msg)), uintptr(prio), uintptr(unsafe.Pointer(abstime)), 0)
	runtime.KeepAlive(msg)
	runtime.KeepAlive(abstime)
	if tracing.Load() {
		traceMq("mq_timedsend", mqd, len(msg), prio, 0, e)
	}
	return errnoErr("mq_timedsend", e)
}

// MqTimedReceive takes the oldest message of the highest priority into buf,
// which must hold the queue's Msgsize (EMSGSIZE otherwise), and returns its
// length and priority. It waits as MqTimedSend does.
func MqTimedReceive(mqd int, buf []byte, abstime *Timespec) (n int, prio uint, err error) {
	var p uint32 // unsigned int
	r, e := syscall6(unix.SYS_MQ_TIMEDRECEIVE, uintptr(mqd), uintptr(unsafe.Pointer(bufPtr(buf))), uintptr(len(buf)), uintptr(unsafe.Pointer(&p)), uintptr(unsafe.Pointer(abstime)), 0)
	runtime.KeepAlive(buf)
	runtime.KeepAlive(abstime)
	if tracing.Load() {
		traceMq("mq_timedreceive", mqd, len(buf), uint(p), int(r), e)
	}
	if e != 0 {
		return 0, 0, errnoErr("mq_timedreceive", e)
	}
	return int(r), uint(p), nil
}

func traceMq(call string, mqd, size int, prio uint, r int, e unix.Errno) {
	b, ok := traceBegin(call)
	if !ok {
		return
	}
	b = appendBytes(appendSep(appendInt(b, mqd)), size)
	if e == 0 {
		b = append(b, ", prio="...)
		b = appendInt(b, int(prio))
	}
	traceEnd(b, r, e)
}

// MqGetSetAttr reads the queue's attributes into oldattr and, when newattr
// is not nil, sets its Flags (only O_NONBLOCK can change). Either may be nil.
func MqGetSetAttr(mqd int, newattr, oldattr *MqAttr) error {
	_, e := syscall6(unix.SYS_MQ_GETSETATTR, uintptr(mqd), uintptr(unsafe.Pointer(newattr)), uintptr(unsafe.Pointer(oldattr)), 0, 0, 0)
	runtime.KeepAlive(newattr)
	runtime.KeepAlive(oldattr)
	if tracing.Load() {
		traceMqGetSetAttr(mqd, newattr, oldattr, e)
	}
	return errnoErr("mq_getsetattr", e)
}

func traceMqGetSetAttr(mqd int, newattr, oldattr *MqAttr, e unix.Errno) {
	b, ok := traceBegin("mq_getsetattr")
	if !ok {
		return
	}
	b = appendSep(appendInt(b, mqd))
	if newattr == nil {
		b = append(b, "NULL"...)
	} else {
		b = appendBits(append(b, "{flags="...), int(newattr.Flags), openBits)
		b = append(b, '}')
	}
	b = appendSep(b)
	if oldattr == nil {
		b = append(b, "NULL"...)
	} else if e != 0 {
		b = append(b, "0x..."...)
	} else {
		b = appendBits(append(b, "{flags="...), int(oldattr.Flags), openBits)
		b = appendInt(append(b, ", maxmsg="...), int(oldattr.Maxmsg))
		b = appendInt(append(b, ", msgsize="...), int(oldattr.Msgsize))
		b = appendInt(append(b, ", curmsgs="...), int(oldattr.Curmsgs))
		b = append(b, '}')
	}
	traceEnd(b, 0, e)
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
	if tracing.Load() {
		traceMqNotify(mqd, sev, e)
	}
	return errnoErr("mq_notify", e)
}

func traceMqNotify(mqd int, sev *SigEvent, e unix.Errno) {
	b, ok := traceBegin("mq_notify")
	if !ok {
		return
	}
	b = appendSep(appendInt(b, mqd))
	switch {
	case sev == nil:
		b = append(b, "NULL"...)
	case sev.Notify == SigevSignal:
		b = append(appendSignal(append(b, "{SIGEV_SIGNAL, "...), unix.Signal(sev.Signo)), '}')
	case sev.Notify == SigevNone:
		b = append(b, "{SIGEV_NONE}"...)
	default:
		b = appendInt(append(b, "{notify="...), int(sev.Notify))
		b = append(b, '}')
	}
	traceEnd(b, 0, e)
}

// Deadline returns the CLOCK_REALTIME time d nanoseconds from now, the
// absolute time MqTimedSend and MqTimedReceive want.
func Deadline(d int64) *Timespec {
	var now Timespec
	unix.ClockGettime(unix.CLOCK_REALTIME, &now) // cannot fail: the clock and pointer are valid
	ts := unix.NsecToTimespec(now.Nano() + d)
	return &ts
}
