//go:build linux

package lab

import (
	"ipclab/ipc"
	"strings"

	"ipclab/internal/cli"
	"ipclab/internal/text"
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
