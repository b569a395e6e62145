package proc

import (
	"io"
	"slices"
	"syscall"
	"testing"
)

// TestFeed sends items through a Feed's pipe to Items, more than the pipe
// holds, and checks that a pipe closed without the Feed's end (a parent
// that died) is not taken for the end of the items.
func TestFeed(t *testing.T) {
	f := NewFeed()
	var want []int64
	for i := int64(0); !f.Full(); i++ {
		f.Put(i*7 - 3)
		want = append(want, i*7-3)
	}
	// A group with a child that never ends: Check, while the pipe is
	// full, finds nothing wrong.
	r, err := f.Pipe(&Group{children: []*Child{{Name: "reader"}}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		for i := int64(0); i < 50000; i++ {
			if err := f.Put(-i); err != nil {
				done <- err
				return
			}
		}
		done <- f.Close()
	}()
	for i := int64(0); i < 50000; i++ {
		want = append(want, -i)
	}
	it := NewItems(r)
	var got []int64
	for {
		v, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Items got %d items, want %d (first difference at %d)", len(got), len(want), diffAt(got, want))
	}

	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	syscall.Write(p[1], make([]byte, 16))
	syscall.Close(p[1])
	it = NewItems(p[0])
	vals, err := it.Batch()
	if len(vals) != 2 || err != nil {
		t.Fatalf("Batch = %v, %v; want two zeros", vals, err)
	}
	if _, err := it.Batch(); err != io.ErrUnexpectedEOF {
		t.Errorf("Batch on a pipe closed without the end = %v, want io.ErrUnexpectedEOF", err)
	}
}

func diffAt(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
