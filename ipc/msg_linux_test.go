package ipc

import (
	"errors"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// newMsgQueue creates a private System V queue, removed when the test ends.
func newMsgQueue(t *testing.T) int {
	t.Helper()
	id, err := Msgget(unix.IPC_PRIVATE, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	skipENOSYS(t, err, "CONFIG_SYSVIPC")
	if err != nil {
		t.Fatalf("Msgget(IPC_PRIVATE) = %v, want nil", err)
	}
	t.Cleanup(func() { MsgRemove(id) })
	return id
}

func send(t *testing.T, id, typ int, text string) {
	t.Helper()
	m := NewMsgBuf(len(text))
	m.SetType(typ)
	copy(m.Text(), text)
	if err := Msgsnd(id, m, len(text), 0); err != nil {
		t.Fatalf("Msgsnd(type %d, %q) = %v, want nil", typ, text, err)
	}
}

func TestMsgBuf(t *testing.T) {
	for _, typ := range []int{1, 42, 1<<31 - 1, -1} {
		m := NewMsgBuf(3)
		m.SetType(typ)
		copy(m.Text(), "abc")
		if got := m.Type(); got != typ {
			t.Errorf("MsgBuf.Type() after SetType(%d) = %d, want %d", typ, got, typ)
		}
		if len(m) != longSize+3 || string(m.Text()) != "abc" {
			t.Errorf("MsgBuf = %d bytes, text %q; want %d, %q", len(m), m.Text(), longSize+3, "abc")
		}
	}
}

func TestMsgSendReceive(t *testing.T) {
	id := newMsgQueue(t)
	for _, m := range []struct {
		typ  int
		text string
	}{
		{3, "three"}, {1, "one"}, {2, "two"}, {1, ""}, {5, "five"},
	} {
		send(t, id, m.typ, m.text)
	}
	// Each receive takes one message; the queue's order is as sent.
	for _, tt := range []struct {
		typ, flags int
		wantType   int
		wantText   string
	}{
		{2, 0, 2, "two"},               // first of type 2
		{-2, 0, 1, "one"},              // lowest type <= 2
		{-2, 0, 1, ""},                 // the 0-byte message
		{0, 0, 3, "three"},             // first in the queue
		{4, MsgExcept, 5, "five"},      // first not of type 4
		{0, unix.IPC_NOWAIT, 0, "n/a"}, // empty now: ENOMSG below
	} {
		m := NewMsgBuf(8)
		n, err := Msgrcv(id, m, tt.typ, tt.flags)
		if tt.wantType == 0 {
			if !errors.Is(err, unix.ENOMSG) {
				t.Errorf("Msgrcv(typ %d, IPC_NOWAIT) on an empty queue = %v, want %v", tt.typ, err, unix.ENOMSG)
			}
			continue
		}
		if err != nil || m.Type() != tt.wantType || string(m.Text()[:n]) != tt.wantText {
			t.Errorf("Msgrcv(typ %d, flags %#o) = type %d, %q, %v; want type %d, %q, nil", tt.typ, tt.flags, m.Type(), m.Text()[:n], err, tt.wantType, tt.wantText)
		}
	}
}

func TestMsgTooLong(t *testing.T) {
	id := newMsgQueue(t)
	send(t, id, 1, "abcdefgh")
	if _, err := Msgrcv(id, NewMsgBuf(4), 0, unix.IPC_NOWAIT); !errors.Is(err, unix.E2BIG) {
		t.Errorf("Msgrcv(4-byte buffer, 8-byte message) = %v, want %v", err, unix.E2BIG)
	}
	m := NewMsgBuf(4)
	if n, err := Msgrcv(id, m, 0, unix.IPC_NOWAIT|MsgNoError); err != nil || string(m.Text()[:n]) != "abcd" {
		t.Errorf("Msgrcv(4-byte buffer, MSG_NOERROR) = %q, %v; want %q, nil", m.Text()[:n], err, "abcd")
	}
	small := NewMsgBuf(4)
	want := "ipc: msgsnd: text length 5 does not fit a MsgBuf of " + strconv.Itoa(len(small)) + " bytes"
	if err := Msgsnd(id, small, 5, 0); !errors.Is(err, unix.EINVAL) || err.Error() != want {
		t.Errorf("Msgsnd(textLen 5 > 4) = %v, want %q (EINVAL)", err, want)
	}
	want = "ipc: msgrcv: a MsgBuf of 1 bytes has no room for the type"
	if _, err := Msgrcv(id, MsgBuf{1}, 0, 0); !errors.Is(err, unix.EINVAL) || err.Error() != want {
		t.Errorf("Msgrcv(1-byte MsgBuf) = %v, want %q (EINVAL)", err, want)
	}
	m.SetType(0)
	if err := Msgsnd(id, m, 0, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Msgsnd(type 0) = %v, want %v", err, unix.EINVAL)
	}
}

func TestMsgStatRemove(t *testing.T) {
	id := newMsgQueue(t)
	send(t, id, 1, "abc")
	send(t, id, 2, "")
	ds, err := MsgStat(id)
	if err != nil {
		t.Fatalf("MsgStat(%d) = %v, want nil", id, err)
	}
	for _, c := range []struct {
		what      string
		got, want uint64
	}{
		{"qnum", uint64(ds.Qnum), 2},
		{"cbytes", uint64(ds.Cbytes), 3},
		{"mode", uint64(ds.Perm.Mode & 0o777), 0o600},
		{"uid", uint64(ds.Perm.Uid), uint64(os.Geteuid())},
		{"lspid", uint64(ds.Lspid), uint64(os.Getpid())},
		{"lrpid", uint64(ds.Lrpid), 0},
	} {
		if c.got != c.want {
			t.Errorf("MsgStat(%d).%s = %#o, want %#o", id, c.what, c.got, c.want)
		}
	}
	if ds.Qbytes == 0 || ds.Stime == 0 || ds.Ctime == 0 {
		t.Errorf("MsgStat(%d) = qbytes %d, stime %d, ctime %d; want all > 0", id, ds.Qbytes, ds.Stime, ds.Ctime)
	}
	if err := MsgRemove(id); err != nil {
		t.Fatalf("MsgRemove(%d) = %v, want nil", id, err)
	}
	err = Msgsnd(id, NewMsgBuf(0), 0, unix.IPC_NOWAIT)
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EIDRM) {
		t.Errorf("Msgsnd(removed queue) = %v, want %v or %v", err, unix.EINVAL, unix.EIDRM)
	}
	if _, err := MsgStat(id); err == nil {
		t.Errorf("MsgStat(removed queue) = nil, want an error")
	}
}
