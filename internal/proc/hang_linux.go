package proc

import (
	"strings"
	"syscall"

	"ipclab/internal/fd"
	"ipclab/internal/text"
)

// A stuck process is one of a program's processes seen from /proc: who it
// is and where it waits.
type stuck struct {
	pid, ppid int
	role      string // the lab's role argument ("p1"), or the command's name
	state     string // /proc/PID/stat's state: "S" sleeping, "R" running, …
	wchan     string // the kernel function it sleeps in, if the kernel says
}

// stateName says what a state of /proc/PID/stat means.
func stateName(state string) string {
	switch state {
	case "R":
		return "running"
	case "S":
		return "sleeping"
	case "D":
		return "in an uninterruptible wait"
	case "T":
		return "stopped"
	case "t":
		return "stopped by a tracer"
	case "Z":
		return "a zombie, not yet waited for"
	}
	return "in state " + state
}

// tree returns the process pid and its descendants, parents first, read
// from /proc.
func tree(pid int) []stuck {
	all := map[int]stuck{}
	dir, err := fd.Open("/proc")
	if err != nil {
		return nil
	}
	var names []string
	buf := make([]byte, 8<<10)
	for {
		n, err := syscall.ReadDirent(int(dir), buf)
		if err != nil || n <= 0 {
			break
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
	dir.Close()
	for _, name := range names {
		if p, ok := text.Atoi(name); ok {
			if s, ok := readStat(p); ok {
				all[p] = s
			}
		}
	}
	var out []stuck
	s, ok := all[pid]
	if !ok {
		return nil
	}
	out = append(out, s)
	for i := 0; i < len(out); i++ { // breadth first: parents first
		for _, c := range sortedPids(all) {
			if all[c].ppid == out[i].pid {
				out = append(out, all[c])
			}
		}
	}
	return out
}

// sortedPids returns the keys of m in increasing order.
func sortedPids(m map[int]stuck) []int {
	var ps []int
	for p := range m {
		i := len(ps)
		ps = append(ps, p)
		for ; i > 0 && ps[i-1] > p; i-- {
			ps[i] = ps[i-1]
		}
		ps[i] = p
	}
	return ps
}

// readStat reads process pid's parent, state, role and wait channel.
func readStat(pid int) (stuck, bool) {
	dir := "/proc/" + text.Itoa(pid) + "/"
	b := readSmall(dir + "stat")
	// pid (comm) state ppid …: comm may hold spaces and parentheses.
	i := strings.LastIndexByte(b, ')')
	if i < 0 {
		return stuck{}, false
	}
	f := strings.Fields(b[i+1:])
	if len(f) < 2 {
		return stuck{}, false
	}
	ppid, _ := text.Atoi(f[1])
	s := stuck{pid: pid, ppid: ppid, state: f[0], role: b[strings.IndexByte(b, '(')+1 : i]}
	argv := strings.Split(readSmall(dir+"cmdline"), "\x00")
	for _, a := range argv {
		if strings.HasPrefix(a, roleArg) {
			s.role = a[len(roleArg):]
		}
	}
	if w := strings.TrimSpace(readSmall(dir + "wchan")); w != "0" {
		s.wchan = w
	}
	return s, true
}

// readSmall returns the start of a small file, or "".
func readSmall(name string) string {
	f, err := fd.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	b := make([]byte, 4096)
	n, _ := f.Read(b)
	return string(b[:max(n, 0)])
}

// String says where the process is: "p1 (pid 99) sleeping in pipe_write".
func (s stuck) String() string {
	w := s.role + " (pid " + text.Itoa(s.pid) + ") " + stateName(s.state)
	if s.wchan != "" {
		w += " in " + s.wchan
	}
	return w
}

// hung kills the process pid and its descendants, which have not ended
// within limit, and says where each was waiting.
func hung(pid int, limit int64) string {
	var where []string
	for _, p := range tree(pid) {
		where = append(where, p.String())
		syscall.Kill(p.pid, syscall.SIGKILL)
	}
	msg := "no end within " + text.FormatDuration(limit) + ": killed"
	if len(where) > 0 {
		msg += "; its processes were: " + strings.Join(where, "; ")
	}
	return msg
}
