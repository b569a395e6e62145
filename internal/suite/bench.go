//go:build linux

package suite

import (
	"errors"
	"io"
	"strings"

	"ipclab/internal/bench"
	"ipclab/internal/cli"
	"ipclab/internal/mqlab"
	"ipclab/internal/proc"
	"ipclab/internal/text"
)

// mqlab's benchmark is ipclab's alone: the standalone mqlab leaves
// internal/bench out to stay within its size budget (TestSize), so
// "mqlab bench" runs in the multicall binary (ipclab mqlab bench, or the
// mqlab link to ipclab in the boot image and the container) and the
// standalone mqlab points there.
func init() {
	b := bench.Command("mqlab", bench.Mq, bench.Sysv)
	b.Text += `It is in the multicall ipclab (ipclab mqlab bench, or an mqlab link to
ipclab) but not in the standalone mqlab, which leaves it out to stay small.
`
	mqlab.Command.Subs = append(mqlab.Command.Subs, b)
}

// benchLabs are the mechanisms in the table's order, with the lab and
// option that measure each.
var benchLabs = []struct {
	mech, lab, flag string
	queue           bool // a message queue, whose messages stop at 8 KiB
}{
	{"pipe", "pipelab", "", false},
	{"mq", "mqlab", "", true},
	{"sysv", "mqlab", "-sysv", true},
	{"shm", "shmlab", "", false},
}

// runBench is "ipclab bench".
func runBench(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := benchCmd.Flags(stdout)
	size := fs.Int("size", 0)
	count := fs.Int("count", 0)
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 || *size < 0 || *count < 0 {
		return cli.Usage("bench takes -size and -count, positive, and no argument (see ipclab bench -h)")
	}
	sizes := []int{64, 4096, 65536}
	if *size > 0 {
		sizes = []int{*size}
	}
	io.WriteString(stdout, "ipclab bench: each lab's own benchmark, thr and lat, about a second a run\n\n"+bench.TableHeader)
	broken := map[string]string{} // a lab that failed, and why
	for _, s := range sizes {
		var pipe *bench.Row
		for _, l := range benchLabs {
			if l.queue && s > 8192 {
				continue
			}
			row := &bench.Row{Size: s, Mech: l.mech}
			for _, mode := range []string{"thr", "lat"} {
				if broken[l.lab] != "" {
					break
				}
				f, why := benchRun(l.lab, l.flag, mode, s, *count)
				if why != "" {
					broken[l.lab] = why
				}
				if mode == "thr" {
					row.Thr = f
				} else {
					row.Lat = f
				}
			}
			if l.mech == "pipe" {
				pipe = row
			}
			io.WriteString(stdout, row.Format(pipe))
		}
	}
	if len(broken) == 0 {
		io.WriteString(stdout, "\nthr: one process streams to another; × pipe: its msgs/s over the pipe's.\n"+
			"lat: ping-pong; round trips in nanoseconds. MB/s counts the payload (both ways in lat).\n")
		return nil
	}
	var why []string
	for _, l := range benchLabs {
		if w := broken[l.lab]; w != "" {
			why = append(why, w)
			broken[l.lab] = ""
		}
	}
	return errors.New("bench: " + join(why, "; "))
}

// benchRun runs one lab's benchmark (this binary again, under the lab's
// name) and returns its fields, or why it failed.
func benchRun(lab, flag, mode string, size, count int) (map[string]string, string) {
	argv := []string{lab, "bench"}
	if flag != "" {
		argv = append(argv, flag)
	}
	argv = append(argv, "-json", "-mode", mode, "-size", text.Itoa(size))
	if count > 0 {
		argv = append(argv, "-count", text.Itoa(count))
	}
	out, ws, err := proc.Run("/proc/self/exe", argv, nil, 0)
	if err != nil {
		return nil, err.Error()
	}
	if !ws.Exited() || ws.ExitStatus() != 0 {
		// The lab said why on the shared standard error.
		return nil, lab + " " + strings.Join(argv[1:], " ") + ": " + proc.Describe(ws)
	}
	f, err := bench.ParseJSON(string(out))
	if err != nil {
		return nil, lab + ": " + err.Error()
	}
	return f, ""
}
