//go:build !linux

package ipc

func UnshareFiles() error { return errPipe }

func RawRead(fd int, p []byte) (int, error)         { return 0, errPipe }
func RawReadFull(fd int, p []byte) error            { return errPipe }
func RawWriteAll(fd int, p []byte) error            { return errPipe }
func RawWrite(fd int, p []byte) (int, error)        { return 0, errPipe }
func RawMqSend(mqd int, msg []byte) error           { return errMq }
func RawMqReceive(mqd int, buf []byte) (int, error) { return 0, errMq }
func RawMsgsnd(id int, m MsgBuf, textLen int) error { return errMq }
func RawMsgrcv(id int, m MsgBuf) (int, error)       { return 0, errMq }
func Fast() bool                                    { return false }
