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
// every generated block: what lies between a marker and <!-- /gen -->,
// on lines of their own or inline within a line:
//
//	<!-- gen:synopsis PROGRAM -->   PROGRAM's forms, an indented code block
//	<!-- gen:sizes [KEY...] -->     a table of the figures make sizes measured
//	                                (out/sizes.json; all, or those KEYs)
//	<!-- gen:code FILE [LINES] -->  FILE (its first LINES lines) as a code block
//	<!-- gen:include FILE -->       FILE, Markdown, as it is
//	<!-- gen:size KEY [UNIT] -->    inline: one figure of out/sizes.json
//	<!-- gen:limit KEY [UNIT] -->   inline: its limit
//	<!-- gen:version FILE -->       inline: the version a fetched package's
//	                                FILE names ("raspi-firmware 1.20240424+ds-6")
//	<!-- gen:boot-times [TARGET...] -->  boot times, make boot-times's record
//
// A marker in code (an indented line, or within backticks) is an example,
// left alone. With -check it changes nothing and lists what is stale,
// exiting 1 if anything is: a generated block that differs, except that a
// size may be up to 2 % off the build's own.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
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

// markdown rewrites the generated blocks of a Markdown file. A block is
// either whole lines,
//
//	<!-- gen:WHAT ARGS -->
//	…
//	<!-- /gen -->
//
// or inline, within a sentence: <!-- gen:WHAT ARGS -->…<!-- /gen -->.
// With tolerant set, a block whose figures are all within 2 % of the
// build's stays as it is.
func markdown(b []byte, tolerant bool) ([]byte, error) {
	blocks, err := genBlocks(b)
	if err != nil {
		return nil, err
	}
	var out []byte
	at := 0
	for _, k := range blocks {
		body, err := k.generate()
		if err != nil {
			return nil, err
		}
		if old := string(b[k.Body:k.End]); tolerant && sized(k.What) && close2(old, body) {
			body = old
		}
		out = append(append(out, b[at:k.Body]...), body...)
		at = k.End
	}
	return append(out, b[at:]...), nil
}

// A genBlock is a generated block of a Markdown file: b[Start:Body] is
// its marker, b[Body:End] what was generated, <!-- /gen --> follows.
type genBlock struct {
	What             string // "sizes layer-amd64"
	Inline           bool   // within a line
	Line             int    // of the marker
	Start, Body, End int
}

// generate is what the block should hold.
func (k genBlock) generate() (string, error) {
	body, err := generate(k.What, k.Inline)
	if err != nil {
		return "", fmt.Errorf("line %d: %v", k.Line, err)
	}
	if !k.Inline {
		body = "\n" + body
	}
	return body, nil
}

const genOpen, genEnd, genClose = "<!-- gen:", "-->", "<!-- /gen -->"

// genBlocks finds the generated blocks of the Markdown file b. A marker
// in code (an indented line, or within backticks) is an example, not a
// block.
func genBlocks(b []byte) ([]genBlock, error) {
	var blocks []genBlock
	for at := 0; ; {
		i := bytes.Index(b[at:], []byte(genOpen))
		if i < 0 {
			return blocks, nil
		}
		i += at
		line := 1 + bytes.Count(b[:i], []byte("\n"))
		if quoted(b[bytes.LastIndexByte(b[:i], '\n')+1 : i]) {
			at = i + len(genOpen)
			continue
		}
		e := bytes.Index(b[i:], []byte(genEnd))
		if e < 0 || bytes.IndexByte(b[i:i+e], '\n') >= 0 {
			return nil, fmt.Errorf("line %d: a gen marker without its -->", line)
		}
		body := i + e + len(genEnd)
		j := bytes.Index(b[body:], []byte(genClose))
		if j < 0 {
			return nil, fmt.Errorf("line %d: %s without %s", line, b[i:body], genClose)
		}
		blocks = append(blocks, genBlock{
			What:   strings.TrimSpace(string(b[i+len(genOpen) : i+e])),
			Inline: !bytes.HasPrefix(b[body:], []byte("\n")),
			Line:   line,
			Start:  i, Body: body, End: body + j,
		})
		at = body + j + len(genClose)
	}
}

// quoted reports whether a marker that follows line, the start of its
// line, is an example in code: on an indented line or within backticks.
func quoted(line []byte) bool {
	return bytes.HasPrefix(line, []byte("    ")) || bytes.HasPrefix(line, []byte("\t")) ||
		bytes.Count(line, []byte("`"))%2 == 1
}

// sized reports whether the block what states sizes, which may be up to
// 2 % off the build's own before it is stale.
func sized(what string) bool {
	f := strings.Fields(what)
	return len(f) > 0 && (f[0] == "sizes" || f[0] == "size" || f[0] == "limit")
}

// generate returns the body of the generated block named what: a block
// of lines ending in a line end, or inline text.
func generate(what string, inline bool) (string, error) {
	f := strings.Fields(what)
	if len(f) == 0 {
		return "", errors.New("an empty gen marker")
	}
	g, ok := generators[f[0]]
	if !ok {
		return "", fmt.Errorf("unknown generated block %q", what)
	}
	if g.inline != inline {
		form := "on lines of its own"
		if g.inline {
			form = "inline, within a line"
		}
		return "", fmt.Errorf("gen:%s goes %s", f[0], form)
	}
	if len(f)-1 < g.min || g.max >= 0 && len(f)-1 > g.max {
		return "", fmt.Errorf("gen:%s: want %s", f[0], g.usage)
	}
	return g.gen(f[1:])
}

// A generator makes one kind of generated block.
type generator struct {
	usage    string // its arguments
	min, max int    // how many (max -1: any)
	inline   bool   // within a line, not lines of its own
	gen      func(args []string) (string, error)
}

var generators map[string]generator

func init() {
	generators = map[string]generator{
		"synopsis":   {"PROGRAM", 1, 1, false, synopsis},
		"sizes":      {"[KEY...]", 0, -1, false, sizesTable},
		"code":       {"FILE [LINES]", 1, 2, false, code},
		"include":    {"FILE", 1, 1, false, include},
		"size":       {"KEY [bytes|KB|MB|KiB|MiB]", 1, 2, true, sizeText(false)},
		"limit":      {"KEY [bytes|KB|MB|KiB|MiB]", 1, 2, true, sizeText(true)},
		"version":    {"FILE", 1, 1, true, version},
		"trace":      {"FILE", 1, 1, false, traceBlock},             // course.go
		"fds":        {"FILE", 1, 1, false, fdsBlock},               // course.go
		"boot-times": {"[TARGET...]", 0, -1, false, bootTimesTable}, // boottimes.go
	}
}

// synopsis is the program's forms as an indented code block.
func synopsis(args []string) (string, error) {
	c := lookup(args[0])
	if c == nil {
		return "", fmt.Errorf("gen:synopsis %s: no such program", args[0])
	}
	var b strings.Builder
	b.WriteString("\n")
	for _, form := range c.Forms() {
		b.WriteString("    " + form + "\n")
	}
	b.WriteString("\n")
	return b.String(), nil
}

// readRel reads the file name, relative to the module's root, and says
// which make target makes it if it is under out/.
func readRel(name string) ([]byte, error) {
	if filepath.IsAbs(name) || strings.HasPrefix(filepath.Clean(name), "..") {
		return nil, fmt.Errorf("%s: not a path inside the module", name)
	}
	return os.ReadFile(filepath.Join(root, name))
}

// code is the file (its first LINES lines) as an indented code block.
func code(args []string) (string, error) {
	b, err := readRel(args[0])
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 {
			return "", fmt.Errorf("gen:code %s: %q is not a number of lines", args[0], args[1])
		}
		lines = lines[:min(n, len(lines))]
	}
	var t strings.Builder
	t.WriteString("\n")
	for _, l := range lines {
		if l = strings.TrimRight(l, " \t"); l != "" {
			l = "    " + l
		}
		t.WriteString(l + "\n")
	}
	t.WriteString("\n")
	return t.String(), nil
}

// version is the version of the Debian package that scripts/fetch-kernel.sh
// fetched, from the file it leaves: "NAME VERSION".
func version(args []string) (string, error) {
	b, err := readRel(args[0])
	if err != nil {
		return "", fmt.Errorf("%v (make test fetches it)", err)
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return "", fmt.Errorf("%s: no version in %q", args[0], b)
	}
	return f[1], nil
}

// include is the file, Markdown, as it is.
func include(args []string) (string, error) {
	b, err := readRel(args[0])
	if err != nil {
		return "", err
	}
	s := string(b)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return "\n" + s + "\n", nil
}

// A size is one of make sizes' figures (scripts/sizes).
type size struct {
	Key   string `json:"key"`
	What  string `json:"what"`
	Bytes int64  `json:"bytes"`
	Limit int64  `json:"limit"`
}

// loadSizes returns the figures make sizes measured (out/sizes.json).
func loadSizes() ([]size, error) {
	b, err := os.ReadFile(filepath.Join(root, "out", "sizes.json"))
	if err != nil {
		return nil, fmt.Errorf("%v (make sizes)", err)
	}
	var all []size
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("out/sizes.json: %v", err)
	}
	return all, nil
}

// findSize returns the figure key of all.
func findSize(all []size, key string) (size, error) {
	for _, s := range all {
		if s.Key == key {
			return s, nil
		}
	}
	return size{}, fmt.Errorf("no figure %q in out/sizes.json (make sizes)", key)
}

// sizesTable is a Markdown table of the figures keys (all if none) from
// out/sizes.json.
func sizesTable(keys []string) (string, error) {
	all, err := loadSizes()
	if err != nil {
		return "", err
	}
	rows := all
	if len(keys) > 0 {
		rows = nil
		for _, k := range keys {
			s, err := findSize(all, k)
			if err != nil {
				return "", err
			}
			rows = append(rows, s)
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

// units are the units a size may be written in, and their bytes.
var units = map[string]float64{"bytes": 1, "KB": 1e3, "MB": 1e6, "KiB": 1 << 10, "MiB": 1 << 20}

// sizeText returns the generator of one figure of out/sizes.json in a
// sentence, or of its limit: "1,564,834 bytes", or in a larger unit to
// two significant digits or more: "1.6 MB", "65 MiB".
func sizeText(limit bool) func(args []string) (string, error) {
	return func(args []string) (string, error) {
		all, err := loadSizes()
		if err != nil {
			return "", err
		}
		s, err := findSize(all, args[0])
		if err != nil {
			return "", err
		}
		n := s.Bytes
		if limit {
			if n = s.Limit; n == 0 {
				return "", fmt.Errorf("%s has no limit in out/sizes.json", args[0])
			}
		}
		unit := "bytes"
		if len(args) > 1 {
			unit = args[1]
		}
		u, ok := units[unit]
		if !ok {
			return "", fmt.Errorf("unknown unit %q (bytes, KB, MB, KiB, MiB)", unit)
		}
		if unit == "bytes" {
			return group(n) + " bytes", nil
		}
		v := float64(n) / u
		prec := 0
		if v < 10 {
			prec = 1
		}
		return strconv.FormatFloat(v, 'f', prec, 64) + " " + unit, nil
	}
}

// group writes n with thousands separators: 1,564,834.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var number = regexp.MustCompile(`[0-9][0-9,]*(?:\.[0-9]+)?`)

// close2 reports whether the texts a and b are the same but for numbers,
// each of a's within 2 % of b's.
func close2(a, b string) bool {
	return len(offBy(a, b, 0.02)) == 0
}
