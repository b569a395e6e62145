//go:build linux

package suite

import (
	"strings"
	"testing"
)

// A trace as a lab writes it: the parent's lines, the children's notes
// and calls, a receive that waited.
const sampleTrace = `  0.000100 [parent] mq_open("/q", O_RDWR|O_CREAT|O_EXCL, 0600, {maxmsg=2, msgsize=8}) = 12 <0.000020>
  0.000300 [p1] fd 5 = the message queue, opened O_RDWR (its name is gone already) (parent's fd 12)
  0.000400 [p2] fd 5 = the message queue, opened O_RDWR (its name is gone already) (parent's fd 12)
  0.000500 [p1] mq_timedsend(5, [10], 8, prio=0) = 0 <0.000002>
  0.000510 [p1] mq_timedsend(5, [20], 8, prio=0) = 0 <0.000002>
  0.000520 [p1] mq_timedsend(5, [30], 8, prio=0) = 0 <0.000002>
Queue elements:
  0.000600 [p2] mq_timedreceive(5, [10], 8, prio=0) = 8 <0.000500>
  0.000610 [p2] mq_timedreceive(5, [20], 8, prio=0) = 8 <0.000002>
  0.000620 [p2] mq_timedreceive(5, [], 8) = -1 EAGAIN (Resource temporarily unavailable)
  0.000700 [parent] wait4(42) = p1 exited with status 0 <0.000600>
`

func TestParseTrace(t *testing.T) {
	d := parseTrace(sampleTrace)
	if len(d.events) != 10 {
		t.Fatalf("parseTrace: %d events, want the 10 trace lines", len(d.events))
	}
	if got := strings.Join(d.roles, " "); got != "parent p1 p2" {
		t.Errorf("roles = %q, want parent p1 p2", got)
	}
	if len(d.objs) != 1 || d.objs[0] != "mq 5" || d.objName("mq 5") != "the message queue" || d.maxmsg != 2 {
		t.Errorf("objects %q named %q, maxmsg %d; want mq 5, the message queue, 2", d.objs, d.objName("mq 5"), d.maxmsg)
	}
	for i, want := range []struct {
		send, recv, waited bool
		value              string
		peer               int
	}{
		3: {send: true, value: "[10]", peer: 6},
		4: {send: true, value: "[20]", peer: 7},
		5: {send: true, value: "[30]", peer: -1},
		6: {recv: true, waited: true, value: "[10]", peer: -1},
		8: {waited: true, peer: -1}, // failed: nothing moved
	} {
		if want.peer == 0 && want.value == "" && !want.waited {
			continue
		}
		e := d.events[i]
		if e.send != want.send || e.recv != want.recv || e.waited != want.waited || e.value != want.value || e.peer != want.peer {
			t.Errorf("event %d %q = send %v recv %v waited %v value %q peer %d; want %+v", i, e.text, e.send, e.recv, e.waited, e.value, e.peer, want)
		}
	}
	// Three sends into a queue of two: never more than two shown.
	if d.peak["mq 5"] != 2 {
		t.Errorf("peak of the queue = %d, want its capacity, 2", d.peak["mq 5"])
	}
}

func TestSVGEscapes(t *testing.T) {
	var b svgBuf
	if got := string(b.esc(`a<b>&"c"` + "\x01").b); got != "a&lt;b&gt;&amp;&quot;c&quot;" {
		t.Errorf("esc = %q", got)
	}
}
