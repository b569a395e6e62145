package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"ipclab/internal/command"
)

// tools are the programs the documentation may run besides the
// repository's own (make targets, scripts, go run and go tool, the labs):
// what a reader has or installs, each checked by hand.
var tools = map[string]bool{
	"python3": true, "printf": true, "seq": true, "echo": true, "cat": true,
	"head": true, "tail": true, "grep": true, "ls": true, "export": true,
	"cd": true, "wait": true, "exit": true, "prlimit": true, "sudo": true,
	"dd": true, "bmaptool": true, "scp": true, "tar": true,
	"docker": true, "podman": true, "skopeo": true, "kubectl": true,
	"ctr": true, "umoci": true, "runc": true, "node": true, "wasmtime": true,
	"strace": true, "ipcs": true, "perf": true, "taskset": true,
}

// A shellCommand is a command line of a code block and where it is.
type shellCommand struct {
	Line int
	Text string
}

// commandLines returns the command lines of md's code blocks: those after
// a "$ " prompt, and those without one that isCommand recognises.
func commandLines(md string) []shellCommand {
	var cs []shellCommand
	fenced := false
	for i, line := range strings.Split(withoutBlocks(md), "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") {
			fenced = !fenced
			continue
		}
		if !fenced && !strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "\t") {
			continue
		}
		switch {
		case strings.HasPrefix(trim, "$ "):
			cs = append(cs, shellCommand{i + 1, strings.TrimPrefix(trim, "$ ")})
		case isCommand(trim) && !strings.HasPrefix(trim, "#"):
			cs = append(cs, shellCommand{i + 1, trim})
		}
	}
	return cs
}

// words splits a command line as a shell would, roughly: on blanks, with
// quotes kept together and removed, a comment dropped, and the operators
// | || && ; & as words of their own.
func words(line string) []string {
	var ws []string
	var w strings.Builder
	in := false // a word is being built
	flush := func() {
		if in {
			ws = append(ws, w.String())
			w.Reset()
			in = false
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				j = len(line) - i - 1
			}
			w.WriteString(line[i+1 : i+1+j])
			in = true
			i += j + 1
		case c == '#' && !in:
			flush()
			return ws
		case c == ' ' || c == '\t':
			flush()
		case c == '|' || c == '&' || c == ';':
			flush()
			op := string(c)
			if i+1 < len(line) && (line[i+1] == '|' || line[i+1] == '&') && line[i+1] == c {
				op += string(c)
				i++
			}
			if c == '&' && i > 0 && line[i-1] == '>' {
				w.WriteString(op) // 2>&1
				in = true
				continue
			}
			ws = append(ws, op)
		default:
			w.WriteByte(c)
			in = true
		}
	}
	flush()
	return ws
}

var assignRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// redirect reports whether w is a redirection (2>&1, >/dev/null, <file)
// and whether it takes the next word as its file.
func redirect(w string) (is, takesNext bool) {
	t := strings.TrimLeft(w, "0123456789")
	if strings.HasPrefix(t, ">") || strings.HasPrefix(t, "<") {
		t = strings.TrimLeft(t, "<>&")
		return true, t == ""
	}
	return false, false
}

// checker checks command lines against the repository under root.
type checker struct {
	root    string
	targets map[string]bool // the Makefile's
	tools   map[string]bool // go.mod's go tool names
	vars    map[string]bool // shell variables set by earlier lines
}

func newChecker(root string) (*checker, error) {
	c := &checker{root: root, targets: map[string]bool{}, tools: map[string]bool{}, vars: map[string]bool{}}
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(mk), "\n") {
		if t, ok := strings.CutPrefix(l, ".PHONY:"); ok {
			for _, f := range strings.Fields(t) {
				c.targets[f] = true
			}
		} else if m := regexp.MustCompile(`^([A-Za-z0-9_./-]+):`).FindStringSubmatch(l); m != nil && !strings.Contains(l, ":=") {
			c.targets[m[1]] = true
		}
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	if _, block, ok := strings.Cut(string(gomod), "\ntool ("); ok {
		block, _, _ = strings.Cut(block, ")")
		for _, f := range strings.Fields(block) {
			c.tools[filepath.Base(f)] = true
		}
	}
	return c, nil
}

// check returns what is wrong with the command line: each simple command
// of it must run something that exists.
func (c *checker) check(line string) []string {
	var errs []string
	var cmd []string
	ws := append(words(line), ";")
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		switch w {
		case "|", "||", "&&", ";", "&":
			if len(cmd) > 0 {
				if err := c.simple(cmd); err != nil {
					errs = append(errs, err.Error())
				}
			}
			cmd = nil
			continue
		}
		if is, next := redirect(w); is {
			if next {
				i++
			}
			continue
		}
		cmd = append(cmd, w)
	}
	return errs
}

// simple checks one simple command, its words.
func (c *checker) simple(ws []string) error {
	for len(ws) > 0 && assignRE.MatchString(ws[0]) {
		c.vars[ws[0][:strings.IndexByte(ws[0], '=')]] = true
		ws = ws[1:]
	}
	if len(ws) == 0 {
		return nil
	}
	name := ws[0]
	switch {
	case name == "sudo" || name == "nice" || name == "time":
		return c.simple(ws[1:])
	case name == "prlimit" || name == "taskset":
		for i := 1; i < len(ws); i++ {
			if !strings.HasPrefix(ws[i], "-") && (name != "taskset" || !strings.ContainsAny(ws[i][:1], "0123456789")) {
				return c.simple(ws[i:])
			}
		}
		return nil
	case strings.HasPrefix(name, "$"):
		if !c.vars[strings.Trim(name, "${}")] {
			return fmt.Errorf("%s: a variable no earlier line sets", name)
		}
		return nil
	case name == "make":
		for _, a := range ws[1:] {
			if !assignRE.MatchString(a) && !strings.HasPrefix(a, "-") && !c.targets[a] {
				return fmt.Errorf("make %s: no such target in the Makefile", a)
			}
		}
		return nil
	case name == "go":
		return c.goCommand(ws)
	case name == "python3" || name == "node":
		if len(ws) > 1 && !strings.HasPrefix(ws[1], "-") {
			return c.exists(ws[1])
		}
		return nil
	}
	if lab := lookup(filepath.Base(name)); lab != nil {
		if strings.Contains(name, "/") && !strings.HasPrefix(name, "./") {
			if err := c.exists(filepath.Dir(name)); err != nil && !strings.HasPrefix(name, "out/") {
				return err
			}
		}
		return checkLab(lab, ws[1:])
	}
	if strings.HasPrefix(name, "scripts/") || strings.HasPrefix(name, "./scripts/") {
		return c.exists(name)
	}
	if !tools[name] {
		return fmt.Errorf("%s: not a make target, script, lab or allowed tool", name)
	}
	return nil
}

// goCommand checks go run PACKAGE and go tool NAME.
func (c *checker) goCommand(ws []string) error {
	if len(ws) < 2 {
		return nil
	}
	switch ws[1] {
	case "run":
		for _, a := range ws[2:] {
			if !strings.HasPrefix(a, "-") {
				return c.exists(a)
			}
		}
	case "tool":
		if len(ws) > 2 && !c.tools[ws[2]] {
			return fmt.Errorf("go tool %s: not a tool of go.mod", ws[2])
		}
	}
	return nil
}

func (c *checker) exists(path string) error {
	if _, err := os.Stat(filepath.Join(c.root, path)); err != nil {
		return fmt.Errorf("%s: no such file in the repository", path)
	}
	return nil
}

var flagRE = regexp.MustCompile(`(?:^|[\s\[(|])(-[a-z][a-z0-9-]*)`)

// checkLab checks a lab's or ipclab's arguments against the command
// table: the subcommand exists, and each option is in its synopsis.
func checkLab(cmd *command.Command, args []string) error {
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub := subcommand(cmd, args[0])
		if sub == nil {
			break // an operand: a FILE, a NAME
		}
		cmd, args = sub, args[1:]
	}
	known := map[string]bool{"-h": true}
	for _, text := range cmd.Forms() {
		for _, m := range flagRE.FindAllStringSubmatch(text, -1) {
			known[m[1]] = true
		}
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-") && len(a) > 1 && !strings.ContainsAny(a[1:2], "0123456789") && !known[a] {
			return fmt.Errorf("%s: %s has no option %s", cmd.Path(), cmd.Name, a)
		}
	}
	return nil
}

// subcommand returns cmd's subcommand named name, if any.
func subcommand(cmd *command.Command, name string) *command.Command {
	for _, s := range cmd.Subs {
		if s.Name == name {
			return s
		}
	}
	return nil
}
