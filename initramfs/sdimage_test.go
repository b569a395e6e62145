package initramfs

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runTool runs a tool and returns its standard output; it fails the test
// with the tool's standard error.
func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := runOut(name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSDImage builds the SD-card image with scripts/mksdimage.sh, reads it
// back — the partition table with sfdisk, its files with mtools — holds
// it to the firmware's rules for each model (sdrules_test.go), shows that
// those rules catch a card that breaks them, and boots the kernel, device
// tree and initramfs copied out of it on the emulated Pi 3 (raspi3b, QEMU
// 7.2) and Pi 4B (raspi4b, QEMU 10), with the image's own cmdline.txt (its
// console: the mini UART) and the core clock its config.txt fixes for the
// model, which the mini UART's baud rate follows (CORE_FREQ in
// scripts/qemu.sh). The firmware stage (bootcode.bin, start*.elf reading
// config.txt) cannot run under QEMU and is not tested.
func TestSDImage(t *testing.T) {
	t.Parallel()
	const board = "pi3"
	needBootTools(t, board)
	needTools(t, "sfdisk", "mkfs.vfat", "mcopy", "mdir")
	root := repoRoot(t)
	kdir := filepath.Join(root, "out", "kernel", "linux-image-arm64")
	fwdir := filepath.Join(root, "out", "firmware", "trixie", "raspi-firmware")
	if firmware := filepath.Join(fwdir, "root", "usr", "lib", "raspi-firmware"); !fileExists(filepath.Join(firmware, "start4.elf")) {
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
		// One bootable W95 FAT32 (LBA) partition at 1 MiB: the
		// firmware reads the first FAT partition (docs, "Boot folder
		// contents").
		if len(parts) != 1 || !strings.HasPrefix(parts[0], "1 : start= 2048, size=") ||
			!strings.HasSuffix(parts[0], ", type=c, bootable") {
			t.Errorf("sfdisk --dump: partitions %q, want one at 2048, type=c, bootable", parts)
		}
	})

	dir := t.TempDir()
	card, err := readCard(img, dir)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("rules", func(t *testing.T) {
		if err := checkCard(card); err != nil {
			t.Errorf("the card breaks the firmware's rules:\n%v", err)
		}
	})

	t.Run("rules catch", func(t *testing.T) {
		testRulesCatch(t, card)
	})

	// What the firmware would load is what went in.
	for name, src := range map[string]string{
		"vmlinuz":             filepath.Join(kdir, "vmlinuz"),
		"bcm2837-rpi-3-b.dtb": filepath.Join(dtbs[0], "bcm2837-rpi-3-b.dtb"),
		"bcm2711-rpi-4-b.dtb": filepath.Join(dtbs[0], "bcm2711-rpi-4-b.dtb"),
		"initramfs.cpio.xz":   initramfs,
	} {
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(card[name], want) {
			t.Errorf("%s in the image (%d bytes) differs from %s (%d bytes)", name, len(card[name]), src, len(want))
		}
	}

	cmdline := strings.TrimSpace(string(card["cmdline.txt"]))
	for _, b := range []struct{ board, model string }{{"pi3", "3B"}, {"pi4", "4B"}} {
		t.Run("boot "+b.board, func(t *testing.T) {
			needBootTools(t, b.board)
			i := slices.IndexFunc(piModels, func(m piModel) bool { return m.name == b.model })
			m := piModels[i]
			env := []string{
				"KERNEL=" + filepath.Join(dir, "vmlinuz"),
				"DTB=" + filepath.Join(dir, m.dtb),
				"CMDLINE=" + cmdline,
			}
			// The core clock the firmware would set from config.txt
			// (scripts/qemu.sh, CORE_FREQ).
			config, err := settings(string(card["config.txt"]), m)
			if err != nil {
				t.Fatal(err)
			}
			clock := "no core_freq"
			if f := value(config, "core_freq"); f != "" {
				clock = "CORE_FREQ=" + f
				env = append(env, clock)
			}
			c, err := bootLabs(t, b.board, filepath.Join(dir, "initramfs.cpio.xz"), env...)
			if err != nil {
				t.Errorf("boot the image's kernel, %s and initramfs on %s with cmdline.txt %q and %s: %v\nconsole:\n%s",
					m.dtb, b.board, cmdline, clock, err, c)
			}
		})
	}
}

// testRulesCatch breaks the good card one way at a time and wants
// checkCard to say so: the rules can fail.
func testRulesCatch(t *testing.T, good sdCard) {
	edit := func(name, old, new string) func(sdCard) {
		return func(c sdCard) { c[name] = []byte(strings.Replace(string(c[name]), old, new, 1)) }
	}
	for _, tt := range []struct {
		name   string
		break_ func(sdCard)
		want   string
	}{
		{"no start4.elf", func(c sdCard) { delete(c, "start4.elf") }, "Pi 4B: firmware files: no start4.elf"},
		{"no bootcode.bin", func(c sdCard) { delete(c, "bootcode.bin") }, "Pi 3B: firmware files: no bootcode.bin"},
		{"the 400's device tree is the 4B's", func(c sdCard) { c["bcm2711-rpi-400.dtb"] = c["bcm2711-rpi-4-b.dtb"] }, `Pi 400: device tree: bcm2711-rpi-400.dtb does not say compatible = "raspberrypi,400"`},
		{"no upstream_kernel", edit("config.txt", "upstream_kernel=1\n", ""), "upstream_kernel is not 1"},
		{"32-bit", edit("config.txt", "arm_64bit=1", "arm_64bit=0"), `Pi 3B: 64-bit kernel: arm_64bit="0"`},
		{"a compressed kernel", func(c sdCard) { c["vmlinuz"] = []byte("\x1f\x8b\x08" + strings.Repeat("\x00", 100)) }, "not an uncompressed arm64 Image"},
		{"initramfs with CRC64", func(c sdCard) {
			b := slices.Clone(c["initramfs.cpio.xz"])
			b[7] = b[7]&0xf0 | 4
			c["initramfs.cpio.xz"] = b
		}, "not xz with a CRC32 check"},
		{"initramfs not after the kernel", edit("config.txt", " followkernel", ""), "want initramfs FILE followkernel"},
		{"no enable_uart", edit("config.txt", "enable_uart=1\n", ""), `serial console: enable_uart=""`},
		{"console on the PL011", edit("cmdline.txt", "ttyS1", "ttyAMA0"), "last console is \"console=ttyAMA0,115200\""},
		{"cmdline.txt on two lines", edit("cmdline.txt", " panic=-1", "\npanic=-1"), "more than one line"},
		{"core clock for every board", edit("config.txt", "[pi4]\n", ""), `Pi 3B: core clock: core_freq="360", want ""`},
		{"no core clock on the Pi 4", edit("config.txt", "core_freq=360\n", ""), `Pi 400: core clock: core_freq="", want "360"`},
		{"a misspelt filter", edit("config.txt", "[pi4]", "[pi 4]"), "unknown filter [pi 4]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := maps.Clone(good)
			tt.break_(c)
			err := checkCard(c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("checkCard(card with %s) = %v, want an error containing %q", tt.name, err, tt.want)
			}
		})
	}
}
