//go:build linux

package shmlab

import (
	"errors"
	"io"
	"strconv"
	"unsafe"

	"ipclab/internal/cli"
	"ipclab/internal/ring"
	"ipclab/ipc"
)

// streamSlots is the ring's capacity in items: small next to a long
// stream, so that p1 often finds it full and p2 empty.
const streamSlots = 1024

var streamSize = ring.Size(streamSlots, 8)

// stream plays p1 or p2 of -stream on the ring in seg. p1 puts values in
// it, or with count > 0 the items 1..count, and closes it. p2 takes them
// out and prints each, or with count > 0 checks that they were 1..count,
// in order, and says how fast they came: the checksum weighs each item
// with its position, so that a lost, repeated or reordered item changes it
// (modulo 2^64).
func stream(role string, count int64, values []int64, seg []byte, stdout io.Writer) error {
	q, err := ring.New(seg, streamSlots, 8)
	if err != nil {
		return err
	}
	if role == "p1" {
		for i := int64(0); i < int64(len(values)) || i < count; i++ {
			v := i + 1
			if count == 0 {
				v = values[i]
			}
			*(*int64)(unsafe.Pointer(&q.Reserve()[0])) = v
			if ipc.Tracing() {
				tc := ipc.TraceStart(false) // before p2 can take it
				q.Commit()
				ipc.TraceNoteAt(tc, "ring["+strconv.FormatInt(i%streamSlots, 10)+"] = "+strconv.FormatInt(v, 10)+
					" (a store to shared memory, no system call)")
				continue
			}
			q.Commit()
		}
		q.Close()
		return nil
	}
	out := cli.NewOutput(stdout)
	var n, sum, start, want int64
	for {
		s, err := q.Next()
		if err == io.EOF {
			break
		}
		v := *(*int64)(unsafe.Pointer(&s[0]))
		q.Release()
		if ipc.Tracing() {
			ipc.TraceNote("took " + strconv.FormatInt(v, 10) + " from ring[" + strconv.FormatInt(n%streamSlots, 10) +
				"] (a load from shared memory)")
		}
		if n++; count == 0 {
			out.Line(strconv.FormatInt(v, 10))
		} else if n == 1 {
			start = now()
		}
		sum += n * v
	}
	if count == 0 {
		return out.Flush()
	}
	for k := int64(1); k <= count; k++ {
		want += k * k
	}
	verdict := " (verified)"
	if n != count || sum != want {
		verdict = " (wrong)"
	}
	out.Line(strconv.FormatInt(n, 10) + " items, checksum " + strconv.FormatInt(sum, 10) + verdict + ", " +
		strconv.FormatInt(n*1e9/max(now()-start, 1), 10) + " items/s")
	if err := out.Flush(); err != nil || verdict[2] == 'v' {
		return err
	}
	return errors.New("items 1.." + strconv.FormatInt(count, 10) + " give the checksum " + strconv.FormatInt(want, 10) +
		": items were lost, repeated or reordered")
}
