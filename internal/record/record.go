// Package record is the labs' wire format: one item is a signed 64-bit
// integer in 8 little-endian bytes, the same on every architecture (and in
// the WASI build), so a sender and a receiver built for different machines
// understand each other.
package record

import (
	"ipclab/internal/text"
)

// Size is the size of one record in bytes. It is far below PIPE_BUF (4096),
// so every record written to a pipe arrives whole.
const Size = 8

// Put stores v in b[:Size].
func Put(b []byte, v int64) {
	_ = b[Size-1]
	u := uint64(v)
	for i := 0; i < Size; i++ {
		b[i] = byte(u >> (8 * i))
	}
}

// Get reads the value stored in b[:Size].
func Get(b []byte) int64 {
	_ = b[Size-1]
	var u uint64
	for i := 0; i < Size; i++ {
		u |= uint64(b[i]) << (8 * i)
	}
	return int64(u)
}

// Encode packs values into consecutive records.
func Encode(values []int64) []byte {
	b := make([]byte, len(values)*Size)
	for i, v := range values {
		Put(b[i*Size:], v)
	}
	return b
}

// Decode unpacks consecutive records; a trailing partial record is ignored.
func Decode(b []byte) []int64 {
	values := make([]int64, len(b)/Size)
	for i := range values {
		values[i] = Get(b[i*Size:])
	}
	return values
}

// Show shows records as a trace does: the values in brackets, "[12]" or
// "[12 34]", "[]" for none (the message queues' end); bytes that are not
// whole records as "N bytes".
func Show(b []byte) string {
	if len(b)%Size != 0 {
		return text.Itoa(len(b)) + " bytes"
	}
	s := "["
	for i := 0; i < len(b); i += Size {
		if i > 0 {
			s += " "
		}
		if i >= 4*Size {
			return s + "... " + text.Itoa(len(b)/Size) + " records]"
		}
		s += text.Int64(Get(b[i:]))
	}
	return s + "]"
}
