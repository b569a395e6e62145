package ipc_test

import (
	"fmt"

	"golang.org/x/sys/unix"

	"ipclab/ipc"
)

// A record goes through a pipe; the labs hand the two ends to two children.
func ExamplePipe2() {
	r, w, err := ipc.Pipe2(unix.O_CLOEXEC)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ipc.Close(r)
	if err := ipc.WriteAll(w, []byte("12345678")); err != nil {
		fmt.Println(err)
	}
	ipc.Close(w)

	rec := make([]byte, 8)
	err = ipc.ReadFull(r, rec)
	fmt.Printf("%s %v\n", rec, err)
	err = ipc.ReadFull(r, rec)
	fmt.Println(err)
	// Output:
	// 12345678 <nil>
	// EOF
}

// Messages come out of a POSIX queue highest priority first; a 0-byte
// message makes a good end marker.
func ExampleMqOpen() {
	name := "/ipclab-example"
	mqd, err := ipc.MqOpen(name, unix.O_RDWR|unix.O_CREAT, 0o600, &ipc.MqAttr{Maxmsg: 4, Msgsize: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ipc.MqUnlink(name)
	defer ipc.Close(mqd)

	ipc.MqTimedSend(mqd, []byte("low"), 1, nil)
	ipc.MqTimedSend(mqd, []byte("high"), 9, nil)
	ipc.MqTimedSend(mqd, nil, 0, nil)
	buf := make([]byte, 8)
	for {
		n, prio, err := ipc.MqTimedReceive(mqd, buf, ipc.Deadline(1e9))
		if err != nil || n == 0 {
			fmt.Println("end", err)
			break
		}
		fmt.Println(string(buf[:n]), prio)
	}
	// Output:
	// high 9
	// low 1
	// end <nil>
}
