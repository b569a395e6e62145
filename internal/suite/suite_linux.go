//go:build linux

package suite

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab"
	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/input"
	"ipclab/internal/proc"
	"ipclab/internal/text"
	"ipclab/ipc"
)

func init() {
	Command.Run = run
	benchCmd.Run = runBench
	clean.Run = runClean
	ipcsCmd.Run = runIpcs
}

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

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := Command.Flags(stdout)
	data := fs.String("data", "")
	poweroff := fs.Bool("poweroff")
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return Command.Unknown(rest[0])
	}
	if *poweroff && shellWanted() {
		return shell(stdout, stderr)
	}
	var failed []string
	for _, l := range labs {
		why := l.run(*data, stdout)
		if why != "" {
			failed = append(failed, l.name+" ("+why+")")
			io.WriteString(stdout, "ipclab: "+l.name+" FAILED: "+why+"\n\n")
		} else {
			io.WriteString(stdout, "ipclab: "+l.name+" ok\n\n")
		}
	}
	passed := text.Itoa(len(labs)-len(failed)) + "/" + text.Itoa(len(labs))
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

// shell runs the boot image's shell for a student to look around, and
// powers the machine off when it exits: exit ends the machine cleanly
// (init, were it to see its last command end, would panic the kernel).
// It mounts the mqueue file system first, so that ipclab ipcs sees the
// POSIX queues. The shell runs in its own process group, the terminal's
// foreground one, so that Ctrl-C reaches it and what it runs, not this
// process, which waits.
func shell(stdout, stderr io.Writer) error {
	syscall.Mkdir("/dev/mqueue", 0o1777)
	if err := syscall.Mount("none", "/dev/mqueue", "mqueue", 0, ""); err != nil && err != syscall.EBUSY {
		io.WriteString(stderr, "ipclab: mount /dev/mqueue: "+err.Error()+" (ipclab ipcs cannot list POSIX queues)\n")
	}
	io.WriteString(stdout, "ipclab: ipclab.shell=1: the labs are on PATH (pipelab, mqlab, shmlab, ipclab), their samples in /data;\n"+
		"ls and cat look around, ipclab ipcs lists the IPC objects; exit powers the machine off.\n")
	sh := ""
	for _, p := range []string{"/bbin/gosh", "/bin/gosh", "/bin/sh"} {
		var st syscall.Stat_t
		if syscall.Stat(p, &st) == nil {
			sh = p
			break
		}
	}
	if sh == "" {
		io.WriteString(stderr, "ipclab: no shell in this image (gosh or sh)\n")
		return powerOff()
	}
	pid, err := syscall.ForkExec(sh, []string{command.Base(sh)}, &syscall.ProcAttr{
		Env:   syscall.Environ(),
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: 0},
	})
	if err != nil {
		io.WriteString(stderr, "ipclab: "+sh+": "+err.Error()+"\n")
		return powerOff()
	}
	var ws syscall.WaitStatus
	for {
		if _, err := syscall.Wait4(pid, &ws, 0, nil); err != syscall.EINTR {
			break
		}
	}
	io.WriteString(stdout, "ipclab: the shell has exited: powering off\n")
	return powerOff()
}

// powerOff powers the machine off.
func powerOff() error {
	unix.Sync()
	return ipc.NewSyscallError("reboot", unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF))
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

// labLimit is how long a lab may take on its sample (milliseconds, even on
// an emulated Pi Zero) before ipclab calls it stuck: it then kills the
// lab's processes and reports where each was waiting, rather than hang
// the boot with it.
const labLimit = 30e9

// run runs the lab on its sample, shows the output and returns why it
// failed, or "". The lab is this binary again, run under the lab's name.
func (l lab) run(dir string, stdout io.Writer) string {
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
	out, ws, err := proc.Run("/proc/self/exe", argv, stdin, labLimit)
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
		sent = append(sent, "Messages Sent: "+text.Int64(v))
		if v == 0 {
			break
		}
		received = append(received, "Messages Received: "+text.Int64(v))
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
		want = append(want, text.Int64(v*10))
	}
	return text.Diff(got, want)
}

// checkShm: the results and their sum, as p1 and then the main program
// print them.
func checkShm(values []int64, got []string) string {
	var sum int64
	res := make([]string, len(values))
	for i, v := range values {
		res[i] = text.Int64(v * 10)
		sum += v * 10
	}
	list, s := "["+join(res, ", ")+"]", text.Int64(sum)
	return text.Diff(got, []string{
		"Result(in process p1): " + list, "Sum(in process p1): " + s,
		"Result(in main program): " + list, "Sum(in main program): " + s,
	})
}
