//go:build linux

package pipelab

// pipelab -writers N: N writer processes share one pipe and a reader checks
// what arrives. POSIX makes a write of at most PIPE_BUF bytes to a pipe
// atomic: its bytes are never mixed with another writer's. Each record
// therefore carries its writer and sequence number and fills the rest of
// its bytes with a pattern derived from them, so the reader can tell a
// whole record from a torn one, and each writer's order from a mix-up.

import (
	"errors"
	"io"
	"ipclab/ipc"

	"ipclab/internal/cli"
	"ipclab/internal/proc"
	"ipclab/internal/record"
	"ipclab/internal/text"
)

const (
	maxWriters = 64
	pipeBuf    = 4096            // PIPE_BUF: the largest atomic write to a pipe
	headerSize = 3 * record.Size // writer, sequence number, item
	maxSize    = 1 << 20         // -size's limit: 16 times a default pipe's buffer
)

// mode is what the options chose: the sheet's lab, -duplex, or -writers N
// with records of size bytes.
type mode struct {
	duplex  bool
	writers int
	size    int
}

// unset is the value of -writers and -size when not given: no argument
// can hold a NUL byte.
const unset = "\x00"

// parseMode checks -duplex, -writers and -size.
func parseMode(duplex bool, writers, size string) (mode, error) {
	m := mode{duplex: duplex, size: pipeBuf}
	if writers != unset {
		n, ok := text.Atoi(writers)
		if !ok || n < 1 || n > maxWriters {
			return m, cli.Usage("-writers: " + ipc.Quote(writers) + " is not a number of writers from 1 to 64")
		}
		m.writers = n
	}
	if size != unset {
		n, ok := text.Atoi(size)
		switch {
		case m.writers == 0:
			return m, cli.Usage("-size goes with -writers")
		case !ok || n < headerSize || n > maxSize:
			return m, cli.Usage("-size: " + ipc.Quote(size) + " is not a record size from 24 to 1048576")
		}
		m.size = n
	}
	if duplex && m.writers > 0 {
		return m, cli.Usage("-duplex and -writers exclude each other")
	}
	return m, nil
}

// writersChild runs a writer or the reader. args are the writer's number
// (0 for the reader), N and the record size; the pipe end is at FirstFD,
// the data file after it.
func writersChild(role string, args []string, out *cli.Output) error {
	var v [3]int // id, n, size
	ok := len(args) == len(v)
	for i := 0; ok && i < len(v); i++ {
		v[i], ok = text.Atoi(args[i])
	}
	if !ok {
		return errors.New("unknown role " + role)
	}
	values, err := proc.ReadData(proc.FirstFD + 1)
	if err != nil {
		return err
	}
	ipc.SetTraceValues(showRecord)
	p := pipeEnd(proc.FirstFD)
	if v[0] == 0 {
		return reader(p, v[1], v[2], values, out)
	}
	return childError(role+": ", writer(p, v[0], v[1], v[2], values, out))
}

// showRecord shows a writer's record in a trace: "{writer 3, #12: 34}";
// a read that got a part of one (torn, or a short read) by its size.
func showRecord(b []byte) string {
	if len(b) < headerSize {
		return text.Itoa(len(b)) + " bytes"
	}
	return "{writer " + text.Int64(record.Get(b)) + ", #" + text.Int64(record.Get(b[record.Size:])) +
		": " + text.Int64(record.Get(b[2*record.Size:])) + "}"
}

// share is how many records writer id (1 to n) sends: the items are dealt
// out in turn, item i to writer i%n+1.
func share(id, n, items int) int { return (items - id + n) / n }

// stamp fills rec with writer id's record number seq, carrying item v.
func stamp(rec []byte, id, seq int, v int64) {
	record.Put(rec, int64(id))
	record.Put(rec[record.Size:], int64(seq))
	record.Put(rec[2*record.Size:], v)
	x := uint64(id)<<32 ^ uint64(seq)
	for i := headerSize; i < len(rec); i++ {
		x = x*6364136223846793005 + 1442695040888963407
		rec[i] = byte(x >> 56)
	}
}

// writer sends its share of the items, each in one write of a whole
// record, prints how many it sent and closes its end.
func writer(w io.WriteCloser, id, n, size int, values []int64, out *cli.Output) error {
	rec := make([]byte, size)
	seq := 0
	for i := id - 1; i < len(values); i += n {
		stamp(rec, id, seq, values[i])
		if _, err := w.Write(rec); err != nil {
			return writeError(err)
		}
		seq++
	}
	out.Line("Writer " + text.Itoa(id) + " sent " + count(seq, "record"))
	// Out before the end closes: the reader's verdict, which waits for
	// every writer's close, then comes after all the writers' lines.
	out.Flush()
	return w.Close()
}

// reader reads records of size bytes until every writer has closed the
// pipe, checks each against the pattern its header promises and each
// writer's sequence numbers, and prints the verdict.
func reader(r io.Reader, n, size int, values []int64, out *cli.Output) error {
	rec, want := make([]byte, size), make([]byte, size)
	next := make([]int, n+1) // writer id's next sequence number
	total, torn, disorder, whole := 0, 0, 0, 0
	for {
		_, err := io.ReadFull(r, rec)
		if err == io.EOF {
			break
		}
		if err == io.ErrUnexpectedEOF {
			torn++ // a piece of a record at the end
			total++
			break
		}
		if err != nil {
			return errors.New("reader: " + err.Error())
		}
		total++
		id, seq := record.Get(rec), record.Get(rec[record.Size:])
		if id < 1 || id > int64(n) || seq < 0 || seq >= int64(share(int(id), n, len(values))) {
			torn++
			continue
		}
		stamp(want, int(id), int(seq), values[int(seq)*n+int(id)-1])
		if string(rec) != string(want) {
			torn++
			continue
		}
		if int(seq) != next[id] {
			disorder++
		}
		next[id] = int(seq) + 1
		whole++
	}
	missing := len(values) - whole // the items not received whole
	s := "Received " + count(total, "record") + " from " + count(n, "writer") + ": "
	if torn+disorder+missing == 0 {
		s += "none torn, each writer's complete and in order"
	} else {
		s += text.Itoa(torn) + " torn, " + text.Itoa(disorder) + " out of order, " + text.Itoa(missing) + " missing"
	}
	out.Line(s)
	switch {
	case torn > 0 || disorder > 0:
		return errors.New("reader: not every record arrived whole and in its writer's order")
	case missing > 0:
		// A writer ended early: the parent says which.
		return proc.LostPeer(errors.New("reader: records missing"))
	}
	return nil
}

// count says "1 record", "2 records".
func count(n int, what string) string {
	s := text.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}
