// Package shmlab is the shared-memory lab: p1 stores ten times each item
// and their sum in a shared segment, and the main program prints them
// from there (see cmd/shmlab for its manual page). Command is its entry in
// the command table, for the standalone shmlab and the multicall ipclab.
package shmlab

import (
	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/input"
	"ipclab/internal/lab"
)

// Command is shmlab. Its Run, its subcommands' and the bench subcommand
// are Linux's (shmlab_linux.go, named.go).
var Command = &command.Command{
	Name:    "shmlab",
	Program: true,
	Summary: "shared memory: p1 stores ten times each item and their sum, the main program prints them",
	Synopsis: []string{
		"[-i] [-sysv | -posix | -memfd] [-trace] [-timeout D] [FILE]",
		"-stream [-count N] [-i] [-sysv | -posix | -memfd] [-trace] [-timeout D] [FILE]",
	},
	Text: `Process p1 stores ten times each integer in FILE (or standard input) and
their sum in shared memory; the main program prints them from there.
`,
	Options: `  -sysv     a System V segment: shmget, shmat, shmctl (the default)
  -posix    a POSIX shared memory object in /dev/shm, mapped with mmap
  -memfd    an anonymous memory file (memfd_create), mapped with mmap
  -stream   p1 passes the items to p2 through a ring in the segment
  -count N  with -stream: p1 makes the items 1..N; p2 checks them
` + lab.Common,
	Example: `  shmlab testdata/shm.txt
  printf '4\n22\n33\n4\n55\n' | shmlab -i -memfd
  shmlab -stream -count 1000000 -posix
`,
	Needs: "shared memory between processes needs a Linux kernel; WASI preview 1 has none" + cli.TryNative,
	Subs:  []*command.Command{write, read, rmCmd},
}

// Prompts are the lab sheet's dialogue lines for this lab.
var Prompts = input.Prompts{Size: "Enter the datasize: ", Item: "Enter the data: "}

// The subcommands on a named segment share one text.
var (
	write = &command.Command{
		Name:     "write",
		Summary:  "p1 alone: the results and their sum into a named segment",
		Synopsis: []string{"(-name NAME | -sysv -key K) [-trace] [FILE]"},
		Text:     namedText, Options: namedOptions, Example: namedExample,
	}
	read = &command.Command{
		Name:     "read",
		Summary:  "the main program alone: waits for a writer and prints the segment",
		Synopsis: []string{"(-name NAME | -sysv -key K) [-timeout D] [-trace]"},
		Text:     namedText, Options: namedOptions, Example: namedExample,
	}
	rmCmd = &command.Command{
		Name:     "rm",
		Summary:  "removes a named segment",
		Synopsis: []string{"[-trace] (NAME | -sysv -key K)"},
		Text:     namedText, Options: namedOptions, Example: namedExample,
	}
)

const namedText = `Two unrelated processes meet at a named segment: write (p1's half of the
lab) stores ten times each integer in FILE (or standard input) and their
sum in it and wakes the reader (futex FUTEX_WAKE); read (the main
program's half) sleeps on the segment's futex word until then, prints
what it finds and removes the segment. Whichever comes first creates it
(mode 0600, exclusive create; the other opens it), so its size is fixed:
a named segment holds at most 65536 items (512 KiB). One writer per
segment; one that nobody read, or a killed reader made, stays until rm.
NAME is a POSIX name (/dev/shm/NAME; a leading / is added; no other /; at
most 255 bytes); K a non-zero key such as 42 or 0x2a.
`

const namedOptions = `  -name NAME    the POSIX shared memory object /dev/shm/NAME
  -sysv -key K  the System V segment with key K instead
  -timeout D    read: give up when no writer has published within D
                (500ms, 2s, 1m); 0, the default, waits for ever
  -trace        print each IPC system call to standard error
  -h            this help
`

const namedExample = `  shmlab read -name lab &  shmlab write -name lab testdata/shm.txt
  shmlab write -sysv -key 42 testdata/shm.txt; shmlab rm -sysv -key 42
`
