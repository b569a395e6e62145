package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	"ipclab/internal/proc"
)

// exitOnSignal makes SIGINT, SIGTERM or SIGHUP run cleanup, say
// "pipelab: interrupted by SIG…" and exit 1, for send and recv on a FIFO:
// a FIFO this process made must not outlive it. It acts from its own
// goroutine, since the process may be blocked in open(2) when the signal
// comes. stop turns it off. (The lab's own processes need no handler: see
// package proc. pipelab alone pays for os/signal.)
func exitOnSignal(stderr io.Writer, cleanup func()) (stop func()) {
	sigs := make(chan os.Signal, 1)
	quit := make(chan struct{})
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-sigs:
			cleanup()
			io.WriteString(stderr, "pipelab: interrupted by "+proc.SignalName(s.(syscall.Signal))+"\n")
			os.Exit(1)
		case <-quit:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(quit)
	}
}
