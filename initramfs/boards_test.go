package initramfs

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// A board is one line of scripts/boards.txt: a Raspberry Pi that QEMU
// models, booted with its Debian kernel and that kernel's device tree.
type board struct {
	name, machine, memory, goarch, debianArch, kernel, dtb, console, end, args string
}

// readBoards parses scripts/boards.txt, the table qemu.sh, mkinitramfs.sh
// and the Makefile read too.
func readBoards(t testing.TB) []board {
	t.Helper()
	name := filepath.Join(repoRoot(t), "scripts", "boards.txt")
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var boards []board
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 10 {
			t.Fatalf("%s: %q has %d fields, want 10 or more", name, line, len(f))
		}
		boards = append(boards, board{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], strings.Join(f[9:], " ")})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return boards
}

// findBoard returns the board named target, if it is one.
func findBoard(t testing.TB, target string) (board, bool) {
	for _, b := range readBoards(t) {
		if b.name == target {
			return b, true
		}
	}
	return board{}, false
}

// shared holds the images that several tests boot, built once per test
// binary: mkinitramfs.sh takes 15-25 s, a boot 2-5 s.
var shared struct {
	sync.Mutex
	dir    string
	images map[string]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// sharedImage returns the default image for target (an arch or a board),
// building it on first use. Boards with the same kernel get the same image:
// it depends only on the architecture and the kernel's watchdog module.
func sharedImage(t testing.TB, target string) string {
	t.Helper()
	key := target
	if b, ok := findBoard(t, target); ok {
		key = b.kernel
	}
	shared.Lock()
	defer shared.Unlock()
	if img, ok := shared.images[key]; ok {
		return img
	}
	if shared.dir == "" {
		dir, err := os.MkdirTemp("", "ipclab-initramfs-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir, shared.images = dir, map[string]string{}
	}
	img := makeImage(t, target, filepath.Join(shared.dir, "initramfs-"+key+".cpio.xz"))
	shared.images[key] = img
	return img
}

// TestBootBoards boots every emulated Raspberry Pi of scripts/boards.txt
// with its Debian kernel and device tree: the labs must pass and power-off
// (through the watchdog driver that u-root's init loads) must end QEMU.
// Each board then boots to the shell (testShell): typing at its console,
// on the mini UART or the PL011, and exit, which must end the machine.
func TestBootBoards(t *testing.T) {
	t.Parallel()
	for _, b := range readBoards(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			needBootTools(t, b.name)
			img := sharedImage(t, b.name)
			if c, err := bootLabs(t, b.name, img); err != nil {
				t.Errorf("boot %s (%s, %s): %v\nconsole:\n%s", b.name, b.machine, b.dtb, err, c)
			}
			t.Run("shell", func(t *testing.T) {
				testShell(t, b.name, img)
			})
		})
	}
}
