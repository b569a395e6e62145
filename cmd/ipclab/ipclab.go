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
	"io"
	"os"

	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/suite"
)

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "ipclab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return command.Multi(suite.Command, args, stdin, stdout, stderr)
}
