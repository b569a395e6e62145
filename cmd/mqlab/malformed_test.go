//go:build linux

package main

import (
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/mqlab"
	"ipclab/internal/text"
)

func TestMalformed(t *testing.T) {
	labtest.Malformed(t, labtest.Lab{
		Bin: labtest.Build(t, "mqlab"), Name: "mqlab", Prompts: mqlab.Prompts, Times10: true,
		Check: func(vals []int64, stdout string) string {
			want := append([]string{"Queue = list * 10", "Queue elements:"}, labtest.Itoa(vals, 10, "")...)
			return text.Diff(text.Lines(stdout), want)
		},
	})
}
