package initramfs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runTool runs a tool and returns its standard output; it fails the test
// with the tool's standard error.
func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Dir = repoRoot(t)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, &stderr)
	}
	return string(out)
}

// TestSDImage builds the SD-card image with scripts/mksdimage.sh, reads it
// back with sfdisk and mtools — the partition table, the FAT's files,
// config.txt and cmdline.txt — and boots the kernel, device tree and
// initramfs copied out of it on the emulated Pi 3, with the image's own
// cmdline.txt (its console: the mini UART). The firmware stage (bootcode.bin,
// start.elf reading config.txt) cannot run under QEMU and is not tested.
func TestSDImage(t *testing.T) {
	const board = "pi3"
	needBootTools(t, board)
	needTools(t, "sfdisk", "mkfs.vfat", "mcopy", "mdir", "mtype")
	root := repoRoot(t)
	kdir := filepath.Join(root, "out", "kernel", "linux-image-arm64")
	fwdir := filepath.Join(root, "out", "firmware", "raspi-firmware")
	firmware := filepath.Join(fwdir, "root", "usr", "lib", "raspi-firmware")
	if !fileExists(filepath.Join(firmware, "start.elf")) {
		t.Fatalf("%s missing: run `make test`, or `make firmware`", firmware)
	}
	dtbs, _ := filepath.Glob(filepath.Join(kdir, "root", "usr", "lib", "linux-image-*", "broadcom"))
	if len(dtbs) != 1 {
		t.Fatalf("no single broadcom/ device-tree directory in %s: %q", kdir, dtbs)
	}

	initramfs := sharedImage(t, board)
	img := filepath.Join(t.TempDir(), "ipclab-pi-sd.img")
	runTool(t, filepath.Join(root, "scripts", "mksdimage.sh"), img, initramfs, kdir, fwdir)

	t.Run("partitions", func(t *testing.T) {
		dump := runTool(t, "sfdisk", "--dump", img)
		if !strings.Contains(dump, "label: dos\n") {
			t.Errorf("sfdisk --dump: no MBR (label: dos):\n%s", dump)
		}
		var parts []string
		for _, l := range strings.Split(dump, "\n") {
			if strings.HasPrefix(l, img) {
				parts = append(parts, strings.Join(strings.Fields(l[len(img):]), " "))
			}
		}
		// One bootable W95 FAT32 (LBA) partition at 1 MiB.
		if len(parts) != 1 || !strings.HasPrefix(parts[0], "1 : start= 2048, size=") ||
			!strings.HasSuffix(parts[0], ", type=c, bootable") {
			t.Errorf("sfdisk --dump: partitions %q, want one at 2048, type=c, bootable", parts)
		}
	})

	part := img + "@@1M" // mtools: the file system at the partition's offset
	t.Run("files", func(t *testing.T) {
		want := []string{"config.txt", "cmdline.txt", "vmlinuz", "initramfs.cpio.xz",
			"bcm2837-rpi-3-b.dtb", "bcm2837-rpi-3-b-plus.dtb", "bcm2837-rpi-3-a-plus.dtb",
			"bcm2837-rpi-zero-2-w.dtb", "bcm2711-rpi-4-b.dtb", "bcm2711-rpi-400.dtb"}
		fw, _ := os.ReadDir(firmware)
		for _, e := range fw {
			want = append(want, e.Name())
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(runTool(t, "mdir", "-b", "-i", part, "::")), "\n") {
			got = append(got, strings.TrimPrefix(l, "::/"))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("mdir -b: files %q, want %q", got, want)
		}
		if !slices.Contains(got, "bootcode.bin") || !slices.Contains(got, "start4.elf") {
			t.Errorf("mdir -b: no bootcode.bin (Pi 3) or start4.elf (Pi 4) in %q", got)
		}
	})

	t.Run("config.txt", func(t *testing.T) {
		config := strings.Split(runTool(t, "mtype", "-i", part, "::config.txt"), "\n")
		for _, want := range []string{"arm_64bit=1", "enable_uart=1", "upstream_kernel=1",
			"kernel=vmlinuz", "initramfs initramfs.cpio.xz followkernel"} {
			if !slices.Contains(config, want) {
				t.Errorf("config.txt has no line %q:\n%s", want, strings.Join(config, "\n"))
			}
		}
	})

	cmdline := strings.TrimSpace(runTool(t, "mtype", "-i", part, "::cmdline.txt"))
	t.Run("cmdline.txt", func(t *testing.T) {
		// The last console= gets /dev/console, where ipclab's summary goes.
		var consoles []string
		for _, f := range strings.Fields(cmdline) {
			if f = strings.Trim(f, `"`); strings.HasPrefix(f, "console=") {
				consoles = append(consoles, f)
			}
		}
		if len(consoles) == 0 || !strings.HasPrefix(consoles[len(consoles)-1], "console=ttyS1") {
			t.Errorf("cmdline.txt %q: consoles %q, want the serial port ttyS1 last", cmdline, consoles)
		}
	})

	// What the firmware would load, copied back out of the image.
	dir := t.TempDir()
	copied := map[string]string{ // name in the image: what it must equal
		"vmlinuz":             filepath.Join(kdir, "vmlinuz"),
		"bcm2837-rpi-3-b.dtb": filepath.Join(dtbs[0], "bcm2837-rpi-3-b.dtb"),
		"initramfs.cpio.xz":   initramfs,
	}
	for name, src := range copied {
		runTool(t, "mcopy", "-n", "-i", part, "::"+name, filepath.Join(dir, name))
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s in the image (%d bytes) differs from %s (%d bytes)", name, len(got), src, len(want))
		}
	}

	t.Run("boot", func(t *testing.T) {
		c, err := bootLabs(t, board, filepath.Join(dir, "initramfs.cpio.xz"),
			"KERNEL="+filepath.Join(dir, "vmlinuz"),
			"DTB="+filepath.Join(dir, "bcm2837-rpi-3-b.dtb"),
			"CMDLINE="+cmdline)
		if err != nil {
			t.Errorf("boot the image's kernel, device tree and initramfs on %s with cmdline.txt %q: %v\nconsole:\n%s",
				board, cmdline, err, c)
		}
	})
}
