//go:build linux

package shmlab

import (
	"errors"
	"io"
	"unsafe"

	"ipclab/internal/cli"
	"ipclab/internal/ring"
	"ipclab/internal/text"
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
				ipc.TraceNoteAt(tc, "ring["+text.Int64(i%streamSlots)+"] = "+text.Int64(v)+
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
			ipc.TraceNote("took " + text.Int64(v) + " from ring[" + text.Int64(n%streamSlots) +
				"] (a load from shared memory)")
		}
		if n++; count == 0 {
			out.Line(text.Int64(v))
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
	out.Line(text.Int64(n) + " items, checksum " + text.Int64(sum) + verdict + ", " +
		text.Int64(n*1e9/max(now()-start, 1)) + " items/s")
	if err := out.Flush(); err != nil || verdict[2] == 'v' {
		return err
	}
	return errors.New("items 1.." + text.Int64(count) + " give the checksum " + text.Int64(want) +
		": items were lost, repeated or reordered")
}
