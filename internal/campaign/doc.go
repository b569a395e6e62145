// Package campaign holds the reliability campaigns of the labs, as tests:
// kill (SIGKILL p1, p2 or the parent at a random point of a run; the
// survivors must end with a clear message and leave no process and no IPC
// object), flood (every mechanism carries a long run of sequence numbers:
// nothing lost, repeated or reordered) and concurrent runs (16 labs at
// once, all correct, no name collisions).
//
// "go test" (make test) runs them at a size for CI; scripts/soak.sh (make
// soak) runs them at full size and prints a summary table with the figures:
//
//	go test ./internal/campaign -v -timeout 0 -args -trials 100 -flood 10000000 -report out/soak.txt
package campaign
