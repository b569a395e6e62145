//go:build linux

package suite

import (
	"cmp"
	"io"
	"slices"
	"strconv"
	"strings"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/text"
	"ipclab/ipc"
)

func init() { diagramCmd.Run = runDiagram }

func runDiagram(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := diagramCmd.Flags(stdout)
	rows := fs.Int("rows", 60)
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 1 || *rows < 1 {
		return cli.Usage("diagram takes -rows N (at least 1) and at most one TRACE (see ipclab diagram -h)")
	}
	in := stdin
	if len(rest) == 1 && rest[0] != "-" {
		b, err := input.ReadFile(rest[0])
		if err != nil {
			return err
		}
		in = strings.NewReader(string(b))
	}
	b, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	d := parseTrace(string(b))
	if len(d.events) == 0 {
		return cli.Usage("no trace lines in the input: run a lab with -trace, its standard error is the trace")
	}
	_, err = stdout.Write(d.svg(*rows))
	return err
}

// An event is one line of the trace.
type event struct {
	at, took   int64  // ns since the lab started; how long the call took
	role, text string // "p1", "write(4, [12], 8) = 8"
	call       string // "write"; "" for a note
	obj        string // the object a transfer used: "pipe 4", "mq 5", "msg 32768", "ring"
	value      string // what it moved: "[12]"
	send, recv bool   // a transfer's side
	waited     bool   // it waits for another process: its line shows at its end
	level      int    // its object's fill at its time
	moved      int    // what it put in or took out: bytes in a pipe, else messages
	peer       int    // a send's receive, or -1
}

// A diagram is a parsed trace.
type diagram struct {
	events []*event
	roles  []string          // the processes, in order of appearance, parent first
	objs   []string          // the objects
	label  map[string]string // an object's name, from the descriptors' notes
	peak   map[string]int
	unit   map[string]string // "bytes" or "messages"
	maxmsg int               // a POSIX queue's capacity, from mq_open
}

// parseTrace reads the trace lines of s (other lines are ignored) and
// works out the transfers, their pairs and the objects' fill.
func parseTrace(s string) *diagram {
	d := &diagram{label: map[string]string{}, peak: map[string]int{}, unit: map[string]string{}}
	level := map[string]int{}
	pending := map[string][]int{} // object and value: sends not yet received
	for _, line := range strings.Split(s, "\n") {
		at, took, role, text, ok := ipc.ParseTraceLine(line)
		if !ok {
			continue
		}
		if role == "" {
			role = "process"
		}
		if !contains(d.roles, role) {
			d.roles = append(d.roles, role)
		}
		e := &event{at: at, took: took, role: role, text: text, peer: -1}
		d.classify(e)
		if e.obj != "" {
			if !contains(d.objs, e.obj) {
				d.objs = append(d.objs, e.obj)
			}
			key := e.obj + " " + e.value
			n := 1
			switch {
			case strings.HasPrefix(e.obj, "pipe"):
				n = result(text)
			case e.obj == "segment" && e.send: // the results stored: [220, 330, 40, 550]
				n = strings.Count(between(text, "[", "]"), ",") + 1
			case e.obj == "segment":
				n = 0 // read, not taken: they stay
			}
			e.moved = n
			if e.send {
				pending[key] = append(pending[key], len(d.events))
			} else if p := pending[key]; len(p) > 0 {
				d.events[p[0]].peer = len(d.events)
				pending[key] = p[1:]
			}
		}
		d.events = append(d.events, e)
	}
	d.levels(level)
	// The parent first, then the children in order of appearance.
	for i, r := range d.roles {
		if r == "parent" && i > 0 {
			copy(d.roles[1:i+1], d.roles[:i])
			d.roles[0] = "parent"
		}
	}
	return d
}

// levels works out how full each object was at each line's time: a send
// fills it when it is done (a send blocked on a full queue fills it only
// once a receive made room); a receive empties it when it starts, if it
// found something there at once, or when it is done, if it waited. A
// process can be slow to return from a receive that a send woke, so that
// these times place some receives late: the level never shows more than
// the object holds (a POSIX queue's maxmsg, a pipe's 64 KiB).
func (d *diagram) levels(level map[string]int) {
	type change struct {
		at    int64
		obj   string
		delta int
	}
	var cs []change
	for _, e := range d.events {
		switch {
		case e.obj == "":
		case e.send:
			cs = append(cs, change{e.at + e.took, e.obj, e.moved})
		case e.took < 20000:
			cs = append(cs, change{e.at - e.took, e.obj, -e.moved})
		default:
			cs = append(cs, change{e.at, e.obj, -e.moved})
		}
	}
	slices.SortStableFunc(cs, func(a, b change) int { return cmp.Compare(a.at, b.at) })
	k := 0
	for _, e := range d.events {
		for ; k < len(cs) && cs[k].at <= e.at; k++ {
			level[cs[k].obj] = max(level[cs[k].obj]+cs[k].delta, 0)
			if c := d.capacity(cs[k].obj); c > 0 {
				level[cs[k].obj] = min(level[cs[k].obj], c)
			}
			d.peak[cs[k].obj] = max(d.peak[cs[k].obj], level[cs[k].obj])
		}
		e.level = level[e.obj]
	}
}

// capacity is what object o holds at most, as far as the trace tells: a
// POSIX queue's maxmsg (from mq_open), a pipe's 65536 bytes; 0 if unknown.
func (d *diagram) capacity(o string) int {
	switch {
	case strings.HasPrefix(o, "pipe "):
		return 65536
	case strings.HasPrefix(o, "mq "):
		return d.maxmsg
	}
	return 0
}

// classify finds what kind of line e is: its call, and for a transfer
// its object and value.
func (d *diagram) classify(e *event) {
	t := e.text
	if strings.HasPrefix(t, "fd ") { // "fd 4 = write end of the pipe (parent's fd 8)"
		if eq := strings.Index(t, " = "); eq > 0 {
			d.name(t[3:eq], t[eq+3:])
		}
		return
	}
	if strings.HasPrefix(t, "ring[") { // "ring[3] = 55 (a store …)"
		e.obj, e.send, e.value = "ring", true, between(t, "] = ", " ")
		d.label["ring"], d.unit["ring"] = "the ring, in shared memory", "items"
		return
	}
	if strings.HasPrefix(t, "took ") { // "took 55 from ring[3] (…)"
		e.obj, e.recv, e.value = "ring", true, between(t, "took ", " ")
		return
	}
	if strings.HasPrefix(t, "stored result = ") { // "stored result = [220, 330] and sum = 550 in the segment: …"
		e.obj, e.send, e.value = "segment", true, "result"
		d.label["segment"], d.unit["segment"] = "the shared segment", "results"
		return
	}
	if strings.HasPrefix(t, "reads result") {
		e.obj, e.recv, e.value = "segment", true, "result"
		return
	}
	paren := strings.IndexByte(t, '(')
	if paren <= 0 || strings.IndexByte(t[:paren], ' ') >= 0 {
		return // a note
	}
	if m := between(t, "maxmsg=", ","); m != "" {
		d.maxmsg, _ = strconv.Atoi(m)
	}
	e.call = t[:paren]
	arg := between(t, "(", ",")
	switch e.call {
	case "read", "mq_timedreceive", "msgrcv", "futex", "wait4", "rt_sigtimedwait", "open":
		e.waited = e.call != "futex" || strings.Contains(t, "FUTEX_WAIT")
	}
	if strings.Contains(t, ") = -1 ") {
		return // failed: nothing moved
	}
	kind := ""
	switch e.call {
	case "write", "read":
		kind, e.send = "pipe ", e.call == "write"
		d.unit["pipe "+arg] = "bytes"
	case "mq_timedsend", "mq_timedreceive":
		kind, e.send = "mq ", e.call == "mq_timedsend"
		d.unit["mq "+arg] = "messages"
	case "msgsnd", "msgrcv":
		kind, e.send = "msg ", e.call == "msgsnd"
		d.unit["msg "+arg] = "messages"
		if d.label["msg "+arg] == "" {
			d.label["msg "+arg] = "System V queue " + arg
		}
	default:
		return
	}
	open := strings.IndexByte(t[paren:], '[')
	if open < 0 {
		if i := strings.IndexByte(t[paren:], '{'); i >= 0 && kind == "pipe " { // pipelab -writers' records
			open = i
		} else {
			return // the size only: no values shown
		}
	}
	v := t[paren+open:]
	closer := byte(']')
	if v[0] == '{' {
		closer = '}'
	}
	if i := strings.IndexByte(v, closer); i > 0 {
		v = v[:i+1]
	}
	e.obj, e.recv, e.value = kind+arg, !e.send, v
}

// name records the object a descriptor note names: "4", "write end of
// the pipe (parent's fd 8)".
func (d *diagram) name(fd, what string) {
	if i := strings.Index(what, " ("); i > 0 {
		what = what[:i]
	}
	switch {
	case strings.Contains(what, "pipe"):
		if i := strings.Index(what, " of "); i > 0 {
			what = what[i+4:]
		}
		d.label["pipe "+fd] = what
	case strings.Contains(what, "queue"):
		if i := strings.IndexByte(what, ','); i > 0 {
			what = what[:i]
		}
		d.label["mq "+fd] = what
	}
}

// result is a call's return value, "= 8": for a pipe, the bytes moved.
func result(t string) int {
	i := strings.LastIndex(t, ") = ")
	if i < 0 {
		return 0
	}
	n, _ := strconv.Atoi(strings.Fields(t[i+4:] + " ")[0])
	return n
}

// between is what s holds between the first after and the next before
// (or the end).
func between(s, after, before string) string {
	i := strings.Index(s, after)
	if i < 0 {
		return ""
	}
	s = s[i+len(after):]
	if j := strings.Index(s, before); j >= 0 {
		s = s[:j]
	}
	return s
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// The diagram's geometry, in SVG user units (pixels).
const (
	rowH   = 22  // a line of the trace
	laneW  = 190 // a lane
	left   = 90  // the time column
	top    = 96  // the title and lane headers
	markR  = 4   // a call's mark
	labelN = 30  // characters of a call's label
)

// svg draws the diagram: its first rows lines, then a summary of the rest.
func (d *diagram) svg(rows int) []byte {
	n := min(rows, len(d.events))
	lanes := append(append([]string{}, d.roles[:1]...), d.lanesAfterParent()...)
	x := map[string]int{}
	for i, l := range lanes {
		x[l] = left + laneW/2 + i*laneW
	}
	w := left + len(lanes)*laneW + 120 // room for the last lane's labels
	summary := len(d.events) > n
	h := top + n*rowH + 40
	if summary {
		h += 30 + 20*(len(d.roles)+len(d.objs)+1)
	}
	h += 70 // the legend
	var b svgBuf
	b.s(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.s(`<svg xmlns="http://www.w3.org/2000/svg" width="`).i(w).s(`" height="`).i(h).s(`" viewBox="0 0 `).i(w).s(" ").i(h).
		s(`" font-family="DejaVu Sans Mono, monospace" font-size="11">` + "\n")
	b.s(`<rect width="100%" height="100%" fill="#ffffff"/>` + "\n")
	b.s(`<text x="10" y="22" font-size="15" font-weight="bold">`).esc(d.title()).s("</text>\n")
	b.s(`<text x="10" y="40" fill="#555">time runs down; a row a line of the trace, in its order (see the trace's own times on the left)</text>` + "\n")
	// Lanes: headers and lines; the objects' fill drawn first, under all.
	for _, l := range lanes {
		lx := x[l]
		name, color := l, "#1f4e79"
		if contains(d.objs, l) {
			name, color = d.objName(l), "#7f4f00"
		}
		b.s(`<text x="`).i(lx).s(`" y="70" text-anchor="middle" font-weight="bold" fill="` + color + `">`).esc(name).s("</text>\n")
		b.s(`<line x1="`).i(lx).s(`" y1="80" x2="`).i(lx).s(`" y2="`).i(top + n*rowH).s(`" stroke="` + color + `" stroke-dasharray="4 3"/>` + "\n")
	}
	for _, o := range d.objs {
		d.fill(&b, o, x[o], n)
	}
	// Waits: a shaded bar on the process's lane, from the row where the
	// wait began to the row of its line (or on, for a call that shows at
	// its start).
	for i := 0; i < n; i++ {
		e := d.events[i]
		if e.took < 20000 || e.call == "" {
			continue // under 20 µs: no wait to see
		}
		from, to := i, i
		if e.waited {
			for from > 0 && d.events[from-1].at >= e.at-e.took {
				from--
			}
		} else {
			for to+1 < n && d.events[to+1].at <= e.at+e.took {
				to++
			}
		}
		b.s(`<rect x="`).i(x[e.role] - 7).s(`" y="`).i(top + from*rowH - rowH/2).s(`" width="14" height="`).i((to-from+1)*rowH - 4).
			s(`" fill="#f4b183" fill-opacity="0.55"><title>`).esc(e.role + " waited " + micros(e.took) + " in " + e.call).s("</title></rect>\n")
	}
	// Messages: an arrow from the send to its receive.
	b.s(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#2e7d32"/></marker></defs>` + "\n")
	for i := 0; i < n; i++ {
		e := d.events[i]
		if !e.send || e.peer < 0 || e.peer >= n {
			continue
		}
		r := d.events[e.peer]
		b.s(`<line x1="`).i(x[e.role]).s(`" y1="`).i(top + i*rowH).s(`" x2="`).i(x[r.role]).s(`" y2="`).i(top + e.peer*rowH).
			s(`" stroke="#2e7d32" stroke-width="1.3" marker-end="url(#arrow)"><title>`).esc(e.value + " via " + d.objName(e.obj)).s("</title></line>\n")
	}
	// The lines: the time, a mark on the process's lane and what it did.
	for i := 0; i < n; i++ {
		e := d.events[i]
		y := top + i*rowH
		b.s(`<text x="8" y="`).i(y + 4).s(`" fill="#777">`).s(seconds(e.at)).s("</text>\n")
		lx := x[e.role]
		fill := "#1f4e79"
		if e.call == "" {
			fill = "#999999"
		}
		b.s(`<circle cx="`).i(lx).s(`" cy="`).i(y).s(`" r="`).i(markR).s(`" fill="` + fill + `"/>` + "\n")
		label := e.text
		if e.value != "" && e.call != "" {
			label = e.call + " " + e.value
		}
		if len(label) > labelN {
			label = label[:labelN-1] + "…"
		}
		b.s(`<text x="`).i(lx + 8).s(`" y="`).i(y + 4).s(`"><title>`).esc("[" + e.role + "] " + e.text).s("</title>").esc(label).s("</text>\n")
	}
	y := top + n*rowH + 24
	if summary {
		b.s(`<text x="10" y="`).i(y).s(`" font-weight="bold">`).esc("… and " + text.Itoa(len(d.events)-n) + " more lines; the whole run:").s("</text>\n")
		for _, line := range d.summary() {
			y += 20
			b.s(`<text x="24" y="`).i(y).s(`">`).esc(line).s("</text>\n")
		}
		y += 10
	}
	y += 24
	b.s(`<circle cx="16" cy="`).i(y - 4).s(`" r="4" fill="#1f4e79"/><text x="26" y="`).i(y).s(`">a system call</text>` + "\n")
	b.s(`<circle cx="156" cy="`).i(y - 4).s(`" r="4" fill="#999999"/><text x="166" y="`).i(y).s(`">a note (no system call)</text>` + "\n")
	b.s(`<line x1="356" y1="`).i(y - 4).s(`" x2="386" y2="`).i(y - 4).s(`" stroke="#2e7d32" marker-end="url(#arrow)"/><text x="392" y="`).i(y).s(`">a message, send to receive</text>` + "\n")
	y += 20
	b.s(`<rect x="10" y="`).i(y - 12).s(`" width="12" height="14" fill="#f4b183" fill-opacity="0.55"/><text x="26" y="`).i(y).s(`">in a call (waiting, or at work)</text>` + "\n")
	b.s(`<rect x="300" y="`).i(y - 12).s(`" width="12" height="14" fill="#ffe699"/><text x="316" y="`).i(y).s(`">how full the object is</text>` + "\n")
	b.s("</svg>\n")
	return b.b
}

// lanesAfterParent orders the other lanes: the processes that send, the
// objects, then the rest.
func (d *diagram) lanesAfterParent() []string {
	senders := map[string]bool{}
	for _, e := range d.events {
		if e.send {
			senders[e.role] = true
		}
	}
	var first, last []string
	for _, r := range d.roles[1:] {
		if senders[r] {
			first = append(first, r)
		} else {
			last = append(last, r)
		}
	}
	return append(append(first, d.objs...), last...)
}

// fill draws how full object o was along its lane: a band whose width
// grows with the level, row by row.
func (d *diagram) fill(b *svgBuf, o string, lx, n int) {
	peak := max(d.peak[o], 1)
	level := 0
	for i := 0; i < n; i++ {
		if e := d.events[i]; e.obj == o {
			level = e.level
		}
		if level == 0 {
			continue
		}
		wd := max(2, level*(laneW-40)/peak)
		b.s(`<rect x="`).i(lx - wd/2).s(`" y="`).i(top + i*rowH - rowH/2).s(`" width="`).i(wd).s(`" height="`).i(rowH).
			s(`" fill="#ffe699"><title>`).esc(text.Itoa(level) + " " + d.unit[o] + " in " + d.objName(o)).s("</title></rect>\n")
	}
}

// title names the run: the lab's object and processes.
func (d *diagram) title() string {
	var objs []string
	for _, o := range d.objs {
		objs = append(objs, d.objName(o))
	}
	s := strings.Join(d.roles, ", ")
	if len(objs) > 0 {
		s += " and " + strings.Join(objs, ", ")
	}
	return s + ": " + text.Itoa(len(d.events)) + " lines of trace"
}

func (d *diagram) objName(o string) string {
	if l := d.label[o]; l != "" {
		return l
	}
	return o
}

// summary describes the whole run: each process's calls and waits, each
// object's traffic and peak.
func (d *diagram) summary() []string {
	var lines []string
	for _, r := range d.roles {
		calls, sends, recvs := 0, 0, 0
		var waited, first, last int64 = 0, -1, 0
		for _, e := range d.events {
			if e.role != r {
				continue
			}
			if first < 0 {
				first = e.at
			}
			last = e.at
			if e.call != "" {
				calls++
			}
			if e.send {
				sends++
			}
			if e.recv {
				recvs++
			}
			if e.call != "" && e.took >= 20000 {
				waited += e.took
			}
		}
		lines = append(lines, r+": "+text.Itoa(calls)+" system calls, "+text.Itoa(sends)+" sends, "+text.Itoa(recvs)+
			" receives, from "+seconds(max(first, 0))+" to "+seconds(last)+" s, waiting "+micros(waited))
	}
	for _, o := range d.objs {
		moved := 0
		for _, e := range d.events {
			if e.obj == o && e.send {
				moved++
			}
		}
		lines = append(lines, d.objName(o)+": "+text.Itoa(moved)+" sends, at most "+text.Itoa(d.peak[o])+" "+d.unit[o]+" in it at once")
	}
	return lines
}

// seconds shows ns as seconds, "0.001234", as the trace does.
func seconds(ns int64) string {
	return strings.TrimSpace(string(ipc.FormatTraceLine(nil, ns, 0, "", 'n', nil)))
}

// micros shows ns as microseconds or milliseconds.
func micros(ns int64) string {
	if ns >= 10e6 {
		return text.Int64(ns/1e6) + " ms"
	}
	return text.Int64(ns/1e3) + " µs"
}

// svgBuf builds the SVG text.
type svgBuf struct{ b []byte }

func (b *svgBuf) s(s string) *svgBuf { b.b = append(b.b, s...); return b }
func (b *svgBuf) i(n int) *svgBuf    { b.b = strconv.AppendInt(b.b, int64(n), 10); return b }

// esc appends s as XML text.
func (b *svgBuf) esc(s string) *svgBuf {
	for _, c := range []byte(s) {
		switch c {
		case '<':
			b.b = append(b.b, "&lt;"...)
		case '>':
			b.b = append(b.b, "&gt;"...)
		case '&':
			b.b = append(b.b, "&amp;"...)
		case '"':
			b.b = append(b.b, "&quot;"...)
		default:
			if c >= ' ' || c == '\t' {
				b.b = append(b.b, c)
			}
		}
	}
	return b
}
