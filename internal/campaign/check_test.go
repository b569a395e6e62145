//go:build linux

package campaign

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

// A checker reads a lab's whole output for the items 1..n as it comes,
// holding one line at a time (a long run's output does not fit in memory
// comfortably), and says what is wrong with it.
type checker func(r io.Reader, n int) error

func newReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 256<<10) }

// line returns the next line without its newline; io.EOF at the end.
func line(r *bufio.Reader) (string, error) {
	s, err := r.ReadString('\n')
	if err == io.EOF && s != "" {
		return s, errors.New("last line " + strconv.Quote(s) + " has no newline")
	}
	return strings.TrimSuffix(s, "\n"), err
}

// seqError says where a sequence went wrong.
func seqError(what string, k int, got string, want int64) error {
	return errors.New(what + " line " + strconv.Itoa(k) + " is " + strconv.Quote(got) + ", want " + strconv.FormatInt(want, 10) +
		" (a message lost, repeated or reordered)")
}

// checkPipe: p1's "Messages Sent: i" and p2's "Messages Received: i" for
// i = 1..n, each child's in order, the two interleaved.
func checkPipe(r io.Reader, n int) error {
	br := newReader(r)
	next := map[string]int64{"Messages Sent: ": 1, "Messages Received: ": 1}
	for k := 1; ; k++ {
		l, err := line(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		i := strings.Index(l, ": ")
		if i < 0 {
			return seqError("output", k, l, 0)
		}
		p := l[:i+2]
		want, ok := next[p]
		if !ok || l[i+2:] != strconv.FormatInt(want, 10) {
			return seqError("output", k, l, want)
		}
		next[p]++
	}
	for p, v := range next {
		if v != int64(n)+1 {
			return errors.New(strconv.Quote(p) + " came " + strconv.FormatInt(v-1, 10) + " times, want " + strconv.Itoa(n))
		}
	}
	return nil
}

// checkQueue: the two header lines, then 10*i for i = 1..n.
func checkQueue(r io.Reader, n int) error {
	br := newReader(r)
	for _, want := range []string{"Queue = list * 10", "Queue elements:"} {
		if l, err := line(br); err != nil || l != want {
			return errors.New("output starts " + strconv.Quote(l) + ", want " + strconv.Quote(want))
		}
	}
	return sequence(br, n, 10, "queue element")
}

// checkLines: i for i = 1..n, one per line (shmlab -stream on a file).
func checkLines(r io.Reader, n int) error { return sequence(newReader(r), n, 1, "item") }

// sequence reads the lines scale*i for i = 1..n and the end.
func sequence(br *bufio.Reader, n int, scale int64, what string) error {
	for i := int64(1); i <= int64(n); i++ {
		l, err := line(br)
		if err == io.EOF {
			return errors.New(strconv.FormatInt(i-1, 10) + " " + what + "s, want " + strconv.Itoa(n) + " (messages lost)")
		}
		if err != nil {
			return err
		}
		if l != strconv.FormatInt(scale*i, 10) {
			return seqError(what, int(i), l, scale*i)
		}
	}
	if l, err := line(br); err != io.EOF {
		return errors.New("more than " + strconv.Itoa(n) + " " + what + "s: " + strconv.Quote(l))
	}
	return nil
}

// checkShm: "Result(in process p1): [10, 20, …, 10n]", the sum, and the
// same from the main program; the result lists are read number by number.
func checkShm(r io.Reader, n int) error {
	br := newReader(r)
	sum := 5 * int64(n) * int64(n+1)
	for _, who := range []string{"process p1", "main program"} {
		if err := expect(br, "Result(in "+who+"): ["); err != nil {
			return err
		}
		for i := int64(1); i <= int64(n); i++ {
			sep := ", "
			if i == int64(n) {
				sep = "]\n"
			}
			if err := expect(br, strconv.FormatInt(10*i, 10)+sep); err != nil {
				return errors.New("result " + strconv.FormatInt(i, 10) + " from " + who + ": " + err.Error())
			}
		}
		if err := expect(br, "Sum(in "+who+"): "+strconv.FormatInt(sum, 10)+"\n"); err != nil {
			return err
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return errors.New("more output after the main program's sum")
	}
	return nil
}

// expect reads s, or says what came instead.
func expect(br *bufio.Reader, s string) error {
	for i := 0; i < len(s); i++ {
		c, err := br.ReadByte()
		if err != nil || c != s[i] {
			got := s[:i]
			if err == nil {
				got += string(c)
			}
			return errors.New("got " + strconv.Quote(got) + "…, want " + strconv.Quote(s))
		}
	}
	return nil
}

// checkCount: shmlab -stream -count n's one line, its checksum the sum of
// i*i (modulo 2^64, as p2 adds it) and verified by p2 too.
func checkCount(r io.Reader, n int) error {
	br := newReader(r)
	l, err := line(br)
	if err != nil {
		return err
	}
	var want int64
	for k := int64(1); k <= int64(n); k++ {
		want += k * k
	}
	prefix := strconv.Itoa(n) + " items, checksum " + strconv.FormatInt(want, 10) + " (verified), "
	if !strings.HasPrefix(l, prefix) {
		return errors.New("output " + strconv.Quote(l) + ", want it to start " + strconv.Quote(prefix))
	}
	if _, err := line(br); err != io.EOF {
		return errors.New("more than one line")
	}
	return nil
}

// checkWriters: pipelab -writers 8's reader found every record whole and
// each writer's in order, and the writers sent n in all.
func checkWriters(r io.Reader, n int) error {
	br := newReader(r)
	var last string
	var sent int64
	for {
		l, err := line(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if f := strings.Fields(l); len(f) == 5 && f[0] == "Writer" {
			v, _ := strconv.ParseInt(f[3], 10, 64)
			sent += v
		}
		last = l
	}
	want := "Received " + strconv.Itoa(n) + " records from 8 writers: none torn, each writer's complete and in order"
	if last != want || sent != int64(n) {
		return errors.New("writers sent " + strconv.FormatInt(sent, 10) + ", last line " + strconv.Quote(last) + "; want " + strconv.Itoa(n) + ", " + strconv.Quote(want))
	}
	return nil
}
