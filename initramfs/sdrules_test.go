package initramfs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// The SD card's rules: what each Raspberry Pi model's firmware and
// Debian's kernel need from the card, each rule with its source. The
// sources named "docs" are the Raspberry Pi documentation's pages
// https://www.raspberrypi.com/documentation/computers/config_txt.html and
// .../configuration.html; the others are named in full.

// A piModel is a board the SD card is for.
type piModel struct {
	name       string
	filters    []string // the config.txt conditional filters that select it (docs, "Conditional filters")
	firmware   []string // what its firmware loads from the card (docs, "Boot folder contents")
	dtb        string   // the device tree its firmware loads with upstream_kernel=1 (docs, "upstream_kernel")
	compatible string   // the model's own compatible string, which that device tree must carry
	coreFreq   string   // the fixed core clock its mini UART console needs ("" where enable_uart=1 fixes it)
}

// piModels are the 64-bit Pis the card is for. The Pi 3s and the Zero 2 W
// start from the boot ROM, which loads bootcode.bin, then start.elf and
// its fixup.dat; the Pi 4B and 400 boot from their EEPROM, which loads
// start4.elf and fixup4.dat ("bootcode.bin: … not used on Raspberry Pi 4
// and later"; "start4.elf … for Raspberry Pi 4"; "fixup*.dat: … matched
// pairs with the start*.elf files").
var piModels = []piModel{
	{"3B", []string{"all", "pi3"}, []string{"bootcode.bin", "start.elf", "fixup.dat"}, "bcm2837-rpi-3-b.dtb", "raspberrypi,3-model-b", ""},
	{"3B+", []string{"all", "pi3", "pi3+"}, []string{"bootcode.bin", "start.elf", "fixup.dat"}, "bcm2837-rpi-3-b-plus.dtb", "raspberrypi,3-model-b-plus", ""},
	{"3A+", []string{"all", "pi3", "pi3+"}, []string{"bootcode.bin", "start.elf", "fixup.dat"}, "bcm2837-rpi-3-a-plus.dtb", "raspberrypi,3-model-a-plus", ""},
	{"Zero 2 W", []string{"all", "pi02"}, []string{"bootcode.bin", "start.elf", "fixup.dat"}, "bcm2837-rpi-zero-2-w.dtb", "raspberrypi,model-zero-2-w", ""},
	{"4B", []string{"all", "pi4"}, []string{"start4.elf", "fixup4.dat"}, "bcm2711-rpi-4-b.dtb", "raspberrypi,4-model-b", "360"},
	{"400", []string{"all", "pi4", "pi400"}, []string{"start4.elf", "fixup4.dat"}, "bcm2711-rpi-400.dtb", "raspberrypi,400", "360"},
}

// knownFilters are the filters config.txt may use (docs, "Model filters");
// a misspelt one would silently select no board.
var knownFilters = []string{"all", "none", "pi1", "pi2", "pi3", "pi3+", "pi4", "pi400", "pi5", "pi500", "pi0", "pi0w", "pi02", "cm4", "cm4s", "cm5", "board-type"}

// A sdCard is the FAT partition of the SD card, read back: its top-level
// files by name.
type sdCard map[string][]byte

// readCard copies every file out of the image's partition with mtools.
func readCard(img string, dir string) (sdCard, error) {
	part := img + "@@1M"
	names, err := runOut("mdir", "-b", "-i", part, "::")
	if err != nil {
		return nil, err
	}
	c := sdCard{}
	for _, l := range strings.Fields(names) {
		name := strings.TrimPrefix(l, "::/")
		if strings.HasSuffix(name, "/") {
			return nil, fmt.Errorf("directory %s on the card: the card holds files only", name)
		}
		dst := filepath.Join(dir, name)
		if _, err := runOut("mcopy", "-n", "-i", part, "::"+name, dst); err != nil {
			return nil, err
		}
		if c[name], err = os.ReadFile(dst); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// settings returns the config.txt lines the firmware applies on m: lines
// before any filter and under [all] apply to every model, lines under
// another filter only to the models it selects, until the next filter
// (docs, "Conditional filters"). Comments and blank lines are dropped.
func settings(config string, m piModel) ([]string, error) {
	var lines []string
	applies := true
	for _, l := range strings.Split(config, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]") {
			f := l[1 : len(l)-1]
			if !slices.Contains(knownFilters, f) {
				return nil, fmt.Errorf("config.txt: unknown filter [%s]", f)
			}
			applies = slices.Contains(m.filters, f)
			continue
		}
		if applies {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// value is the last value given to key in lines ("" if none): a later
// line overrides an earlier one.
func value(lines []string, key string) string {
	v := ""
	for _, l := range lines {
		if k, val, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == key {
			v = strings.TrimSpace(val)
		}
	}
	return v
}

// An sdRule is one thing the card must satisfy for a model, with the
// document that asks for it.
type sdRule struct {
	name, source string
	check        func(c sdCard, m piModel, config []string) error
}

var sdRules = []sdRule{
	{"firmware files", `docs, "Boot folder contents": bootcode.bin (not on Pi 4 and later), start*.elf with its fixup*.dat`,
		func(c sdCard, m piModel, _ []string) error {
			var missing []string
			for _, f := range m.firmware {
				if len(c[f]) == 0 {
					missing = append(missing, f)
				}
			}
			if len(missing) > 0 {
				return fmt.Errorf("no %s", strings.Join(missing, ", "))
			}
			return nil
		}},
	{"device tree", `docs, "upstream_kernel": with upstream_kernel=1 the firmware loads the upstream kernel's name of the board's device tree`,
		func(c sdCard, m piModel, config []string) error {
			if value(config, "upstream_kernel") != "1" {
				return errors.New("upstream_kernel is not 1: the firmware would look for its own names (bcm2710-…, bcm2711-…)")
			}
			dtb := c[m.dtb]
			if len(dtb) == 0 {
				return fmt.Errorf("no %s", m.dtb)
			}
			if !bytes.Contains(dtb, []byte(m.compatible+"\x00")) {
				return fmt.Errorf("%s does not say compatible = %q", m.dtb, m.compatible)
			}
			return nil
		}},
	{"64-bit kernel", `docs, "arm_64bit": 1 starts the kernel in 64-bit mode; Linux Documentation/arch/arm64/booting.rst: an Image has the magic "ARM\x64" at offset 0x38`,
		func(c sdCard, m piModel, config []string) error {
			if v := value(config, "arm_64bit"); v != "1" {
				return fmt.Errorf("arm_64bit=%q, want 1", v)
			}
			k := value(config, "kernel")
			img := c[k]
			if k == "" || len(img) == 0 {
				return fmt.Errorf("kernel=%q names no file on the card", k)
			}
			if len(img) < 0x3c || string(img[0x38:0x3c]) != "ARM\x64" {
				return fmt.Errorf("%s is not an uncompressed arm64 Image (no ARM\\x64 magic at 0x38)", k)
			}
			return nil
		}},
	{"initramfs", `docs, "initramfs": "initramfs FILE followkernel" loads FILE after the kernel; Linux Documentation/staging/xz.rst: the kernel's xz decoder wants --check=crc32`,
		func(c sdCard, m piModel, config []string) error {
			var f []string
			for _, l := range config {
				if strings.HasPrefix(l, "initramfs ") {
					f = strings.Fields(l)
				}
			}
			if len(f) != 3 || f[2] != "followkernel" {
				return fmt.Errorf("initramfs line %q, want initramfs FILE followkernel", strings.Join(f, " "))
			}
			xz := c[f[1]]
			if len(xz) == 0 {
				return fmt.Errorf("initramfs %s is not on the card", f[1])
			}
			// xz's stream header: magic, then the flags, whose low
			// bits are the check type (1: CRC32).
			if len(xz) < 8 || string(xz[:6]) != "\xfd7zXZ\x00" || xz[7]&0x0f != 1 {
				return fmt.Errorf("%s is not xz with a CRC32 check", f[1])
			}
			return nil
		}},
	{"serial console", `docs, "enable_uart": enables the primary UART on GPIO 14/15, off by default where it is the mini UART (the boards with Bluetooth); the device tree's alias serial1 is the mini UART (ttyS1); docs, "Kernel command line (cmdline.txt)": one line; Linux Documentation/admin-guide/serial-console.rst: the last console= is /dev/console`,
		func(c sdCard, m piModel, config []string) error {
			if v := value(config, "enable_uart"); v != "1" {
				return fmt.Errorf("enable_uart=%q, want 1", v)
			}
			if !bytes.Contains(c[m.dtb], []byte("/soc/serial@7e215040\x00")) {
				return fmt.Errorf("%s names no mini UART (/soc/serial@7e215040)", m.dtb)
			}
			cmdline := string(c["cmdline.txt"])
			if strings.Count(strings.TrimSuffix(cmdline, "\n"), "\n") > 0 {
				return errors.New("cmdline.txt has more than one line: the kernel gets the first")
			}
			last := ""
			for _, f := range strings.Fields(cmdline) {
				if f = strings.Trim(f, `"`); strings.HasPrefix(f, "console=") {
					last = f
				}
			}
			if name, _, _ := strings.Cut(strings.TrimPrefix(last, "console="), ","); name != "ttyS1" {
				return fmt.Errorf("cmdline.txt's last console is %q, want ttyS1 (the mini UART)", last)
			}
			return nil
		}},
	{"core clock", `docs, "Mini UART and CPU core frequency": the mini UART's baud rate follows the VPU core clock (enable_uart=1 fixes it at 250 MHz on the Pi 3s); Pi 4: raspberrypi/linux#4123, raspberrypi/firmware#1618, Debian's /etc/default/raspi-firmware (GPU_FREQ: 360 for a serial console, "500 and 550 MHz also corrupt the serial console")`,
		func(c sdCard, m piModel, config []string) error {
			for _, key := range []string{"core_freq", "core_freq_min"} {
				if v := value(config, key); v != m.coreFreq {
					return fmt.Errorf("%s=%q, want %q", key, v, m.coreFreq)
				}
			}
			return nil
		}},
}

// checkCard holds the card to every rule for every model and returns what
// fails, one error a model and rule.
func checkCard(c sdCard) error {
	var errs []error
	for _, m := range piModels {
		config, err := settings(string(c["config.txt"]), m)
		if err != nil {
			errs = append(errs, err)
			break
		}
		for _, r := range sdRules {
			if err := r.check(c, m, config); err != nil {
				errs = append(errs, fmt.Errorf("Pi %s: %s: %v (%s)", m.name, r.name, err, r.source))
			}
		}
	}
	return errors.Join(errs...)
}

// runOut runs a tool and returns its standard output, or an error with
// its standard error.
func runOut(name string, args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return string(out), nil
}
