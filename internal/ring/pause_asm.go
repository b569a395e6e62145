//go:build amd64 || arm64

package ring

// pause tells the CPU that this is a spin-wait (PAUSE on x86, YIELD on
// arm64): it slows the loop a little and lets a hyperthreaded core run its
// sibling meanwhile. It is one instruction, as in ref.c's loop; the
// runtime's procyield costs a second call and a counted loop, 15% more
// per spin, which made the 2000 spins of a wait that much longer.
func pause()
