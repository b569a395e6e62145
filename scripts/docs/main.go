// Command docs keeps the documentation in step with what it documents:
// the doc comments of cmd/*/*.go and the README's synopses with the
// command table (internal/suite), the way cmd/go keeps alldocs.go in step
// with its help texts. make docs runs it; its test fails when anything
// it would change is stale.
//
// Synopsis:
//
//	go run ./scripts/docs [-check] [-root DIR]
//
// In each command's doc comment it rewrites two sections from the table:
// the forms under "Synopsis:" (up to "Description:"), and under
// "Options:" (up to "Example:") the command's options and its
// subcommands'. In Markdown files (README.md, docs/*.md) it rewrites
// every generated block: the lines between
//
//	<!-- gen:synopsis LAB -->
//	<!-- /gen -->
//
// become LAB's forms as an indented code block, and <!-- gen:sizes [KEY...] -->
// a table of the figures make sizes measured (out/sizes.json; all, or
// those KEYs). With -check it changes nothing and lists what is stale,
// exiting 1 if anything is: a generated block that differs, except that a
// size may be up to 2 % off the build's own.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"ipclab/internal/command"
	"ipclab/internal/suite"
)

func main() {
	check := flag.Bool("check", false, "change nothing: list what is stale, exit 1 if anything is")
	root := flag.String("root", ".", "the module's root directory")
	flag.Parse()
	stale, err := run(*root, !*check)
	for _, s := range stale {
		fmt.Fprintln(os.Stderr, "docs: stale:", s)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "docs:", err)
		os.Exit(1)
	}
	if *check && len(stale) > 0 {
		fmt.Fprintln(os.Stderr, "docs: run make docs")
		os.Exit(1)
	}
}

// root is the module's root directory, where out/sizes.json is.
var root string

// run regenerates the documentation under dir (if write is set) and
// returns the files whose contents were stale.
func run(dir string, write bool) (stale []string, err error) {
	root = dir
	files := map[string]func([]byte) ([]byte, error){}
	for _, c := range commands() {
		files[filepath.Join("cmd", c.Name, c.Name+".go")] = func(b []byte) ([]byte, error) { return docComment(b, c) }
	}
	md, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	md = append(md, filepath.Join(root, "README.md"), filepath.Join(root, "images", "README.md"))
	for _, f := range md {
		rel, _ := filepath.Rel(root, f)
		files[rel] = func(b []byte) ([]byte, error) { return markdown(b, !write) }
	}
	for name, gen := range files {
		path := filepath.Join(root, name)
		old, err := os.ReadFile(path)
		if err != nil {
			return stale, err
		}
		b, err := gen(old)
		if err != nil {
			return stale, fmt.Errorf("%s: %v", name, err)
		}
		if bytes.Equal(b, old) {
			continue
		}
		stale = append(stale, name)
		if write {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				return stale, err
			}
		}
	}
	return stale, nil
}

// commands are the programs with a cmd/ directory: ipclab and the labs.
func commands() []*command.Command {
	cs := []*command.Command{suite.Command}
	for _, c := range suite.Command.Subs {
		if c.Program {
			cs = append(cs, c)
		}
	}
	return cs
}

// lookup returns the program name in the table.
func lookup(name string) *command.Command {
	for _, c := range commands() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// docComment rewrites the Synopsis and Options sections of the doc
// comment in the Go source b from c.
func docComment(b []byte, c *command.Command) ([]byte, error) {
	var syn strings.Builder
	syn.WriteString("//\n")
	for _, f := range c.Forms() {
		syn.WriteString("//\t" + f + "\n")
	}
	syn.WriteString("//\n")
	b, err := replaceSection(b, "// Synopsis:\n", "// Description:\n", syn.String())
	if err != nil {
		return nil, err
	}
	return replaceSection(b, "// Options:\n", "// Example:\n", options(c))
}

// options is the Options section of c's doc comment: c's options, then
// its subcommands' under "Options of …:", those with the same options
// together.
func options(c *command.Command) string {
	var b strings.Builder
	b.WriteString("//\n")
	block(&b, c.Options)
	var groups [][]*command.Command
	for _, s := range c.Subs {
		if s.Program || s.Options == "" {
			continue
		}
		if n := len(groups); n > 0 && groups[n-1][0].Options == s.Options {
			groups[n-1] = append(groups[n-1], s)
		} else {
			groups = append(groups, []*command.Command{s})
		}
	}
	for _, g := range groups {
		var names []string
		for _, s := range g {
			names = append(names, s.Name)
		}
		fmt.Fprintf(&b, "// Options of %s %s:\n//\n", c.Name, andList(names))
		block(&b, g[0].Options)
	}
	return b.String()
}

// block writes the usage lines text as a code block of a doc comment.
func block(b *strings.Builder, text string) {
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		b.WriteString("//\t" + strings.TrimPrefix(l, "  ") + "\n")
	}
	b.WriteString("//\n")
}

// andList is "a", "a and b", "a, b and c".
func andList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// replaceSection replaces what lies between the lines start and end in b
// with body.
func replaceSection(b []byte, start, end, body string) ([]byte, error) {
	i := bytes.Index(b, []byte(start))
	if i < 0 {
		return nil, fmt.Errorf("no %q line", strings.TrimSpace(start))
	}
	i += len(start)
	j := bytes.Index(b[i:], []byte(end))
	if j < 0 {
		return nil, fmt.Errorf("no %q line after %q", strings.TrimSpace(end), strings.TrimSpace(start))
	}
	return slicesConcat(b[:i], []byte(body), b[i+j:]), nil
}

func slicesConcat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// markdown rewrites the generated blocks of a Markdown file. With
// tolerant set, a sizes block whose figures are all within 2 % of the
// build's stays as it is.
func markdown(b []byte, tolerant bool) ([]byte, error) {
	const open, close = "<!-- gen:", "<!-- /gen -->"
	var out []byte
	for {
		i := bytes.Index(b, []byte(open))
		if i < 0 {
			return append(out, b...), nil
		}
		nl := bytes.IndexByte(b[i:], '\n')
		if nl < 0 {
			return nil, errors.New("a gen marker without a line end")
		}
		head := string(b[i : i+nl+1])
		j := bytes.Index(b[i+nl:], []byte(close))
		if j < 0 {
			return nil, fmt.Errorf("%s without %s", strings.TrimSpace(head), close)
		}
		what := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(head), open), " -->")
		body, err := generate(what)
		if err != nil {
			return nil, err
		}
		if old := string(b[i+nl+1 : i+nl+j]); tolerant && strings.HasPrefix(what, "sizes") && close2(old, body) {
			body = old
		}
		out = append(append(append(out, b[:i]...), head...), body...)
		b = b[i+nl+j:]
		out = append(out, close...)
		b = b[len(close):]
	}
}

// generate returns the body of the generated block named what.
func generate(what string) (string, error) {
	f := strings.Fields(what)
	switch {
	case len(f) == 2 && f[0] == "synopsis":
		c := lookup(f[1])
		if c == nil {
			return "", fmt.Errorf("gen:synopsis %s: no such program", f[1])
		}
		var b strings.Builder
		b.WriteString("\n")
		for _, form := range c.Forms() {
			b.WriteString("    " + form + "\n")
		}
		b.WriteString("\n")
		return b.String(), nil
	case len(f) >= 1 && f[0] == "sizes":
		return sizesTable(f[1:])
	}
	if body, ok, err := courseBlock(f); ok {
		return body, err
	}
	return "", fmt.Errorf("unknown generated block %q", what)
}

// A size is one of make sizes' figures (scripts/sizes).
type size struct {
	Key   string `json:"key"`
	What  string `json:"what"`
	Bytes int64  `json:"bytes"`
	Limit int64  `json:"limit"`
}

// sizesTable is a Markdown table of the figures keys (all if none) from
// out/sizes.json.
func sizesTable(keys []string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "out", "sizes.json"))
	if err != nil {
		return "", fmt.Errorf("%v (make sizes)", err)
	}
	var all []size
	if err := json.Unmarshal(b, &all); err != nil {
		return "", err
	}
	var rows []size
	if len(keys) == 0 {
		rows = all
	}
	for _, k := range keys {
		found := false
		for _, s := range all {
			if s.Key == k {
				rows, found = append(rows, s), true
			}
		}
		if !found {
			return "", fmt.Errorf("gen:sizes: no figure %q in out/sizes.json", k)
		}
	}
	var t strings.Builder
	t.WriteString("\n| | bytes | limit |\n| --- | ---: | ---: |\n")
	for _, s := range rows {
		limit := ""
		if s.Limit > 0 {
			limit = group(s.Limit)
		}
		fmt.Fprintf(&t, "| %s | %s | %s |\n", s.What, group(s.Bytes), limit)
	}
	t.WriteString("\n")
	return t.String(), nil
}

// group writes n with thousands separators: 1,564,834.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var number = regexp.MustCompile(`[0-9][0-9,]*`)

// close2 reports whether the texts a and b are the same but for numbers,
// each of a's within 2 % of b's.
func close2(a, b string) bool {
	if number.ReplaceAllString(a, "#") != number.ReplaceAllString(b, "#") {
		return false
	}
	na, nb := number.FindAllString(a, -1), number.FindAllString(b, -1)
	for i := range na {
		x, _ := strconv.ParseFloat(strings.ReplaceAll(na[i], ",", ""), 64)
		y, _ := strconv.ParseFloat(strings.ReplaceAll(nb[i], ",", ""), 64)
		if math.Abs(x-y) > 0.02*math.Abs(y) {
			return false
		}
	}
	return true
}
