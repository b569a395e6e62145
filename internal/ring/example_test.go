//go:build linux

package ring_test

import (
	"encoding/binary"
	"fmt"
	"io"

	"golang.org/x/sys/unix"

	"ipclab/internal/ring"
	"ipclab/ipc"
)

// A bounded buffer of int64 items with a checksum, as between a producer
// p1 and a consumer p2. Here both sides are goroutines of one process; in
// a lab the parent makes the memfd, hands it to p1 and p2 (proc.Group.Start
// puts it at their descriptor 3), and each maps it and calls ring.New with
// the same geometry.
func Example() {
	const slots, item = 16, 8
	fd, _ := ipc.MemfdCreate("ring", unix.MFD_CLOEXEC)
	defer ipc.Close(fd)
	size := ring.Size(slots, item)
	ipc.Fallocate(fd, int64(size))
	mem, _ := ipc.Mmap(fd, size)
	defer ipc.Munmap(mem)

	// p1: produce 1..1000, then close.
	go func() {
		r, _ := ring.New(mem, slots, item)
		for v := int64(1); v <= 1000; v++ {
			binary.LittleEndian.PutUint64(r.Reserve(), uint64(v))
			r.Commit()
		}
		r.Close()
	}()

	// p2: consume until the end, summing.
	r, _ := ring.New(mem, slots, item)
	var n, sum int64
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		sum += int64(binary.LittleEndian.Uint64(s))
		n++
		r.Release()
	}
	fmt.Println(n, "items, sum", sum)
	// Output:
	// 1000 items, sum 500500
}
