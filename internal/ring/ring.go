// Package ring is a single-producer single-consumer ring of fixed-size
// slots in memory shared by two processes (a MAP_SHARED mapping of a
// memfd, a /dev/shm object or a System V segment): the bounded buffer of
// the producer/consumer problem, without a system call on its fast path.
//
// The producer and the consumer each make a Ring with New on the same
// memory, with the same geometry, and use only their own side's methods:
// Reserve and Commit (or Send) and Close for the producer, Next and
// Release (or Receive) for the consumer.
//
// The wait discipline is the one of the C reference (bench/ref.c): the
// two indices are on separate cache lines, each side keeps a copy of the
// other's index and reads the shared one only when its copy says the ring
// is full (or empty); a side that must wait spins briefly (the other is
// likely running on another CPU) and then sleeps on a futex, after saying
// so in a flag; the other side makes the wake-up system call only when
// that flag is set. So a busy ring costs no system call at all.
package ring

import (
	"errors"
	"io"
	"sync/atomic"
	"unsafe"

	"ipclab/ipc"
)

// line is the cache line the shared fields are spread over.
const line = 64

// HeaderSize is the room the ring's shared state takes at the start of its
// memory; the slots follow.
const HeaderSize = 4 * line

// Spin is how many times a side looks at the other's index, with a pause
// between looks, before it sleeps on the futex (ref.c's SPIN).
const Spin = 2000

// header is the shared state. Each index has a cache line to itself, so
// the producer's stores to head do not take away the line the consumer
// writes tail in; each direction's futex word shares a line with the flag
// of the side that sleeps on it.
type header struct {
	head uint64 // items published; written by the producer only
	_    [line - 8]byte
	tail uint64 // items consumed; written by the consumer only
	_    [line - 8]byte

	dataSeq         uint32 // futex word: bumped to wake the consumer
	consumerWaiting uint32 // 1 while the consumer sleeps, or is about to
	closed          uint32 // 1 once the producer has closed the ring
	_               [line - 12]byte

	spaceSeq        uint32 // futex word: bumped to wake the producer
	producerWaiting uint32 // 1 while the producer sleeps, or is about to
	_               [line - 8]byte
}

// Ring is one side of a ring: the producer's or the consumer's. Besides
// the shared header it holds the side's own index, a copy of the other
// side's, and where the next slot is.
type Ring struct {
	h     *header
	slots []byte
	size  int    // bytes per slot
	n     uint64 // slots
	pos   int    // offset of the next slot in slots
	// The producer's own index is head and tail its copy of the
	// consumer's; for the consumer it is the other way round.
	head, tail uint64
}

// Size returns the bytes of shared memory a ring of n slots of size bytes
// takes.
func Size(n, size int) int {
	return HeaderSize + (n*size+line-1)/line*line
}

// New returns one side of the ring of n slots of size bytes at the start
// of mem. mem must be shared memory of at least Size(n, size) bytes that
// was zero when the ring was first used (a new memfd, /dev/shm object or
// System V segment is), aligned to 8 bytes (a mapping is). Both sides call
// New with the same n and size.
func New(mem []byte, n, size int) (*Ring, error) {
	if n < 1 || size < 1 || n > (len(mem)-HeaderSize)/size {
		return nil, errors.New("ring: the memory is too small for the ring")
	}
	if uintptr(unsafe.Pointer(&mem[0]))%8 != 0 {
		return nil, errors.New("ring: the memory is not 8-byte aligned")
	}
	return &Ring{
		h:     (*header)(unsafe.Pointer(&mem[0])),
		slots: mem[HeaderSize : HeaderSize+n*size : HeaderSize+n*size],
		size:  size,
		n:     uint64(n),
	}, nil
}

// Reserve waits for a free slot and returns it; the producer fills it and
// publishes it with Commit.
func (r *Ring) Reserve() []byte {
	if r.head-r.tail >= r.n {
		r.tail = r.await(&r.h.tail, r.head-r.n, &r.h.spaceSeq, &r.h.producerWaiting)
	}
	return r.slots[r.pos : r.pos+r.size : r.pos+r.size]
}

// Commit publishes the slot Reserve returned, waking the consumer if it
// sleeps.
func (r *Ring) Commit() {
	r.head++
	r.advance()
	// A sequentially consistent store, then the load of the flag: either
	// the consumer sees the new head before it sleeps, or this sees the
	// flag (the consumer's side is in await).
	atomic.StoreUint64(&r.h.head, r.head)
	if atomic.LoadUint32(&r.h.consumerWaiting) != 0 {
		wake(&r.h.dataSeq)
	}
}

// Send copies msg into the next slot (the rest of a longer slot keeps
// what it held) and publishes it.
func (r *Ring) Send(msg []byte) {
	copy(r.Reserve(), msg)
	r.Commit()
}

// Close tells the consumer that nothing more comes: Next returns io.EOF
// once it has taken every item. The producer closes after its last Commit.
func (r *Ring) Close() {
	atomic.StoreUint32(&r.h.closed, 1)
	if atomic.LoadUint32(&r.h.consumerWaiting) != 0 {
		wake(&r.h.dataSeq)
	}
}

// Next waits for the next item and returns its slot, which stays the
// consumer's until Release. It returns io.EOF when the producer has closed
// the ring and every item has been taken.
func (r *Ring) Next() ([]byte, error) {
	if r.head == r.tail {
		r.head = r.await(&r.h.head, r.tail, &r.h.dataSeq, &r.h.consumerWaiting)
		if r.head == r.tail {
			return nil, io.EOF
		}
	}
	return r.slots[r.pos : r.pos+r.size : r.pos+r.size], nil
}

// Release gives the slot Next returned back to the producer, waking it if
// it sleeps.
func (r *Ring) Release() {
	r.tail++
	r.advance()
	atomic.StoreUint64(&r.h.tail, r.tail)
	if atomic.LoadUint32(&r.h.producerWaiting) != 0 {
		wake(&r.h.spaceSeq)
	}
}

// Receive copies the next item into buf (as much as fits) and releases its
// slot; io.EOF as Next.
func (r *Ring) Receive(buf []byte) error {
	s, err := r.Next()
	if err != nil {
		return err
	}
	copy(buf, s)
	r.Release()
	return nil
}

// advance moves to the next slot; a wrap is cheaper than a division.
func (r *Ring) advance() {
	if r.pos += r.size; r.pos == len(r.slots) {
		r.pos = 0
	}
}

// await waits until the shared index *idx exceeds lim, or the ring is
// closed, and returns the index. It looks Spin times, pausing between
// looks, then sleeps on the futex word seq with the flag waiting set; the
// other side, which changes *idx and then reads the flag, bumps seq and
// wakes it. seq is read before the flag is set and the index is checked
// once more after it, so a wake-up between the check and the sleep makes
// FutexWait return at once. Close is noticed before sleeping.
func (r *Ring) await(idx *uint64, lim uint64, seq, waiting *uint32) uint64 {
	for {
		for spins := 0; spins < Spin; spins++ {
			if v := atomic.LoadUint64(idx); v > lim {
				return v
			}
			pause()
		}
		s := atomic.LoadUint32(seq)
		atomic.StoreUint32(waiting, 1)
		if atomic.LoadUint64(idx) <= lim && atomic.LoadUint32(&r.h.closed) == 0 {
			// EAGAIN (seq moved) and spurious returns just mean: look again.
			ipc.FutexWait(seq, s, nil)
		}
		atomic.StoreUint32(waiting, 0)
		if atomic.LoadUint32(&r.h.closed) != 0 {
			// Read the index again: it may have moved before the
			// producer closed.
			return atomic.LoadUint64(idx)
		}
	}
}

func wake(seq *uint32) {
	atomic.AddUint32(seq, 1)
	ipc.FutexWake(seq, 1)
}
