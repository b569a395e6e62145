package ipc

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// System V shared memory, on the raw system calls: x/sys/unix's wrappers
// would add their own copies of them to the binaries. They fail with
// ENOSYS on a kernel without CONFIG_SYSVIPC.

// ShmGet returns the identifier of the segment of size bytes for key
// (IPC_PRIVATE for a new one), creating it when flags hold IPC_CREAT; the
// low 9 bits of flags are its permissions.
func ShmGet(key, size, flags int) (int, error) {
	r, e := syscall6(unix.SYS_SHMGET, uintptr(key), uintptr(size), uintptr(flags), 0, 0, 0)
	if tracing.Load() && traceBegin("shmget") {
		traceKey(key)
		traceInt(size)
		traceGetFlags(flags)
		traceEnd(int(r), e)
	}
	if e != 0 {
		return -1, errnoErr("shmget", e)
	}
	return int(r), nil
}

// ShmAttach maps the segment id (flags: 0 or SHM_RDONLY) and returns it.
func ShmAttach(id int, flags int) ([]byte, error) {
	addr, e := syscall6(unix.SYS_SHMAT, uintptr(id), 0, uintptr(flags), 0, 0, 0)
	var mem []byte
	if e == 0 {
		// The slice wants the segment's size. ipc64 asks 32-bit arm's
		// old shmctl for the shmid64_ds layout.
		var ds unix.SysvShmDesc
		_, e = syscall6(unix.SYS_SHMCTL, uintptr(id), unix.IPC_STAT|ipc64, uintptr(unsafe.Pointer(&ds)), 0, 0, 0)
		if e == 0 {
			mem = memSlice(addr, int(ds.Segsz))
		} else {
			syscall6(unix.SYS_SHMDT, addr, 0, 0, 0, 0, 0)
		}
	}
	if tracing.Load() && traceBegin("shmat") {
		traceInt(id)
		traceArg("NULL")
		if flags&unix.SHM_RDONLY != 0 {
			traceArg("SHM_RDONLY")
		} else {
			traceInt(flags)
		}
		traceEndAddr(addr, e)
	}
	if e != 0 {
		return nil, errnoErr("shmat", e)
	}
	return mem, nil
}

// ShmDetach unmaps a segment mapped by ShmAttach; mem must not be used
// afterwards.
func ShmDetach(mem []byte) error {
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	e := unix.EINVAL
	if len(mem) > 0 {
		_, e = syscall6(unix.SYS_SHMDT, addr, 0, 0, 0, 0, 0)
	}
	if tracing.Load() && traceBegin("shmdt") {
		traceHex(addr)
		traceEnd(0, e)
	}
	return errnoErr("shmdt", e)
}

// ShmRemove marks the segment id for removal (IPC_RMID): it goes away when
// the last process detaches it.
func ShmRemove(id int) error {
	_, e := syscall6(unix.SYS_SHMCTL, uintptr(id), unix.IPC_RMID|ipc64, 0, 0, 0, 0)
	if tracing.Load() && traceBegin("shmctl") {
		traceInt(id)
		traceArg("IPC_RMID, NULL")
		traceEnd(0, e)
	}
	return errnoErr("shmctl", e)
}

// POSIX shared memory is a file on the tmpfs at /dev/shm, as glibc's
// shm_open(3) does it.
const shmDir = "/dev/shm"

// ShmOpen opens, or with O_CREAT creates, the POSIX shared memory object
// name ("/name", as for MqOpen) and returns its descriptor. It adds
// O_NOFOLLOW and O_CLOEXEC to flags. A new object is empty: give it a size
// with Fallocate.
func ShmOpen(name string, flags int, mode uint32) (fd int, err error) {
	path, err := nameArg("shm_open", shmDir, name)
	if err != nil {
		return -1, err
	}
	flags |= unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_LARGEFILE
	r, e := syscall6(unix.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(&path[0])), uintptr(flags), uintptr(mode), 0, 0)
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
	path, err := nameArg("shm_unlink", shmDir, name)
	if err != nil {
		return err
	}
	_, e := syscall6(unix.SYS_UNLINKAT, atFDCWD, uintptr(unsafe.Pointer(&path[0])), 0, 0, 0, 0)
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
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return -1, badArg("memfd_create", name, ": a name must not contain NUL")
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
// every other process that maps it. It is the raw system call: x/sys/unix's
// Mmap keeps a map of every mapping, which costs the labs binary size for
// nothing.
func Mmap(fd int, size int) ([]byte, error) {
	var addr uintptr
	e := unix.EINVAL
	if size > 0 {
		addr, _, e = unix.Syscall6(sysMmap, 0, uintptr(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED, uintptr(fd), 0)
	}
	if tracing.Load() && traceBegin("mmap") {
		traceArg("NULL")
		traceInt(size)
		traceArg("PROT_READ|PROT_WRITE, MAP_SHARED")
		traceInt(fd)
		traceArg("0")
		traceEndAddr(addr, e)
	}
	if e != 0 {
		return nil, errnoErr("mmap", e)
	}
	return memSlice(addr, size), nil
}

// Munmap unmaps memory mapped by Mmap; mem must not be used afterwards.
func Munmap(mem []byte) error {
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	e := unix.EINVAL
	if len(mem) > 0 {
		_, _, e = unix.Syscall(unix.SYS_MUNMAP, addr, uintptr(len(mem)), 0)
	}
	if tracing.Load() && traceBegin("munmap") {
		traceHex(addr)
		traceInt(len(mem))
		traceEnd(0, e)
	}
	return errnoErr("munmap", e)
}

// memSlice returns the size bytes at addr, memory that the kernel mapped.
// It builds the slice header by hand, as x/sys/unix does: converting the
// uintptr to a pointer directly would trip go vet.
func memSlice(addr uintptr, size int) []byte {
	var mem []byte
	h := (*struct {
		data      uintptr
		len, cap_ int
	})(unsafe.Pointer(&mem))
	h.data, h.len, h.cap_ = addr, size, size
	return mem
}
