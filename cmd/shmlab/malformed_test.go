//go:build linux

package main

import (
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/shmlab"
	"ipclab/internal/text"
)

func TestMalformed(t *testing.T) {
	labtest.Malformed(t, labtest.Lab{
		Bin: labtest.Build(t, "shmlab"), Name: "shmlab", Prompts: shmlab.Prompts, Times10: true,
		Check: func(vals []int64, stdout string) string {
			return text.Diff(text.Lines(stdout), text.Lines(want(vals)))
		},
	})
}
