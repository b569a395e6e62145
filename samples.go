// Package ipclab holds the lab sheet's sample data (testdata/), embedded so
// that the suite runner cmd/ipclab carries them into a VM or a container.
package ipclab

import _ "embed"

// The lab sheet's samples, one per lab.
var (
	//go:embed testdata/pipe.txt
	PipeSample string
	//go:embed testdata/queue.txt
	QueueSample string
	//go:embed testdata/shm.txt
	ShmSample string
)
