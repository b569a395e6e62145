package main

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// A figure is a number with a unit — a size, a time, a rate, a ratio, a
// share or a count of runs — found in the documentation's text.
type figure struct {
	Line int    // 1-based
	Text string // as written: "65 MiB", "2.1 s", "0.92×"
}

// figureRE matches a number (1,564,834; 2.1; 0.86–1.06) and the unit
// that makes it a measurement. Numbers alone (0x6c000000, 2147483647,
// "6 of 10") are not figures: they are constants, names or examples.
var figureRE = regexp.MustCompile(`(?:^|[^\w.,/-])(` +
	`[0-9][0-9,]*(?:\.[0-9]+)?(?:\s?[–-]\s?[0-9][0-9,]*(?:\.[0-9]+)?)?` +
	`(?:\s?(?:bytes?|[kKMG]i?B|[kKM]?msgs/s|(?:messages|items|records)(?:/s| a second)|` +
	`ms|µs|us|ns|min|%|×|` +
	`runs|trials|boots|executions|rounds|pairs|samples|million|thousand)` +
	`|\s(?:s|h)))` + // "2.1 s", not "the Pi 3s"
	`(?:$|[^\w/])`)

// measuredRE matches a number that looks measured rather than chosen: a
// decimal fraction (not a version such as 1.16.2) or an integer of five
// digits or more. Three on a line of output or of a table make it a row
// of measurements: a benchmark's table typed into the text.
var measuredRE = regexp.MustCompile(`(?:^|[^\w.])(?:[0-9]+\.[0-9]+|[0-9]{5,}|[0-9]{1,3}(?:,[0-9]{3})+)(?:$|[^\w.])`)

// allowed are the figures that are definitions, not measurements: what
// the labs, POSIX or the tests are made to use. A key is the figure as
// written, anywhere, or "FILE: figure", in that file only. Each says why.
var allowed = map[string]string{
	"8 bytes":    "the labs' record and message size",
	"4096 bytes": "PIPE_BUF, POSIX's atomic write size",
	"4 KiB":      "the page size, PIPE_BUF; a benchmark message size",
	"64 KiB":     "the kernel's default pipe buffer; a benchmark message size",
	"64 B":       "the benchmark's default message size",
	"255 bytes":  "the longest queue or segment name the labs accept (NAME_MAX)",
	"2 %":        "the documentation's own tolerance for sizes",

	"docs/pi.md: 1 MiB":         "where the SD image's partition starts (scripts/mksdimage.sh)",
	"docs/wasi.md: 10 ms":       "the clock the lab waits on where a runtime cannot poll",
	"docs/wasi.md: 50 runs":     "how often the WASI tests run each runtime",
	"docs/reliability.md: 1 MB": "the long lines labtest.Malformed feeds the labs",

	"docs/benchmarks.md: 1 MiB":    "ref.c's ring of slots for streams (and the pipe size ipclab's bench asked for)",
	"docs/benchmarks.md: 7 rounds": "make bench's rounds (scripts/bench -pairs)",
	"docs/benchmarks.md: 1.5×":     "the spread above which make bench flags a row (scripts/bench's Wide)",
	"docs/benchmarks.md: 10 s":     "how long make labspeed lets the sheet's queue program run (scripts/labspeed)",

	"docs/course-answers.md: 4097 bytes":  "the record size the exercise asks for",
	"docs/course-answers.md: 5 bytes":     "a pickled small int, Python's format",
	"docs/course-answers.md: 9 bytes":     "the same with its length",
	"docs/course-answers.md: 15 bytes":    "a pickled larger int, Python's format",
	"docs/course-answers.md: 19 bytes":    "the same with its length",
	"docs/course-answers.md: 65357 bytes": "the answer's arithmetic, which make sheet-deadlock shows (docs/course/sheet-deadlock.txt)",
}

// handTyped returns the figures in the Markdown text md that no generated
// block produced and no allowed entry explains. It skips generated
// blocks, command lines in code ($ …, and make, go … without the prompt)
// but for their comments, inline code, and in a command's output the
// figures that its command line holds (-timeout 2s: "no message within
// 2s").
func handTyped(name, md string) []figure {
	md = withoutBlocks(md)
	var found []figure
	var command string // the last $ line of the current code block
	fenced := false
	for i, line := range strings.Split(md, "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") {
			fenced = !fenced
			command = ""
			continue
		}
		code := fenced || strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t")
		if !code {
			command = ""
			line = inlineCode.ReplaceAllString(line, "``")
		} else {
			if strings.HasPrefix(trim, "$ ") || isCommand(trim) {
				// A command: its comment is prose.
				command = trim
				line = ""
				if _, comment, ok := strings.Cut(trim, " #"); ok {
					line = comment
				}
			}
		}
		if (code && command != line) || strings.HasPrefix(trim, "|") {
			if ms := measuredRE.FindAllString(inlineCode.ReplaceAllString(line, "``"), -1); len(ms) >= 3 {
				for j := range ms {
					ms[j] = strings.Trim(ms[j], " \t|/()")
				}
				found = append(found, figure{i + 1, "a row of measurements: " + strings.Join(ms, " ")})
				continue
			}
		}
		for _, m := range figureRE.FindAllStringSubmatch(line, -1) {
			f := strings.TrimSpace(m[1])
			if _, ok := allowed[f]; ok {
				continue
			}
			if _, ok := allowed[name+": "+f]; ok {
				continue
			}
			if command != "" && strings.Contains(command, strings.ReplaceAll(f, " ", "")) {
				continue
			}
			found = append(found, figure{i + 1, f})
		}
	}
	return found
}

var inlineCode = regexp.MustCompile("`[^`]*`")

// isCommand reports whether a line of code is a command given without a
// prompt, as the commands that open each document are: make TARGET, go
// run, a script.
func isCommand(line string) bool {
	for _, p := range []string{"make ", "go ", "out/bin/", "sudo ", "docker ", "podman ", "skopeo ", "kubectl ", "ctr ", "tar ", "umoci ", "runc ", "wasmtime ", "node ", "cd ", "scp ", "#"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// withoutBlocks is md with each generated block, marker and end
// included, replaced by the line ends it held, so that line numbers stay.
func withoutBlocks(md string) string {
	blocks, err := genBlocks([]byte(md))
	if err != nil {
		return md // TestUpToDate reports it
	}
	var b strings.Builder
	at := 0
	for _, k := range blocks {
		end := k.End + len(genClose)
		b.WriteString(md[at:k.Start])
		b.WriteString(strings.Repeat("\n", strings.Count(md[k.Start:end], "\n")))
		at = end
	}
	b.WriteString(md[at:])
	return b.String()
}

// offBy compares the figures stated with the build's, two texts that
// should differ in their numbers alone, and describes each stated number
// more than tolerance (a fraction) off its counterpart.
func offBy(stated, build string, tolerance float64) []string {
	if number.ReplaceAllString(stated, "#") != number.ReplaceAllString(build, "#") {
		return []string{fmt.Sprintf("%q, not the build's %q", strings.TrimSpace(stated), strings.TrimSpace(build))}
	}
	var off []string
	ns, nb := number.FindAllString(stated, -1), number.FindAllString(build, -1)
	for i := range ns {
		x, _ := strconv.ParseFloat(strings.ReplaceAll(ns[i], ",", ""), 64)
		y, _ := strconv.ParseFloat(strings.ReplaceAll(nb[i], ",", ""), 64)
		if d := math.Abs(x - y); d > tolerance*math.Abs(y) {
			off = append(off, fmt.Sprintf("%s where the build makes %s (%.1f %% off)", ns[i], nb[i], 100*d/math.Abs(y)))
		}
	}
	return off
}
