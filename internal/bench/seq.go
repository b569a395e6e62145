package bench

import (
	"errors"
	"ipclab/internal/text"
)

// Seq checks the sequence numbers every message carries: they must come
// as 0, 1, 2, … A message lost, duplicated or overtaken is an error, so
// that a benchmark never reports the speed of a transfer that went wrong.
type Seq struct {
	next int64
}

// Check accepts the sequence number of the next message. It is small
// enough to be inlined in the benchmark's loops; the error is made apart.
func (s *Seq) Check(got int64) error {
	if got == s.next {
		s.next++
		return nil
	}
	return s.wrong(got)
}

func (s *Seq) wrong(got int64) error {
	why := ": duplicated or reordered"
	if got > s.next {
		why = ": " + text.Int64(got-s.next) + " lost or reordered"
	}
	return errors.New("message " + text.Int64(s.next) + " came as number " + text.Int64(got) + why)
}
