package main

// The boot times' generated block (docs/boot.md, docs/pi.md), from the
// record make boot-times writes (scripts/boot-times.sh):
//
//	<!-- gen:boot-times [TARGET...] -->   a table of the targets' median
//	                                      boot times (all, or those), and
//	                                      how and when they were measured

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// bootTimesFile is the record make boot-times writes.
const bootTimesFile = "docs/measured/boot-times.txt"

// A bootTime is one target's line of the record, in seconds.
type bootTime struct {
	target, median, min, max string
}

// readBootTimes returns the record's targets and its "# key: value" lines.
func readBootTimes() (times []bootTime, notes map[string]string, err error) {
	b, err := readRel(bootTimesFile)
	if err != nil {
		return nil, nil, fmt.Errorf("%v (make boot-times)", err)
	}
	notes = map[string]string{}
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(l)
		switch {
		case strings.HasPrefix(l, "#"):
			if k, v, ok := strings.Cut(strings.TrimSpace(l[1:]), ": "); ok {
				notes[k] = v
			}
		case len(f) == 4 && f[0] == "target":
		case len(f) == 4:
			times = append(times, bootTime{f[0], f[1], f[2], f[3]})
		default:
			return nil, nil, fmt.Errorf("%s:%d: %q is not TARGET MEDIAN MIN MAX", bootTimesFile, i+1, l)
		}
	}
	for _, k := range []string{"command", "date", "boots", "machine"} {
		if notes[k] == "" {
			return nil, nil, fmt.Errorf("%s: no %q line (make boot-times)", bootTimesFile, "# "+k+": …")
		}
	}
	if len(times) == 0 {
		return nil, nil, errors.New(bootTimesFile + ": no targets (make boot-times)")
	}
	return times, notes, nil
}

// bootTimesTable is gen:boot-times [TARGET...]: the targets' lines of the
// record as a table, then how they were measured.
func bootTimesTable(targets []string) (string, error) {
	all, notes, err := readBootTimes()
	if err != nil {
		return "", err
	}
	rows := all
	if len(targets) > 0 {
		rows = nil
		for _, t := range targets {
			i := slices.IndexFunc(all, func(bt bootTime) bool { return bt.target == t })
			if i < 0 {
				return "", fmt.Errorf("gen:boot-times: no target %s in %s (make boot-times)", t, bootTimesFile)
			}
			rows = append(rows, all[i])
		}
	}
	var b strings.Builder
	b.WriteString("\n| target | boot, median | fastest – slowest |\n|--------|--------------|-------------------|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s s | %s – %s s |\n", r.target, r.median, r.min, r.max)
	}
	fmt.Fprintf(&b, "\nFrom QEMU's start to its end, over %s boots each, one at a time: `make boot-times`\n"+
		"(`%s`) on %s, %s.\n\n", notes["boots"], notes["command"], notes["date"], notes["machine"])
	return b.String(), nil
}
