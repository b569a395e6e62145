package bench

import _ "unsafe" // for go:linkname

// nanotime is the runtime's monotonic clock (CLOCK_MONOTONIC through the
// vDSO, as ref.c reads it), in nanoseconds. The runtime keeps this entry
// point for outside packages (go.dev/issue/67401); the time package's
// Now and Since read the same clock with more code around it.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64
