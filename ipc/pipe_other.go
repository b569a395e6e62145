//go:build !linux && !wasip1

package ipc

func Read(fd int, p []byte) (int, error)     { return 0, errPipe }
func ReadWait(fd int, p []byte) (int, error) { return 0, errPipe }
func Write(fd int, p []byte) (int, error)    { return 0, errPipe }
func ReadFull(fd int, p []byte) error        { return errPipe }
func WriteAll(fd int, p []byte) error        { return errPipe }
func Close(fd int) error                     { return errPipe }
