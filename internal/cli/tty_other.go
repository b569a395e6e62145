//go:build !linux

package cli

import (
	"io"
	"os"
	"syscall"

	"ipclab/ipc"
)

// IsTerminal reports whether f is a terminal. WASI has no ioctl to ask;
// as wasi-libc's isatty does, it looks for a character device that
// cannot seek (which tells /dev/null apart). What runtimes report for the
// standard streams differs (fd_filestat_get, fd_seek):
//
//	              pipe            file      terminal   /dev/null  device, inode
//	wazero 1.12   unknown         regular   char dev   char dev   0, 0
//	Node.js       socket stream   regular   char dev   char dev   real
//	wasmer-js     char dev        char dev  char dev   char dev   real
//
// where only a regular file and Node's and wazero's /dev/null can seek.
// wasmer-js 0.12 reports every standard stream as an unseekable character
// device, but tells each file's real device and inode. So a terminal must
// also be the very file of another standard stream: the terminal one types
// at is where the lab's prompts and lines appear, and a pipe or a file
// handed over as standard input is not. (wazero's identities are all 0,
// so this holds there, and its file types decide.)
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	// fd_seek itself: os.File.Seek refuses a stream it believes opened
	// with O_APPEND without asking the runtime.
	if _, err := syscall.Seek(int(f.Fd()), 0, io.SeekCurrent); err == nil {
		return false
	}
	for _, g := range [...]*os.File{os.Stdin, os.Stdout, os.Stderr} {
		if g.Fd() == f.Fd() {
			continue
		}
		if gs, err := g.Stat(); err == nil && os.SameFile(st, gs) {
			return true
		}
	}
	return false
}

// writer is what Output writes w through: for a file (a standard stream)
// ipc.WriteAll, which waits on a non-blocking descriptor with
// poll_oneoff, for Node.js hands the standard streams over non-blocking
// without the WASI flag that would make the Go runtime wait on them.
func writer(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok {
		return fdWriter(f.Fd())
	}
	return w
}

type fdWriter int

func (w fdWriter) Write(p []byte) (int, error) {
	if err := ipc.WriteAll(int(w), p); err != nil {
		return 0, err
	}
	return len(p), nil
}
