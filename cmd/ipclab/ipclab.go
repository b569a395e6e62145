//go:build linux

// Ipclab runs the three IPC labs on the lab sheet's sample data and checks
// what they print: the one command to run in a VM, a container or on a new
// board.
//
// Synopsis:
//
//	ipclab [-data DIR] [-poweroff]
//	ipclab bench [-size BYTES] [-count N]
//	ipclab clean [-n] [PID...]
//
// Description:
//
// ipclab finds pipelab, mqlab and shmlab next to its own binary or on PATH,
// runs each on its sample (embedded in ipclab, or DIR/pipe.txt,
// DIR/queue.txt and DIR/shm.txt with -data), shows the output, checks it
// against what the sample must give (each child's lines in order for the
// pipe lab, whose two children print at the same time) and ends with one
// line: "ipclab: 3/3 labs passed", or which failed and why. The exit status
// is 0 only if all passed.
//
// "ipclab bench" runs the labs' benchmarks instead (pipelab bench, mqlab
// bench [-sysv], shmlab bench) and prints one table of them all; see
// bench.go.
//
// "ipclab clean" removes what a killed lab left behind: the System V
// queues and segments whose key is a lab's (0x6c000000 | PID, see
// proc.ObjectKey), the POSIX queues /dev/mqueue/ipclab-* (when the mqueue
// file system is mounted there; it says so otherwise) and the
// /dev/shm/ipclab-* objects, each only if the process PID that made it is
// gone. It prints each object it removes; -n only says what it would
// remove; PIDs limit it to what those processes made. See clean.go.
//
// Options:
//
//	-data DIR   read the samples from DIR instead of the embedded copies
//	-poweroff   power the machine off at the end (as an initramfs's
//	            uinit); if the kernel command line has ipclab.shell=1, do
//	            nothing and return at once, so that init starts a shell.
//	            On a Raspberry Pi power-off needs the watchdog driver
//	            (bcm2835_wdt): u-root's init loads it from /lib/modules/
//	            before uinit runs (initramfs/mkinitramfs.sh puts it there)
//	-n          clean: a dry run
//
// Example:
//
//	$ ipclab
//	$ pipelab < pipe.txt
//	Messages Sent: 12
//	...
//	ipclab: 3/3 labs passed
package main

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"ipclab"
	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/proc"
	"ipclab/internal/text"
)

const usage = `Usage: ipclab [options]
       ipclab bench [-size BYTES] [-count N]   (see ipclab bench -h)
       ipclab clean [-n] [PID...]              remove what killed labs left

Runs pipelab, mqlab and shmlab on the lab sheet's samples, checks their
output and ends with "ipclab: 3/3 labs passed" (exit status 0) or says
which lab failed and why.

Options:
  -data DIR   read pipe.txt, queue.txt and shm.txt from DIR instead of the
              copies built into ipclab
  -poweroff   power the machine off when done (for an initramfs); with
              ipclab.shell=1 on the kernel command line, return at once
  -h          this help
`

// A lab is one of the three programs, its sample and the check of its
// output against the sample's values.
type lab struct {
	name, file, sample string
	check              func(values []int64, lines []string) string
}

var labs = []lab{
	{"pipelab", "pipe.txt", ipclab.PipeSample, checkPipe},
	{"mqlab", "queue.txt", ipclab.QueueSample, checkQueue},
	{"shmlab", "shm.txt", ipclab.ShmSample, checkShm},
}

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "ipclab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 1 && args[1] == "bench" {
		return runBench(args[2:], stdout)
	}
	if len(args) > 1 && args[1] == "clean" {
		return runClean(args[2:], stdout)
	}
	fs := cli.NewFlagSet("ipclab", usage, stdout)
	data := fs.String("data", "")
	poweroff := fs.Bool("poweroff")
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return cli.Usage("unexpected argument " + rest[0] + " (see ipclab -h)")
	}
	if *poweroff && shellWanted() {
		io.WriteString(stdout, "ipclab: ipclab.shell=1: the labs are on PATH, their samples in /data\n")
		return nil
	}
	self, _ := proc.Self()
	var failed []string
	for _, l := range labs {
		why := l.run(*data, self, stdout)
		if why != "" {
			failed = append(failed, l.name+" ("+why+")")
			io.WriteString(stdout, "ipclab: "+l.name+" FAILED: "+why+"\n\n")
		} else {
			io.WriteString(stdout, "ipclab: "+l.name+" ok\n\n")
		}
	}
	passed := strconv.Itoa(len(labs)-len(failed)) + "/" + strconv.Itoa(len(labs))
	if len(failed) == 0 {
		io.WriteString(stdout, "ipclab: "+passed+" labs passed\n")
	} else {
		io.WriteString(stdout, "ipclab: "+passed+" labs passed; failed: "+join(failed, ", ")+"\n")
	}
	if *poweroff {
		return powerOff()
	}
	if len(failed) > 0 {
		return &cli.Quiet{Err: errors.New("labs failed")}
	}
	return nil
}

// powerOff powers the machine off.
func powerOff() error {
	unix.Sync()
	return os.NewSyscallError("reboot", unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF))
}

// shellWanted reports whether the kernel command line asks for a shell.
func shellWanted() bool {
	b, _ := input.ReadFile("/proc/cmdline")
	for _, f := range proc.Fields(strings.TrimSpace(string(b)), ' ') {
		if f == "ipclab.shell=1" {
			return true
		}
	}
	return false
}

// run runs the lab on its sample, shows the output and returns why it
// failed, or "".
func (l lab) run(dir, self string, stdout io.Writer) string {
	sample, argv, stdin := l.sample, []string{l.name}, []byte(nil)
	shown := "$ " + l.name + " < " + l.file
	if dir != "" {
		path := dir + "/" + l.file
		b, err := input.ReadFile(path)
		if err != nil {
			return path + ": " + err.Error()
		}
		sample, argv, shown = string(b), append(argv, path), "$ "+l.name+" "+path
	} else {
		stdin = []byte(sample)
	}
	io.WriteString(stdout, shown+"\n")
	d, err := input.Parse(strings.NewReader(sample), l.file)
	if err != nil {
		return "bad sample: " + err.Error()
	}
	path, err := proc.Find(l.name, self)
	if err != nil {
		return err.Error()
	}
	out, ws, err := proc.Run(path, argv, stdin)
	io.WriteString(stdout, string(out))
	if err != nil {
		return err.Error()
	}
	if !ws.Exited() || ws.ExitStatus() != 0 {
		return l.name + " " + proc.Describe(ws)
	}
	return l.check(d.Values, text.Lines(string(out)))
}

// join is strings.Join, which the tiny binary does without.
func join(xs []string, sep string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += sep
		}
		s += x
	}
	return s
}

// checkPipe: p1 prints every item up to the end marker 0, p2 every item
// before it; their lines interleave, but each child's are in order.
func checkPipe(values []int64, got []string) string {
	var sent, received []string
	for _, v := range values {
		sent = append(sent, "Messages Sent: "+strconv.FormatInt(v, 10))
		if v == 0 {
			break
		}
		received = append(received, "Messages Received: "+strconv.FormatInt(v, 10))
	}
	var gotSent, gotRecv []string
	for _, l := range got {
		switch {
		case strings.HasPrefix(l, "Messages Sent: "):
			gotSent = append(gotSent, l)
		case strings.HasPrefix(l, "Messages Received: "):
			gotRecv = append(gotRecv, l)
		default:
			return "unexpected line " + strconv.Quote(l)
		}
	}
	if d := text.Diff(gotSent, sent); d != "" {
		return "p1: " + d
	}
	if d := text.Diff(gotRecv, received); d != "" {
		return "p2: " + d
	}
	return ""
}

// checkQueue: the header lines, then ten times each item, in order.
func checkQueue(values []int64, got []string) string {
	want := []string{"Queue = list * 10", "Queue elements:"}
	for _, v := range values {
		want = append(want, strconv.FormatInt(v*10, 10))
	}
	return text.Diff(got, want)
}

// checkShm: the results and their sum, as p1 and then the main program
// print them.
func checkShm(values []int64, got []string) string {
	var sum int64
	res := make([]string, len(values))
	for i, v := range values {
		res[i] = strconv.FormatInt(v*10, 10)
		sum += v * 10
	}
	list, s := "["+join(res, ", ")+"]", strconv.FormatInt(sum, 10)
	return text.Diff(got, []string{
		"Result(in process p1): " + list, "Sum(in process p1): " + s,
		"Result(in main program): " + list, "Sum(in main program): " + s,
	})
}
