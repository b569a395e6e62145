//go:build linux

package main

import (
	"testing"

	"ipclab/internal/labtest"
)

// TestKernelLimits runs mqlab in a private IPC namespace whose limits are
// lowered to, or just below, what the lab needs: at the limit it runs;
// below, it fails with one line of advice, status 1, and leaves nothing in
// the namespace. msgsize_max cannot go below 128, and the lab's messages
// are 8 bytes: that limit is only met, never exceeded. Root is exempt from
// queues_max (CAP_SYS_RESOURCE), so that case runs as uid 65534.
func TestKernelLimits(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	in := "12 34 423 2 1\n"
	sample := "Queue = list * 10\nQueue elements:\n120\n340\n4230\n20\n10\n"
	mqMax := "mqlab: mq_open: invalid argument (the queue exceeds /proc/sys/fs/mqueue/msg_max or msgsize_max)\n"
	mni := "mqlab: msgget: no space left on device (too many System V queues: raise /proc/sys/kernel/msgmni)\n"
	for _, c := range []struct {
		name, setup string
		nobody      bool
		args        []string
		code        int
		stdout      string
		stderr      string
	}{
		{"msg_max 5", "echo 5 > /proc/sys/fs/mqueue/msg_max", false, nil, 1, "", mqMax},
		{"msg_max 5, nobody", "echo 5 > /proc/sys/fs/mqueue/msg_max", true, nil, 1, "", mqMax},
		{"msg_max 5, send -name", "echo 5 > /proc/sys/fs/mqueue/msg_max", false, []string{"send", "-name", "lab"}, 1, "", mqMax},
		{"msg_max 10, msgsize_max 128: at the limits", "echo 10 > /proc/sys/fs/mqueue/msg_max; echo 128 > /proc/sys/fs/mqueue/msgsize_max", true, nil, 0, sample, ""},
		{"queues_max 0, nobody", "echo 0 > /proc/sys/fs/mqueue/queues_max", true, nil, 1, "",
			"mqlab: mq_open: no space left on device (too many queues: raise /proc/sys/fs/mqueue/queues_max)\n"},
		{"msgmni 0", "echo 0 > /proc/sys/kernel/msgmni", false, []string{"-sysv"}, 1, "", mni},
		{"msgmni 0, send -sysv -key", "echo 0 > /proc/sys/kernel/msgmni", false, []string{"send", "-sysv", "-key", "42"}, 1, "", mni},
		{"msgmni 1: at the limit", "echo 1 > /proc/sys/kernel/msgmni", false, []string{"-sysv"}, 0, sample, ""},
		{"msgmnb 7", "echo 7 > /proc/sys/kernel/msgmnb", false, []string{"-sysv"}, 1, "",
			"mqlab: the System V queue holds 7 bytes, less than one message of 8: raise /proc/sys/kernel/msgmnb\n"},
		{"msgmnb 7, send -sysv -key", "echo 7 > /proc/sys/kernel/msgmnb", false, []string{"send", "-sysv", "-key", "42"}, 1, "",
			"mqlab: the System V queue holds 7 bytes, less than one message of 8: raise /proc/sys/kernel/msgmnb\n"},
		{"msgmnb 8: at the limit", "echo 8 > /proc/sys/kernel/msgmnb", false, []string{"-sysv"}, 0, sample, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := labtest.InIPCNamespace(t, c.setup, c.nobody, bin, in, c.args...)
			if c.code != 0 {
				r.Stdout = "" // send prints its header first
			}
			if r.Code != c.code || r.Stdout != c.stdout || r.Stderr != c.stderr {
				t.Errorf("mqlab %q after %q: status %d, stdout %q, stderr %q; want %d, %q, %q",
					c.args, c.setup, r.Code, r.Stdout, r.Stderr, c.code, c.stdout, c.stderr)
			}
		})
	}
}
