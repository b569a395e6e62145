package initramfs

import (
	"slices"
	"strings"
	"testing"
)

// goodConsole is a passing boot's console, as QEMU shows it (\r\n, the
// kernel's timestamps, the two pipelab processes interleaved).
const goodConsole = "init: 2026/11/27 07:01:41 Setting console log level to 5...\r\n" +
	"Messages Sent: 12\r\nMessages Sent: 34\r\nMessages Received: 12\r\nMessages Received: 34\r\n" +
	"Messages Sent: 423\r\nMessages Received: 423\r\nMessages Sent: 2\r\nMessages Sent: 0\r\n" +
	"Messages Received: 2\r\n" +
	"Queue = list * 10\r\nQueue elements:\r\n120\r\n340\r\n4230\r\n20\r\n10\r\n" +
	"Result(in process p1): [220, 330, 40, 550]\r\nSum(in process p1): 1140\r\n" +
	"Result(in main program): [220, 330, 40, 550]\r\nSum(in main program): 1140\r\n" +
	"ipclab: 3/3 labs passed\r\n" +
	"[    2.836748] reboot: Power down\r\n"

func consoleLines(s string) []string {
	var c console
	c.changed = make(chan struct{})
	c.Write([]byte(s))
	return c.Lines()
}

func TestCheckLabs(t *testing.T) {
	for _, tt := range []struct {
		name    string
		edit    func(string) string
		wantErr string // "" for a passing console
	}{
		{"good", func(s string) string { return s }, ""},
		{"summary failed", func(s string) string {
			return strings.Replace(s, "3/3 labs passed", "2/3 labs passed", 1)
		}, `ipclab said ["ipclab: 2/3 labs passed"]`},
		{"no power-off", func(s string) string {
			return strings.Replace(s, "reboot: Power down", "", 1)
		}, "did not power off"},
		{"pipe lost a message", func(s string) string {
			return strings.Replace(s, "Messages Received: 423\r\n", "", 1)
		}, "pipelab received"},
		{"pipe received the terminator", func(s string) string {
			return strings.Replace(s, "Messages Received: 2\r\n", "Messages Received: 2\r\nMessages Received: 0\r\n", 1)
		}, "pipelab received"},
		{"queue line in between", func(s string) string {
			return strings.Replace(s, "340\r\n", "340\r\noops\r\n", 1)
		}, "mqlab"},
		{"shm out of order", func(s string) string {
			return strings.Replace(s, "Sum(in process p1): 1140\r\n", "", 1) + "Sum(in process p1): 1140\r\n"
		}, "shmlab"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := checkLabs(consoleLines(tt.edit(goodConsole)), powerDown)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("checkLabs(%s) = %v, want nil", tt.name, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("checkLabs(%s) = %v, want an error containing %q", tt.name, err, tt.wantErr)
			}
		})
	}
}

func TestConsoleAtPrompt(t *testing.T) {
	for _, tt := range []struct {
		out  string
		want bool
	}{
		{"init: 2026/11/27 Setting console log level to 5...\r\n$ ", true},
		{"$ ", true},
		{"Messages Sent: 12\r\n", false},
		{"costs $ ", false},
		{"\r\n$ mqlab\r\n", false},
	} {
		var c console
		c.changed = make(chan struct{})
		c.Write([]byte(tt.out))
		if got := c.atPrompt(); got != tt.want {
			t.Errorf("atPrompt(%q) = %v, want %v", tt.out, got, tt.want)
		}
	}
}

func TestConsumeReturnsWhatCameBefore(t *testing.T) {
	var c console
	c.changed = make(chan struct{})
	c.Write([]byte("banner\r\n$ mqlab\r\n120\r\n$ "))
	var got []string
	for _, s := range []string{"\n$ ", "mqlab\r\n", "\n$ "} {
		before, ok := c.consume(s)
		if !ok {
			t.Fatalf("consume(%q) found nothing", s)
		}
		got = append(got, before)
	}
	if want := []string{"banner\r", "", "120\r"}; !slices.Equal(got, want) {
		t.Errorf("consume: before = %q, want %q", got, want)
	}
	if _, ok := c.consume("$ "); ok {
		t.Errorf("consume(%q) after the end = true, want false", "$ ")
	}
}
