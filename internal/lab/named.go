//go:build linux

package lab

import (
	"errors"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// Where names the object two unrelated processes meet at: a POSIX name
// (-name NAME, or the NAME argument of stat and rm) or a System V key
// (-sysv -key K).
type Where struct {
	_         [0]func() // not comparable: no equality function in the binary
	name, key *string
	sysv      *bool
	Name      string // "/NAME", for mq_open and shm_open
	Key       int    // for msgget and shmget
	SysV      bool
}

// WhereFlags defines -name, -sysv and -key on fs.
func WhereFlags(fs *cli.FlagSet) *Where {
	return &Where{name: fs.String("name", ""), sysv: fs.Bool("sysv"), key: fs.String("key", "")}
}

// Resolve checks the options after parsing; arg is a positional NAME (for
// stat and rm), or "". The POSIX name gets its leading slash; the kernel
// (and ipc) check the rest: no other slash, at most NAME_MAX bytes.
func (w *Where) Resolve(arg string) error {
	name := *w.name
	if arg != "" {
		if name != "" {
			return cli.Usage("give the name once: as -name or as an argument")
		}
		name = arg
	}
	w.SysV = *w.sysv
	if w.SysV {
		if *w.key == "" || name != "" {
			return cli.Usage("-sysv needs -key K (and no name): System V objects are found by key")
		}
		k, ok := ParseKey(*w.key)
		if !ok {
			return cli.Usage("-key: " + ipc.Quote(*w.key) + " is not a key: a non-zero number such as 42 or 0x2a")
		}
		w.Key = k
		return nil
	}
	if *w.key != "" {
		return cli.Usage("-key goes with -sysv")
	}
	if name == "" {
		return cli.Usage("name the object: -name NAME (or -sysv -key K)")
	}
	if name[0] == '/' {
		name = name[1:]
	}
	if name == "" || name == "." || name == ".." || strings.IndexByte(name, '/') >= 0 || len(name) > nameMax {
		return cli.Usage("invalid name " + ipc.Quote(name) + ": a name is 1 to 255 bytes, without /, and not . or ..")
	}
	w.Name = "/" + name
	return nil
}

// Args is how a command names the object: "-name lab" or "-sysv -key 42".
//
//go:noinline
func (w *Where) Args() string {
	if w.SysV {
		return "-sysv -key " + *w.key
	}
	return "-name " + w.Name[1:]
}

// Describe names the object in a message: "the POSIX queue /lab
// (/dev/mqueue/lab)" for kind "queue" in dir /dev/mqueue, or "the System V
// queue with key 42".
//
//go:noinline
func (w *Where) Describe(kind, dir string) string {
	if w.SysV {
		return "the System V " + kind + " with key " + *w.key
	}
	return "the POSIX " + kind + " " + w.Name + " (" + dir + w.Name + ")"
}

// Claim makes this process the receiving (slot 0) or sending (slot 1)
// side of the named object what ("the POSIX queue /lab"), open at fd, for
// as long as it lives: two users of one name get a refusal, never each
// other's data. The lock is fcntl's (ipc.Lock): the kernel drops it when
// the process ends, however it ends, and "ipclab clean" sees whether one
// is held. lock is ipc.Lock, or ipc.LockRead for a descriptor open only
// for reading. ok is false if the name went away before the lock was
// taken (the last receiver removed it): the caller opens the name again.
func Claim(lock func(fd int, at int64) (int, error), fd int, slot int64, what string) (ok bool, err error) {
	for {
		var pid int
		pid, err = lock(fd, slot)
		if !errors.Is(err, unix.EAGAIN) {
			break
		}
		if h := Holder(pid); h != "" {
			return false, errors.New(what + " is in use by " + h + ": try again later, or choose another name")
		}
		// The holder has ended since: its lock is gone.
	}
	var st unix.Stat_t
	if err == nil {
		err = unix.Fstat(fd, &st)
	}
	return st.Nlink > 0, err
}

// Holder names process pid by its command line, as ps does: "mqlab recv
// -name lab (pid 1234)", or "pid 1234" if /proc does not show it (another
// user's, with hidepid). It is "" if the process has ended.
func Holder(pid int) string {
	p := "pid " + text.Itoa(pid)
	var b [256]byte
	n := 0
	fd, err := syscall.Open("/proc/"+text.Itoa(pid)+"/cmdline", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err == nil {
		n, _ = syscall.Read(fd, b[:])
		syscall.Close(fd)
	} else if syscall.Kill(pid, 0) == syscall.ESRCH {
		return "" // gone
	}
	// The arguments end in NULs; the program's directory is left out. A
	// zombie's command line is empty.
	start, end := 0, 0
	for i := 0; i < n; i++ {
		switch {
		case b[i] == '/' && end == 0:
			start = i + 1
		case b[i] == 0:
			b[i] = ' '
			end = i
		}
	}
	switch {
	case n <= 0 && err == nil: // no memory any more: it is exiting
		return ""
	case end <= start:
		return p
	}
	return string(b[start:end]) + " (" + p + ")"
}

// nameMax is NAME_MAX: the longest name of a queue or a /dev/shm object.
const nameMax = 255

// ParseKey parses a System V key: decimal or 0x hexadecimal, not 0
// (IPC_PRIVATE, which no other process can find).
func ParseKey(s string) (int, bool) {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		var k uint64
		for _, c := range s[2:] {
			switch {
			case c >= '0' && c <= '9':
				k = k<<4 | uint64(c-'0')
			case c >= 'a' && c <= 'f':
				k = k<<4 | uint64(c-'a'+10)
			case c >= 'A' && c <= 'F':
				k = k<<4 | uint64(c-'A'+10)
			default:
				return 0, false
			}
			if k > 0xffffffff {
				return 0, false
			}
		}
		return int(int32(uint32(k))), k != 0
	}
	k, ok := text.Atoi(s)
	if !ok || k == 0 || k < -1<<31 || int64(k) > 0xffffffff {
		return 0, false
	}
	return int(int32(uint32(k))), true
}
