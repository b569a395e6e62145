//go:build !linux

package cli

import "os"

// IsTerminal reports false: only the Linux build asks the kernel.
func IsTerminal(f *os.File) bool { return false }
