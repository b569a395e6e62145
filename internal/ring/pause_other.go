//go:build !amd64 && !arm64

package ring

import _ "unsafe" // for go:linkname

// pause is the runtime's spin-wait pause where the ring has no assembly
// of its own. The runtime keeps this entry point for outside packages
// (go.dev/issue/67401).
func pause() { procyield(1) }

//go:linkname procyield runtime.procyield
func procyield(cycles uint32)
