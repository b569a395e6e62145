// Ipclab is the three IPC labs in one binary, busybox style, and the
// suite that runs them on the lab sheet's sample data and checks what they
// print: the one command to run in a VM, a container or on a new board.
//
// Synopsis:
//
//	ipclab [-data DIR] [-poweroff]
//	ipclab COMMAND [ARG...]
//	ipclab ipcs
//	ipclab clean [-n] [PID...]
//	ipclab bench [-size BYTES] [-count N]
//	ipclab diagram [-rows N] [TRACE]
//
// Description:
//
// ipclab holds pipelab, mqlab and shmlab. Run through a link named after
// a lab (the container image and the boot image have /bin/mqlab and the
// others as links to ipclab), or with the lab's name as its first
// argument (ipclab mqlab -sysv FILE), it is that lab, options,
// subcommands and messages included; the children a lab starts execute
// /proc/self/exe under the lab's name. cmd/pipelab, cmd/mqlab and
// cmd/shmlab build each lab on its own from the same command table.
//
// Without a command, ipclab runs each lab on its sample (embedded in
// ipclab, or DIR/pipe.txt, DIR/queue.txt and DIR/shm.txt with -data),
// shows the output, checks it against what the sample must give (each
// child's lines in order for the pipe lab, whose two children print at
// the same time) and ends with one line: "ipclab: 3/3 labs passed", or
// which failed and why. The exit status is 0 only if all passed. A lab
// that has not ended within 30 s is stuck: ipclab kills its processes and
// says where each was waiting (/proc/PID/wchan), rather than hang a boot.
//
// "ipclab bench" runs the labs' benchmarks instead (pipelab bench, mqlab
// bench [-sysv], shmlab bench) and prints one table of them all.
//
// "ipclab clean" removes what a killed lab left behind: the System V
// queues and segments whose key is a lab's (0x6c000000 | PID, see
// proc.ObjectKey), the POSIX queues /dev/mqueue/ipclab-* (when the mqueue
// file system is mounted there; it says so otherwise) and the
// /dev/shm/ipclab-* objects, each only if the process PID that made it is
// gone. It prints each object it removes; -n only says what it would
// remove; PIDs limit it to what those processes made.
//
// With -poweroff (an initramfs's uinit) it powers the machine off at the
// end; if the kernel command line has ipclab.shell=1, it does nothing and
// returns at once, so that init starts a shell. On a Raspberry Pi
// power-off needs the watchdog driver (bcm2835_wdt): u-root's init loads
// it from /lib/modules/ before uinit runs (initramfs/mkinitramfs.sh puts
// it there).
//
// Options:
//
//	-data DIR   read pipe.txt, queue.txt and shm.txt from DIR instead of the
//	            copies built into ipclab
//	-poweroff   power the machine off when done (for an initramfs); with
//	            ipclab.shell=1 on the kernel command line, return at once
//	-h          this help
//
// Options of ipclab ipcs:
//
//	-h   this help
//
// Options of ipclab clean:
//
//	-n   dry run: print what would be removed, remove nothing
//	-h   this help
//
// Options of ipclab bench:
//
//	-size BYTES  only this message size
//	-count N     messages or round trips per run (default: about a second's worth)
//	-h           this help
//
// Options of ipclab diagram:
//
//	-rows N   lines drawn before the summary (default 60)
//	-h        this help
//
// Example:
//
//	$ ipclab
//	$ pipelab < pipe.txt
//	Messages Sent: 12
//	...
//	ipclab: 3/3 labs passed
//	$ ipclab mqlab -sysv /data/queue.txt
package main

import (
	"io"
	"syscall"

	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/fd"
	"ipclab/internal/suite"
)

func main() {
	if err := run(fd.Args(), fd.Stdin, fd.Stdout, fd.Stderr); err != nil {
		syscall.Exit(cli.Exit(fd.Stderr, "ipclab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return command.Multi(suite.Command, args, stdin, stdout, stderr)
}
