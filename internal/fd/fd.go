// Package fd is the labs' standard input, output and error and the files
// they read, as plain file descriptors read and written with read(2) and
// write(2), and the program's arguments: everything the labs took from
// package os, whose file and poller code would cost each lab some 60 KB
// (see docs/hacking.md, "Size budgets"). Under WASI, where the Go runtime's os package
// waits on non-blocking descriptors itself, they are os's.
package fd

// A Filer is a file with a descriptor: *os.File, or File.
type Filer interface {
	Fd() uintptr
}
