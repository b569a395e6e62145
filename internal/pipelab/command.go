// Package pipelab is the pipe lab: p1 sends the items through a pipe to
// p2 (see cmd/pipelab for its manual page). Command is its entry in the
// command table, for the standalone pipelab and the multicall ipclab.
package pipelab

import (
	"ipclab/internal/command"
	"ipclab/internal/lab"
)

// Command is pipelab. Its Run and the bench subcommand are Linux's
// (pipelab_linux.go); send and recv run under WASI too.
var Command = &command.Command{
	Name:    "pipelab",
	Program: true,
	Summary: "a pipe: p1 sends the items to p2",
	Synopsis: []string{
		"[-i] [-trace] [-timeout D] [-duplex] [FILE]",
		"[-i] [-trace] [-timeout D] -writers N [-size BYTES] [FILE]",
	},
	Text: `Sends the integers in FILE (or standard input) from process p1 to process p2
through a pipe; the data end at the first 0.
`,
	Options: `  -duplex   a second pipe: p2 acknowledges each message to p1 ("Ack: X")
  -writers N
            N writers (1 to 64) share the pipe, each sending its share of the
            items; a reader checks that no record was torn or reordered
  -size BYTES
            with -writers: the record size, 24 to 1048576 (default 4096,
            PIPE_BUF; larger writes may tear)
` + lab.Common,
	Example: `  pipelab testdata/pipe.txt
  printf '5\n12\n34\n423\n2\n0\n' | pipelab -i
  pipelab -duplex testdata/pipe.txt
  seq 10000 | pipelab -writers 8
`,
	Needs: "the lab's p1 and p2 need a Linux kernel; WASI preview 1 cannot start processes" + tryEnds,
	Subs:  []*command.Command{send, recv},
}

// tryEnds is what runs where the lab's processes cannot.
const tryEnds = " (join two ends with a pipe instead: pipelab send FILE | pipelab recv)"

var send = &command.Command{
	Name:     "send",
	Summary:  "p1 alone: the items as records on standard output or a named pipe",
	Synopsis: []string{"[-fifo PATH] [-trace] [FILE]"},
	Text: `Sends the integers in FILE (or standard input) as the lab's 8-byte records,
ending with the marker 0: to the named pipe PATH (created if missing, and
then removed at the end), or to standard output. "Messages Sent: X" goes to
standard output with -fifo, else to standard error. (The WASI build has
neither -fifo nor -trace.)
`,
	Options: endOptions,
	Example: `  pipelab send testdata/pipe.txt | pipelab recv
  pipelab send -fifo /tmp/lab.fifo testdata/pipe.txt   (terminal 1)
  pipelab recv -fifo /tmp/lab.fifo                      (terminal 2)
`,
}

var recv = &command.Command{
	Name:     "recv",
	Summary:  "p2 alone: prints the records from standard input or a named pipe",
	Synopsis: []string{"[-fifo PATH] [-trace]"},
	Text: `Reads the lab's records from the named pipe PATH (created if missing, and
then removed at the end) or from standard input, and prints
"Messages Received: X" for each until the end marker 0. (The WASI build has
neither -fifo nor -trace.)
`,
	Options: endOptions,
}

const endOptions = `  -fifo PATH  the named pipe PATH instead of the standard stream: made if
              missing and removed by whoever made it (a guard child makes it,
              and removes it should pipelab be killed)
  -trace      print each IPC system call to standard error as it happens
  -h          this help
`

func init() {
	send.Run = sendRun
	recv.Run = recvRun
}
