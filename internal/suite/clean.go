//go:build linux

package suite

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/proc"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// mqueueMagic is the file system type of a mounted mqueue (statfs).
const mqueueMagic = 0x19800202

// A leftover is an IPC object whose maker is gone, or a named one
// (mqlab send -name, shmlab read -name) that nothing uses and that holds
// nothing.
type leftover struct {
	what   string // "System V queue 32768 (key 0x6c001a2b)"
	pid    int    // its maker; 0 for a named object, which has none
	remove func() error
}

// runClean is "ipclab clean".
func runClean(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := clean.Flags(stdout)
	dry := fs.Bool("n")
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	only := map[int]bool{}
	for _, a := range rest {
		pid, ok := text.Atoi(a)
		if !ok || pid <= 0 {
			return cli.Usage("clean: " + ipc.Quote(a) + " is not a process id (see ipclab clean -h)")
		}
		only[pid] = true
	}
	found, notes := leftovers(len(only) == 0)
	for _, n := range notes {
		io.WriteString(stdout, "ipclab clean: "+n+"\n")
	}
	removed, failed := 0, 0
	for _, l := range found {
		if len(only) > 0 && !only[l.pid] {
			continue
		}
		if l.pid != 0 && alive(l.pid) {
			continue // the lab may still be running, or the pid is reused
		}
		verb := "removed "
		if *dry {
			verb = "would remove "
		} else if err := l.remove(); err != nil {
			io.WriteString(stdout, "ipclab clean: "+l.what+": "+err.Error()+"\n")
			failed++
			continue
		}
		removed++
		why := ": named, empty, and used by no one\n"
		if l.pid != 0 {
			why = " of pid " + text.Itoa(l.pid) + ", which is gone\n"
		}
		io.WriteString(stdout, verb+l.what+why)
	}
	verb := " removed"
	if *dry {
		verb = " to remove"
	}
	io.WriteString(stdout, "ipclab clean: "+text.Itoa(removed)+verb+"\n")
	if failed > 0 {
		return errors.New(text.Itoa(failed) + " leftovers could not be removed")
	}
	return nil
}

// leftovers lists the labs' objects, live or not, and notes what could
// not be looked at; with named, also the named objects that can go, and
// notes why the others stay.
func leftovers(named bool) (found []leftover, notes []string) {
	for _, f := range []struct{ file, kind string }{
		{"/proc/sysvipc/msg", "queue"},
		{"/proc/sysvipc/shm", "segment"},
	} {
		b, err := input.ReadFile(f.file)
		if err != nil {
			notes = append(notes, f.file+": "+err.Error()+" (no System V IPC in this kernel?)")
			continue
		}
		for _, l := range text.Lines(string(b))[1:] {
			fs := proc.Fields(l, ' ')
			if len(fs) < 2 {
				continue
			}
			key, ok1 := text.Atoi(fs[0])
			id, ok2 := text.Atoi(fs[1])
			if !ok1 || !ok2 || key&^0xffffff != proc.KeyPrefix {
				continue
			}
			l := leftover{what: "System V " + f.kind + " " + fs[1] + " (key 0x" + strconv.FormatInt(int64(key), 16) + ")", pid: key & 0xffffff}
			if f.kind == "queue" {
				l.remove = func() error { return ipc.MsgRemove(id) }
			} else {
				l.remove = func() error { return ipc.ShmRemove(id) }
			}
			found = append(found, l)
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/mqueue", &st); err != nil || st.Type != mqueueMagic {
		notes = append(notes, "POSIX queues not checked: no mqueue file system on /dev/mqueue (mount -t mqueue none /dev/mqueue)")
	} else {
		found, notes = marked(found, notes, named, "/dev/mqueue", "POSIX queue ", ipc.MqUnlink, namedQueue)
	}
	found, notes = marked(found, notes, named, "/dev/shm", "POSIX shared memory ", ipc.ShmUnlink, namedSegment)
	return found, notes
}

// marked adds dir's objects named like proc.ObjectName's, ipclab-KIND-PID-N,
// to found; with named, it judges every other one with judge, which adds
// it to found or says in notes why it stays.
func marked(found []leftover, notes []string, named bool, dir, kind string, unlink func(string) error,
	judge func(name, what string) (*leftover, string)) ([]leftover, []string) {
	for _, ent := range list(dir) {
		f := strings.Split(ent, "-")
		if len(f) != 4 || f[0] != "ipclab" {
			if named {
				l, note := judge(ent, kind+dir+"/"+ent)
				if l != nil {
					found = append(found, *l)
				} else if note != "" {
					notes = append(notes, note)
				}
			}
			continue
		}
		pid, ok := text.Atoi(f[2])
		if !ok {
			continue
		}
		name := "/" + ent
		found = append(found, leftover{what: kind + dir + name, pid: pid, remove: func() error { return unlink(name) }})
	}
	return found, notes
}

// list returns the names in directory dir. It reads the directory with
// getdents: os.ReadDir would bring the time package into the binary.
func list(dir string) []string {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return names
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
}

// alive reports whether process pid exists (EPERM: it does, as another
// user's).
func alive(pid int) bool {
	return unix.Kill(pid, 0) != unix.ESRCH
}
