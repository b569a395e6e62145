package bench

import "testing"

// TestSeq proves that the check catches every way a stream goes wrong.
func TestSeq(t *testing.T) {
	for _, c := range []struct {
		name string
		seq  []int64
		bad  int // index of the first number refused; -1 for none
		want string
	}{
		{"in order", []int64{0, 1, 2, 3, 4}, -1, ""},
		{"lost", []int64{0, 1, 3, 4}, 2, "message 2 came as number 3: 1 lost or reordered"},
		{"several lost", []int64{0, 5}, 1, "message 1 came as number 5: 4 lost or reordered"},
		{"duplicated", []int64{0, 1, 1, 2}, 2, "message 2 came as number 1: duplicated or reordered"},
		{"reordered", []int64{0, 2, 1, 3}, 1, "message 1 came as number 2: 1 lost or reordered"},
		{"not from 0", []int64{1, 2}, 0, "message 0 came as number 1: 1 lost or reordered"},
		{"garbage", []int64{0, -7}, 1, "message 1 came as number -7: duplicated or reordered"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var s Seq
			for i, n := range c.seq {
				err := s.Check(n)
				switch {
				case i < c.bad || c.bad < 0:
					if err != nil {
						t.Fatalf("Check(%d) at %d = %v, want nil", n, i, err)
					}
				case i == c.bad:
					if err == nil || err.Error() != c.want {
						t.Fatalf("Check(%d) at %d = %v, want %q", n, i, err, c.want)
					}
					return
				}
			}
		})
	}
}
