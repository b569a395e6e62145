package proc

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"ipclab/internal/fd"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// A traced group's processes send their trace lines, as records, to one
// pipe that a goroutine of the parent, the merger, reads. Each record
// carries a ticket (see ipc.TraceRecords): the merger prints the lines in
// ticket order, a line as soon as every line before it is printed, so a
// send always shows before the receive it caused, whatever the machine's
// load. The processes share a page with the ticket counter and, for each,
// the ticket it has taken and not yet sent: when a child dies with one,
// the parent tells the merger to skip it.

// A note says what a descriptor of the parent's is.
type note struct {
	_    [0]func() // not comparable: no equality function in the binary
	fd   int
	what string
}

// tracer is a traced group's side of the trace.
type tracer struct {
	pipe     [2]int     // the records' pipe: the merger reads [0]
	pageFD   int        // the page of tickets, a memory file
	page     []uint64   // mapped
	start    int64      // when the trace began: lines show times since
	stdout   int        // where the merger prints the programs' lines
	stderr   int        // and the trace
	notes    []note     // what the parent's descriptors are (Describe)
	done     sync.Mutex // held by the merger until it has printed all
	children int        // slots taken: the parent has 0
}

// TraceTo turns on the trace of the group: the parent's system calls,
// its children's (each child started with -trace=…, see Start) and their
// births, stops and deaths, merged in order on standard error, and the
// programs' standard output in its place among them (see Stdout).
func (g *Group) TraceTo() error {
	t := &tracer{stdout: int(g.stdio[1]), stderr: int(g.stdio[2])}
	if err := syscall.Pipe2(t.pipe[:], syscall.O_CLOEXEC); err != nil {
		return syscallError("pipe2", err)
	}
	name := []byte("ipclab-trace\x00")
	r, _, e := syscall.RawSyscall(unix.SYS_MEMFD_CREATE, uintptr(unsafe.Pointer(&name[0])), unix.MFD_CLOEXEC, 0)
	if e != 0 {
		return syscallError("memfd_create", e)
	}
	t.pageFD = int(r)
	if err := syscall.Ftruncate(t.pageFD, 4096); err != nil {
		return syscallError("ftruncate", err)
	}
	page, err := ipc.TracePage(t.pageFD)
	if err != nil {
		return err
	}
	t.page, t.start = page, monotonic()
	t.done.Lock()
	go t.merge()
	g.tracer = t
	ipc.TraceRecords(t.pipe[1], page, 0, "parent")
	return nil
}

// Describe says what the parent's descriptor fd is ("write end of the
// pipe"), for the trace of a child that is given it: "fd 4 = write end
// of the pipe (parent's fd 8)".
func (g *Group) Describe(fd int, what string) {
	if g.tracer != nil {
		g.tracer.notes = append(g.tracer.notes, note{fd: fd, what: what})
	}
}

// Stdout is where the parent writes its own lines of output: standard
// output, or in a traced group the merger, which prints them in their
// place among the trace's lines.
func (g *Group) Stdout(stdout io.Writer) io.Writer {
	if g.tracer != nil {
		return ipc.TraceStdout{}
	}
	return stdout
}

// childTrace returns the arguments and descriptors that make a child
// trace into the group's merger, after files (the child's FirstFD on):
// -trace=PIPE,PAGE,SLOT, and -fd=N:TEXT for each descriptor, which the
// child says it holds (see Traced).
func (t *tracer) childTrace(files []int) ([]int, []string) {
	t.children++
	n := FirstFD + len(files)
	args := []string{"-trace=" + text.Itoa(n) + "," + text.Itoa(n+1) + "," + text.Itoa(t.children),
		"-fd=3:the lifeline, read end of a pipe only the parent can write to (end of file: the parent is gone)"}
	for i, f := range files {
		for _, n := range t.notes {
			if n.fd == f {
				args = append(args, "-fd="+text.Itoa(FirstFD+i)+":"+n.what+" (parent's fd "+text.Itoa(f)+")")
			}
		}
	}
	args = append(args, "-fd="+text.Itoa(n)+","+text.Itoa(n+1)+":the trace's pipe and page, for these lines (not part of the lab)")
	return append(files, t.pipe[1], t.pageFD), args
}

// Traced turns on a child's trace as its arguments say (-trace=… and
// -fd=…, from the parent's Start), says which descriptors it holds, and
// returns the arguments after those; ok is false when args do not start
// with -trace=….
func Traced(role string, args []string) (rest []string, ok bool) {
	if len(args) == 0 || !strings.HasPrefix(args[0], "-trace=") {
		return args, false
	}
	var n [3]int
	for i, f := range Fields(args[0][len("-trace="):], ',') {
		if i < len(n) {
			n[i], _ = text.Atoi(f)
		}
	}
	page, err := ipc.TracePage(n[1])
	if err != nil {
		return args[1:], false
	}
	ipc.TraceRecords(n[0], page, n[2], role)
	args = args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-fd=") {
		d := args[0][len("-fd="):]
		if i := strings.IndexByte(d, ':'); i > 0 {
			ipc.TraceNote("fd " + d[:i] + " = " + d[i+1:])
		}
		args = args[1:]
	}
	return args, true
}

// ended tells the merger that the child in slot will send no more: the
// ticket it holds, if any, is skipped.
func (t *tracer) ended(slot int) {
	if held := t.page[1+slot]; held != 0 {
		rec := strconv.FormatUint(held-1, 10) + "\t0\t0\t\ts\t\n"
		syscall.Write(t.pipe[1], []byte(rec))
	}
}

// finish closes the parent's end of the records' pipe and waits until the
// merger has printed everything (the children have ended: theirs are
// closed).
func (t *tracer) finish() {
	ipc.TraceRecords(-1, nil, 0, "")
	syscall.Close(t.pipe[1])
	t.done.Lock()
	syscall.Close(t.pipe[0])
	syscall.Close(t.pageFD)
}

// A traceRecord is a trace line on its way to the merger.
type traceRecord struct {
	_        [0]func() // not comparable: no equality function in the binary
	at, took int64
	role     string
	kind     byte // c: a call, n: a note, o: a line of output (p: part of one), s: skip
	text     string
}

// merge reads the records until every write end is closed, and prints
// them in ticket order; at the end, what is left in order of tickets.
// held[i] is ticket next+i, once it has come: a record, or a skip.
func (t *tracer) merge() {
	defer t.done.Unlock()
	var held []*traceRecord
	next, last := uint64(1), int64(0)
	flush := func(all bool) {
		for len(held) > 0 && (held[0] != nil && held[0].kind != 'p' || all) {
			if r := held[0]; r != nil && r.kind == 'o' {
				fd.File(t.stdout).Write([]byte(r.text + "\n"))
			} else if r != nil && r.kind != 's' {
				last = max(last, r.at-t.start) // the order is the tickets'; a time never goes back
				fd.File(t.stderr).Write(ipc.FormatTraceLine(nil, last, r.took, r.role, r.kind, []byte(r.text)))
			}
			held = held[1:]
			next++
		}
	}
	var pending []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := syscall.Read(t.pipe[0], buf)
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 {
			break
		}
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.IndexByte(pending, '\n')
			if i < 0 {
				break
			}
			r, tk := parseRecord(string(pending[:i]))
			pending = pending[i+1:]
			if r == nil || tk < next {
				continue // a skip of a ticket already printed
			}
			k := int(tk - next)
			for len(held) <= k {
				held = append(held, nil)
			}
			if p := held[k]; p != nil && p.kind == 'p' { // a line of output in parts
				p.text += r.text
				p.kind = r.kind
			} else if p == nil {
				held[k] = r
			}
		}
		flush(false)
	}
	flush(true) // the end: a ticket whose line never came leaves a gap
}

// parseRecord parses "TICKET TIME TOOK ROLE KIND TEXT", tab-separated
// (see ipc's traceWrite); nil if it is not one.
func parseRecord(line string) (*traceRecord, uint64) {
	var f [6]string
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(line, '\t')
		if j < 0 {
			return nil, 0
		}
		f[i], line = line[:j], line[j+1:]
	}
	tk, _, _ := text.ParseInt(f[0])
	at, _, _ := text.ParseInt(f[1])
	took, _, _ := text.ParseInt(f[2])
	if len(f[4]) != 1 || tk <= 0 {
		return nil, 0
	}
	return &traceRecord{at: at, took: took, role: f[3], kind: f[4][0], text: line}, uint64(tk)
}
