package ipc

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"ipclab/internal/text"
)

// System V shared memory: traced wrappers over golang.org/x/sys/unix,
// which already has these calls (and shmctl's IPC_64 quirk on arm). They
// fail with ENOSYS on a kernel without CONFIG_SYSVIPC, and none of them
// sleeps, so there is no EINTR to retry.

// ShmGet returns the identifier of the segment of size bytes for key
// (IPC_PRIVATE for a new one), creating it when flags hold IPC_CREAT; the
// low 9 bits of flags are its permissions.
func ShmGet(key, size, flags int) (int, error) {
	id, err := unix.SysvShmGet(key, size, flags)
	if tracing.Load() && traceBegin("shmget") {
		traceKey(key)
		traceInt(size)
		traceGetFlags(flags)
		traceEnd(id, errnoOf(err))
	}
	if err != nil {
		return -1, sysErr("shmget", err)
	}
	return id, nil
}

// ShmAttach maps the segment id (flags: 0 or SHM_RDONLY) and returns it.
func ShmAttach(id int, flags int) ([]byte, error) {
	mem, err := unix.SysvShmAttach(id, 0, flags)
	if tracing.Load() && traceBegin("shmat") {
		traceInt(id)
		traceArg("NULL")
		if flags&unix.SHM_RDONLY != 0 {
			traceArg("SHM_RDONLY")
		} else {
			traceInt(flags)
		}
		traceEndAddr(uintptr(unsafe.Pointer(unsafe.SliceData(mem))), errnoOf(err))
	}
	if err != nil {
		return nil, sysErr("shmat", err)
	}
	return mem, nil
}

// ShmDetach unmaps a segment mapped by ShmAttach; mem must not be used
// afterwards.
func ShmDetach(mem []byte) error {
	err := unix.SysvShmDetach(mem)
	if tracing.Load() && traceBegin("shmdt") {
		traceHex(uintptr(unsafe.Pointer(unsafe.SliceData(mem))))
		traceEnd(0, errnoOf(err))
	}
	return sysErr("shmdt", err)
}

// ShmRemove marks the segment id for removal (IPC_RMID): it goes away when
// the last process detaches it.
func ShmRemove(id int) error {
	_, err := unix.SysvShmCtl(id, unix.IPC_RMID, nil)
	if tracing.Load() && traceBegin("shmctl") {
		traceInt(id)
		traceArg("IPC_RMID, NULL")
		traceEnd(0, errnoOf(err))
	}
	return sysErr("shmctl", err)
}

// POSIX shared memory is a file on the tmpfs at /dev/shm, as glibc's
// shm_open(3) does it.
const shmDir = "/dev/shm"

// ShmOpen opens, or with O_CREAT creates, the POSIX shared memory object
// name ("/name", as for MqOpen) and returns its descriptor. It adds
// O_NOFOLLOW and O_CLOEXEC to flags. A new object is empty: give it a size
// with Fallocate.
func ShmOpen(name string, flags int, mode uint32) (fd int, err error) {
	if why := checkName(name); why != "" {
		return -1, &argError{"shm_open", text.Quote(name) + ": " + why}
	}
	path, _ := unix.BytePtrFromString(shmDir + name) // checkName refused NUL
	flags |= unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_LARGEFILE
	r, e := syscall6(unix.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(path)), uintptr(flags), uintptr(mode), 0, 0)
	runtime.KeepAlive(path)
	if tracing.Load() && traceBegin("shm_open") {
		traceString(name)
		traceOpenFlags(flags)
		traceMode(mode)
		traceEnd(int(r), e)
	}
	if e != 0 {
		return -1, errnoErr("shm_open", e)
	}
	return int(r), nil
}

// ShmUnlink removes the POSIX shared memory object name ("/name"); it goes
// away once nothing has it open or mapped.
func ShmUnlink(name string) error {
	if why := checkName(name); why != "" {
		return &argError{"shm_unlink", text.Quote(name) + ": " + why}
	}
	path, _ := unix.BytePtrFromString(shmDir + name)
	_, e := syscall6(unix.SYS_UNLINKAT, atFDCWD, uintptr(unsafe.Pointer(path)), 0, 0, 0, 0)
	runtime.KeepAlive(path)
	if tracing.Load() && traceBegin("shm_unlink") {
		traceString(name)
		traceEnd(0, e)
	}
	return errnoErr("shm_unlink", e)
}

var memfdBits = []bitName{
	{unix.MFD_CLOEXEC, "MFD_CLOEXEC"},
	{unix.MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING"},
}

// MemfdCreate creates an anonymous memory file (flags: MFD_CLOEXEC, ...);
// name only labels it in /proc/self/fd. It is empty: size it with
// Fallocate. Children can map it through an inherited descriptor.
func MemfdCreate(name string, flags int) (int, error) {
	p, err := unix.BytePtrFromString(name)
	if err != nil {
		return -1, &argError{"memfd_create", text.Quote(name) + ": a name must not contain NUL"}
	}
	// ENOSYS before Linux 3.17.
	r, e := syscall6(unix.SYS_MEMFD_CREATE, uintptr(unsafe.Pointer(p)), uintptr(flags), 0, 0, 0, 0)
	runtime.KeepAlive(p)
	if tracing.Load() && traceBegin("memfd_create") {
		traceString(name)
		traceBits(flags, memfdBits)
		traceEnd(int(r), e)
	}
	if e != 0 {
		return -1, errnoErr("memfd_create", e)
	}
	return int(r), nil
}

// Fallocate gives the file fd size bytes of storage, allocated now, so that
// a full /dev/shm fails here with ENOSPC rather than with SIGBUS at the
// first store into the mapping. It grows the file to size if it is smaller.
func Fallocate(fd int, size int64) error {
	var e unix.Errno
	if unsafe.Sizeof(uintptr(0)) == 8 {
		_, e = syscall6(unix.SYS_FALLOCATE, uintptr(fd), 0, 0, uintptr(size), 0, 0)
	} else {
		// 32-bit arm passes each 64-bit argument as two words, low
		// first; offset and length already fall on even registers.
		_, e = syscall6(unix.SYS_FALLOCATE, uintptr(fd), 0, 0, 0, uintptr(size), uintptr(size>>32))
	}
	if tracing.Load() && traceBegin("fallocate") {
		traceInt(fd)
		traceArg("0, 0")
		traceInt64(size)
		traceEnd(0, e)
	}
	return errnoErr("fallocate", e)
}

// Mmap maps size bytes of the file fd, readable, writable and shared with
// every other process that maps it.
func Mmap(fd int, size int) ([]byte, error) {
	mem, err := mmap(fd, size)
	if tracing.Load() && traceBegin("mmap") {
		traceArg("NULL")
		traceInt(size)
		traceArg("PROT_READ|PROT_WRITE, MAP_SHARED")
		traceInt(fd)
		traceArg("0")
		traceEndAddr(uintptr(unsafe.Pointer(unsafe.SliceData(mem))), errnoOf(err))
	}
	if err != nil {
		return nil, sysErr("mmap", err)
	}
	return mem, nil
}

// Munmap unmaps memory mapped by Mmap; mem must not be used afterwards.
func Munmap(mem []byte) error {
	err := munmap(mem)
	if tracing.Load() && traceBegin("munmap") {
		traceHex(uintptr(unsafe.Pointer(unsafe.SliceData(mem))))
		traceInt(len(mem))
		traceEnd(0, errnoOf(err))
	}
	return sysErr("munmap", err)
}

// mmap maps size bytes of fd shared and read-write, on the raw system call:
// x/sys/unix's Mmap keeps a map of every mapping, which costs the labs
// binary size for nothing.
func mmap(fd, size int) ([]byte, error) {
	if size <= 0 {
		return nil, unix.EINVAL
	}
	addr, _, e := unix.Syscall6(sysMmap, 0, uintptr(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED, uintptr(fd), 0)
	if e != 0 {
		return nil, e
	}
	// Build the slice header by hand, as x/sys/unix does: converting the
	// uintptr to a pointer directly would trip go vet.
	var mem []byte
	h := (*struct {
		data      uintptr
		len, cap_ int
	})(unsafe.Pointer(&mem))
	h.data, h.len, h.cap_ = addr, size, size
	return mem, nil
}

func munmap(mem []byte) error {
	if len(mem) == 0 {
		return unix.EINVAL
	}
	_, _, e := unix.Syscall(unix.SYS_MUNMAP, uintptr(unsafe.Pointer(unsafe.SliceData(mem))), uintptr(len(mem)), 0)
	if e != 0 {
		return e
	}
	return nil
}
