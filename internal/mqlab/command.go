// Package mqlab is the message-queue lab: p1 puts ten times each item in
// a queue, p2 takes them out (see cmd/mqlab for its manual page). Command
// is its entry in the command table, for the standalone mqlab and the
// multicall ipclab.
package mqlab

import (
	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/input"
	"ipclab/internal/lab"
)

// Command is mqlab. Its Run, its subcommands' and the bench subcommand are
// Linux's (mqlab_linux.go, named.go).
var Command = &command.Command{
	Name:    "mqlab",
	Program: true,
	Summary: "a message queue: p1 puts ten times each item in it, p2 takes them out",
	Synopsis: []string{
		"[-i] [-sysv] [-trace] [-timeout D] [FILE]",
		"[-i] [-prio | -notify] [-trace] [-timeout D] [FILE]",
	},
	Text: `Process p1 sends ten times each integer in FILE (or standard input) through
a message queue to process p2, which prints them.
`,
	Options: `  -sysv     a System V message queue (msgget, msgsnd, msgrcv, msgctl)
            instead of a POSIX one (mq_open, mq_timedsend, mq_timedreceive)
  -prio     p1 sends item X with priority |X| mod 4, and p2 starts once p1
            is done, so the queue shows its order: highest priority first
            (at most 9 items, what the queue holds with the end message)
  -notify   p2 asks the kernel for a signal when a message arrives in the
            empty queue (mq_notify, SIGUSR1) instead of waiting in
            mq_timedreceive
` + lab.Common,
	Example: `  mqlab testdata/queue.txt
  printf '5\n12\n34\n423\n2\n1\n' | mqlab -i -sysv
  mqlab -prio testdata/queue.txt
`,
	Needs: "message queues need a Linux kernel; WASI preview 1 has none" + cli.TryNative,
	Subs:  []*command.Command{send, recv, statCmd, rmCmd},
}

// Prompts are the lab sheet's dialogue lines for this lab.
var Prompts = input.Prompts{Size: "Enter the datasize: ", Item: "Enter the data: "}

// The subcommands on a named queue share one text.
var (
	send = &command.Command{
		Name:     "send",
		Summary:  "p1 alone: ten times each item into a named queue",
		Synopsis: []string{"(-name NAME | -sysv -key K) [-prio P] [-nonblock] [-trace] [FILE]"},
		Text:     namedText, Options: namedOptions, Example: namedExample,
	}
	recv = &command.Command{
		Name:     "recv",
		Summary:  "p2 alone: prints what comes out of a named queue",
		Synopsis: []string{"(-name NAME | -sysv -key K) [-n COUNT] [-timeout D] [-type T] [-nonblock] [-trace]"},
		Text:     namedText, Options: namedOptions, Example: namedExample,
	}
	statCmd = &command.Command{
		Name:     "stat",
		Summary:  "shows a named queue's owner, mode, size and messages",
		Synopsis: []string{"[-trace] (NAME | -sysv -key K)"},
		Text:     namedText, Options: namedOptions, Example: namedExample,
	}
	rmCmd = &command.Command{
		Name:     "rm",
		Summary:  "removes a named queue",
		Synopsis: []string{"[-trace] (NAME | -sysv -key K)"},
		Text:     namedText, Options: namedOptions, Example: namedExample,
	}
)

const namedText = `Two unrelated processes meet at a named queue: send (p1's half of the lab)
puts ten times each integer in FILE (or standard input) in it, then an empty
end message; recv (p2's half) prints them, after saying what it waits on.
Whichever comes first creates the queue (mode 0600, exclusive create); recv
removes it when the end message arrives, or whoever created it if it stops
early. A POSIX queue takes one recv and one send at a time: another is
refused. NAME is a POSIX queue name (up to 255 bytes, no /), your own on a
shared machine; K a non-zero key such as 42 or 0x2a.
`

const namedOptions = `  -name NAME    the POSIX queue (/dev/mqueue/NAME where mqueue is mounted)
  -sysv -key K  the System V queue with key K instead
  -prio P       send: priority P (0-3; System V: message type 4-P); the
                end message goes at priority 0, behind the items
  -n COUNT      recv: stop after COUNT values
  -timeout D    recv: give up when no message comes within D (500ms, 2s, 1m)
  -type T       recv -sysv: msgtyp T (>0: that type; <0: lowest type <= |T|)
  -nonblock     send, recv: fail at once with "queue full" or "queue empty"
                (O_NONBLOCK, IPC_NOWAIT) instead of waiting
  -trace        print each IPC system call to standard error
  -h            this help
`

const namedExample = `  mqlab recv -name lab &  mqlab send -name lab testdata/queue.txt
  mqlab stat lab; mqlab rm lab
`
