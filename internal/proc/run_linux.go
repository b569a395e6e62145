package proc

import (
	"errors"
	"syscall"
)

// Run runs the program at path with argv, stdin as its standard input and
// the caller's standard error; it returns what the program wrote to
// standard output and how it ended. A program that has not closed its
// output within limit ns (0: no limit) is stuck: Run kills it and its
// descendants, and its error says where each one waited.
func Run(path string, argv []string, stdin []byte, limit int64) ([]byte, syscall.WaitStatus, error) {
	var in, out [2]int
	if err := syscall.Pipe2(in[:], syscall.O_CLOEXEC); err != nil {
		return nil, 0, syscallError("pipe2", err)
	}
	if err := syscall.Pipe2(out[:], syscall.O_CLOEXEC); err != nil {
		syscall.Close(in[0])
		syscall.Close(in[1])
		return nil, 0, syscallError("pipe2", err)
	}
	pid, err := spawn(path, argv, []uintptr{uintptr(in[0]), uintptr(out[1]), 2})
	syscall.Close(in[0])
	syscall.Close(out[1])
	if err != nil {
		syscall.Close(in[1])
		syscall.Close(out[0])
		return nil, 0, syscallError("fork/exec "+path, err)
	}
	// The input is written from a goroutine while the output is read here,
	// so neither side can block the other on a full pipe.
	go func() {
		for b := stdin; len(b) > 0; {
			n, err := syscall.Write(in[1], b)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				break
			}
			b = b[n:]
		}
		syscall.Close(in[1])
	}()
	var stdout []byte
	buf := make([]byte, 32<<10)
	deadline := monotonic() + limit
	for {
		if limit > 0 && !Poll(out[0], 1000) {
			if monotonic() < deadline {
				continue
			}
			why := hung(pid, limit)
			syscall.Close(out[0])
			return stdout, wait(pid), errors.New(why)
		}
		n, err := syscall.Read(out[0], buf)
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 {
			break
		}
		stdout = append(stdout, buf[:n]...)
	}
	syscall.Close(out[0])
	return stdout, wait(pid), nil
}
