package main

// The course's generated blocks (docs/course.md): a real trace with
// notes, and the table of who holds which descriptor, both from the
// traces make course records (docs/course/).
//
//	<!-- gen:trace FILE -->     the trace FILE.trace as a code block, its
//	                            lines numbered where FILE.notes has a note,
//	                            then the notes as a numbered list
//	<!-- gen:fds FILE -->       who holds what, from the trace FILE.trace

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"ipclab/ipc"
)

// traceBlock is gen:trace FILE.
func traceBlock(args []string) (string, error) { return annotatedTrace(args[0]) }

// fdsBlock is gen:fds FILE.
func fdsBlock(args []string) (string, error) { return fdTable(args[0]) }

// indent makes lines a Markdown code block.
func indent(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString("    " + l)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// traceLine is one line of a trace file.
type traceLine struct {
	raw, role, text string
}

// readTrace reads the trace name.trace (under the module's root).
func readTrace(name string) ([]traceLine, error) {
	b, err := os.ReadFile(filepath.Join(root, name+".trace"))
	if err != nil {
		return nil, fmt.Errorf("%v (make course)", err)
	}
	var lines []traceLine
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		_, _, role, text, ok := ipc.ParseTraceLine(l)
		if !ok {
			return nil, fmt.Errorf("%s.trace: not a trace line: %q", name, l)
		}
		lines = append(lines, traceLine{l, role, text})
	}
	return lines, nil
}

// A note explains the first line of a trace that contains match
// ("[p1] write(4, [12]").
type note struct {
	match, text string
}

// readNotes reads name.notes: a line that does not start with white
// space is what a trace line must contain ("[role] text" without the
// times), the indented lines after it the note on that line, in Markdown;
// lines starting with # are comments.
func readNotes(name string) ([]note, error) {
	b, err := os.ReadFile(filepath.Join(root, name+".notes"))
	if err != nil {
		return nil, err
	}
	var notes []note
	for i, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "#") || strings.TrimSpace(l) == "":
		case l[0] == ' ' || l[0] == '\t':
			if len(notes) == 0 {
				return nil, fmt.Errorf("%s.notes:%d: a note before any line to match", name, i+1)
			}
			n := &notes[len(notes)-1]
			n.text = strings.TrimSpace(n.text + " " + strings.TrimSpace(l))
		default:
			notes = append(notes, note{match: l})
		}
	}
	return notes, nil
}

// annotatedTrace is the trace name.trace as a code block, the lines
// name.notes explains numbered, and the notes below it.
func annotatedTrace(name string) (string, error) {
	lines, err := readTrace(name)
	if err != nil {
		return "", err
	}
	notes, err := readNotes(name)
	if err != nil {
		return "", err
	}
	// The notes in the order of their lines, numbered in that order.
	at := make([]int, len(notes))
	for k, n := range notes {
		at[k] = slices.IndexFunc(lines, func(l traceLine) bool { return strings.Contains(l.tagged(), n.match) })
		if at[k] < 0 {
			return "", fmt.Errorf("%s.notes: no line of %s.trace contains %q: the trace changed, mend the notes", name, name, n.match)
		}
		if j := slices.Index(at[:k], at[k]); j >= 0 {
			return "", fmt.Errorf("%s.notes: %q and %q are notes on one line", name, notes[j].match, n.match)
		}
	}
	order := make([]int, len(notes))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int { return at[a] - at[b] })
	mark := make([]string, len(lines))
	for num, k := range order {
		mark[at[k]] = fmt.Sprintf("(%d)", num+1)
	}
	var code []string
	for i, l := range lines {
		code = append(code, fmt.Sprintf("%-4s%s", mark[i], l.raw))
	}
	var b strings.Builder
	b.WriteString("\n" + indent(code) + "\n")
	for num, k := range order {
		fmt.Fprintf(&b, "%d. %s\n", num+1, notes[k].text)
	}
	b.WriteString("\n")
	return b.String(), nil
}

// tagged is the line as notes match it: "[role] text", without times.
func (l traceLine) tagged() string {
	if l.role == "" {
		return l.text
	}
	return "[" + l.role + "] " + l.text
}

var (
	fdLine   = regexp.MustCompile(`^fd ([0-9,]+) = (.*?)(?: \(parent's fd ([0-9]+)\))?$`)
	started  = regexp.MustCompile(`^fork\+exec\([^,]*, ([a-z0-9]+)\) = [0-9]+`)
	closed   = regexp.MustCompile(`^close\(([0-9]+)\) = 0`)
	madeID   = regexp.MustCompile(`^(msgget|shmget)\(.*\) = ([0-9]+)$`)
	usedID   = regexp.MustCompile(`^(?:msgsnd|msgrcv|msgctl|shmat|shmctl)\(([0-9]+),`)
	attached = regexp.MustCompile(`^(?:shmat|mmap)\(.*\) = (0x[0-9a-f]+)$`)
)

// fdTable is a Markdown table of what each process of the trace
// name.trace holds: a row per descriptor the children say they were
// given ("fd 4 = write end of the pipe (parent's fd 12)"), with the
// parent's number for it and whether the parent closed it; a row per
// System V object (an id, no descriptor); and a row for the addresses
// at which each process has the shared memory.
func fdTable(name string) (string, error) {
	lines, err := readTrace(name)
	if err != nil {
		return "", err
	}
	roles := []string{"parent"}
	var rows []string // the descriptions, in order of first appearance
	cell := map[[2]string]string{}
	set := func(row, role, v string) {
		if !slices.Contains(rows, row) {
			rows = append(rows, row)
		}
		if k := [2]string{row, role}; cell[k] == "" {
			cell[k] = v
		}
	}
	closedAfter := map[string]string{} // the parent's fd → the last child started before it closed it
	for _, l := range lines {
		if l.role != "parent" {
			continue
		}
		if m := started.FindStringSubmatch(l.text); m != nil {
			roles = append(roles, m[1])
		}
		if m := closed.FindStringSubmatch(l.text); m != nil && len(roles) > 1 {
			closedAfter[m[1]] = roles[len(roles)-1]
		}
	}
	objects := map[string]string{} // a System V id → its row
	for _, l := range lines {
		if !slices.Contains(roles, l.role) {
			return "", fmt.Errorf("%s.trace: [%s] is not the parent nor a child it started", name, l.role)
		}
		if m := fdLine.FindStringSubmatch(l.text); m != nil && l.role != "parent" {
			row := m[2]
			set(row, l.role, "fd "+m[1])
			switch {
			case m[3] != "" && closedAfter[m[3]] != "":
				set(row, "parent", "fd "+m[3]+", closed after starting "+closedAfter[m[3]])
			case m[3] != "":
				set(row, "parent", "fd "+m[3])
			case strings.Contains(row, "lifeline"):
				set(row, "parent", "the write end")
			case strings.Contains(row, "the trace's"):
				set(row, "parent", "the read end and the page")
			}
		}
		if m := madeID.FindStringSubmatch(l.text); m != nil {
			kind := "System V queue"
			if m[1] == "shmget" {
				kind = "System V segment"
			}
			objects[m[2]] = kind + " " + m[2] + " (an id, not a descriptor)"
		}
		if m := usedID.FindStringSubmatch(l.text); m != nil && objects[m[1]] != "" {
			set(objects[m[1]], l.role, "its id")
		}
		if m := attached.FindStringSubmatch(l.text); m != nil {
			set("the shared memory, mapped", l.role, "at "+m[1])
		}
	}
	var b strings.Builder
	b.WriteString("\n```mermaid\n" + fdGraph(roles, rows, cell) + "```\n")
	b.WriteString("\n| | " + strings.Join(roles, " | ") + " |\n|" + strings.Repeat(" --- |", len(roles)+1) + "\n")
	for _, r := range rows {
		b.WriteString("| " + r)
		for _, role := range roles {
			v := cell[[2]string{r, role}]
			if v == "" {
				v = "—"
			}
			b.WriteString(" | " + v)
		}
		b.WriteString(" |\n")
	}
	b.WriteString("\n")
	return b.String(), nil
}

// fdGraph draws fdTable's rows as a Mermaid flowchart (GitHub shows it as
// a picture): a node for each process and each kernel object, an edge for
// each descriptor, id or mapping a process has of an object — from the
// process to a pipe it writes, from a pipe to the process that reads it,
// dotted for what the parent closed. The trace's own pipe is left out.
func fdGraph(roles, rows []string, cell map[[2]string]string) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, r := range roles {
		fmt.Fprintf(&b, "  %s([\"%s\"])\n", r, r)
	}
	var objects []string
	node := func(label string) string {
		i := slices.Index(objects, label)
		if i < 0 {
			objects = append(objects, label)
			i = len(objects) - 1
			fmt.Fprintf(&b, "  o%d[(\"%s\")]\n", i+1, label)
		}
		return fmt.Sprintf("o%d", i+1)
	}
	var edges, labels []string // "from link to", and its label
	for _, r := range rows {
		if strings.Contains(r, "the trace's") {
			continue
		}
		label, end := r, ""
		for _, e := range []string{"write end", "read end"} {
			if l, ok := strings.CutPrefix(r, e+" of "); ok {
				label, end = l, e
			}
		}
		if i := strings.IndexAny(label, ",("); i > 0 {
			label = strings.TrimSpace(label[:i])
		}
		if strings.HasPrefix(label, "the shared memory") {
			// The segment's id, its file and its mappings are one object.
			label = "the shared memory"
			if i := slices.IndexFunc(objects, func(o string) bool { return strings.HasPrefix(o, "System V segment") }); i >= 0 {
				label = objects[i]
			}
		}
		o := node(label)
		for _, role := range roles {
			v := cell[[2]string{r, role}]
			if v == "" {
				continue
			}
			e := end
			if strings.Contains(r, "lifeline") {
				e = "read end"
				if role == "parent" {
					v, e = "", "write end"
				}
			}
			// "fd 12 (write end), closed after starting p2"
			text, rest, _ := strings.Cut(v, ", ")
			switch {
			case text == "":
				text = e
			case e != "":
				text += " (" + e + ")"
			}
			if rest != "" {
				text += ", " + rest
			}
			// Data flow from writer to reader; a descriptor the parent
			// closed, dotted and without a direction; the rest plain.
			from, link, to := role, "---", o
			switch {
			case strings.Contains(v, "closed"):
				link = "-.-"
			case e == "write end":
				link = "-->"
			case e == "read end":
				from, link, to = o, "-->", role
			}
			k := from + " " + link + " " + to
			if i := slices.Index(edges, k); i >= 0 {
				labels[i] += "; " + text // an id and a mapping: one edge
			} else {
				edges, labels = append(edges, k), append(labels, text)
			}
		}
	}
	for i, k := range edges {
		from, rest, _ := strings.Cut(k, " ")
		link, to, _ := strings.Cut(rest, " ")
		fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", from, link, labels[i], to)
	}
	return b.String()
}
