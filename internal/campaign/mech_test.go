//go:build linux

package campaign

import (
	"strconv"
)

// A mech is one IPC mechanism and the lab run that exercises it.
type mech struct {
	name  string
	lab   string
	args  []string
	roles []string
	count bool // the lab makes the items 1..n itself (-count n); no input file
	check checker
}

// labArgs returns the command line for a run of n items, with input the
// file of 1..n.
func (m mech) labArgs(n int, input string) []string {
	args := append([]string{}, m.args...)
	if m.count {
		return append(args, "-count", strconv.Itoa(n))
	}
	return append(args, input)
}

// The kill campaign's mechanisms: every one with its output from the
// items 1..n, so that a run the kill came too late for is checked whole.
var killMechs = []mech{
	{"pipe", "pipelab", nil, []string{"p1", "p2"}, false, checkPipe},
	{"POSIX mq", "mqlab", nil, []string{"p1", "p2"}, false, checkQueue},
	{"SysV msg", "mqlab", []string{"-sysv"}, []string{"p1", "p2"}, false, checkQueue},
	{"SysV shm", "shmlab", []string{"-sysv"}, []string{"p1"}, false, checkShm},
	{"POSIX shm", "shmlab", []string{"-posix"}, []string{"p1"}, false, checkShm},
	{"memfd", "shmlab", []string{"-memfd"}, []string{"p1"}, false, checkShm},
	{"shm ring (SysV)", "shmlab", []string{"-stream", "-sysv"}, []string{"p1", "p2"}, false, checkLines},
	{"shm ring (POSIX)", "shmlab", []string{"-stream", "-posix"}, []string{"p1", "p2"}, false, checkLines},
	{"shm ring (memfd)", "shmlab", []string{"-stream", "-memfd"}, []string{"p1", "p2"}, false, checkLines},
}

// The flood's mechanisms: the rings count for themselves (-count n, a
// checksum checked by p2), and eight writers share a pipe.
var floodMechs = []mech{
	killMechs[0], killMechs[1], killMechs[2], killMechs[3], killMechs[4], killMechs[5],
	{"shm ring (SysV)", "shmlab", []string{"-stream", "-sysv"}, []string{"p1", "p2"}, true, checkCount},
	{"shm ring (POSIX)", "shmlab", []string{"-stream", "-posix"}, []string{"p1", "p2"}, true, checkCount},
	{"shm ring (memfd)", "shmlab", []string{"-stream", "-memfd"}, []string{"p1", "p2"}, true, checkCount},
	{"pipe, 8 writers", "pipelab", []string{"-writers", "8"}, nil, false, checkWriters},
}
