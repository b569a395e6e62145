// Command sizes measures what the build made, for make sizes: the labs
// and ipclab for amd64 (static, stripped), the container image's gzip
// layer per platform, the boot images and the WASI build. It prints a
// table and writes the figures to a JSON file, from which make docs fills
// the documentation's size tables (scripts/docs); its test fails when a
// stated figure is more than 2 % off.
//
// Synopsis:
//
//	go run ./scripts/sizes [-out DIR] [-json FILE]
//
// It measures the files make build, make image, make initramfs ARCH=amd64
// and ARCH=arm64 and make wasm leave in DIR (default out), and fails if
// one is missing: make sizes makes them first.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// A Size is one measured figure.
type Size struct {
	Key   string `json:"key"`   // what the documentation names it by
	What  string `json:"what"`  // what it is, for the table
	Bytes int64  `json:"bytes"` // its size
	Limit int64  `json:"limit,omitempty"`
}

func main() {
	out := flag.String("out", "out", "the build's output directory")
	file := flag.String("json", "out/sizes.json", "where to write the figures")
	flag.Parse()
	sizes, err := measure(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sizes:", err)
		os.Exit(1)
	}
	for _, s := range sizes {
		limit := ""
		if s.Limit > 0 {
			limit = fmt.Sprintf("  (limit %s)", group(s.Limit))
		}
		fmt.Printf("%-22s %12s  %s%s\n", s.Key, group(s.Bytes), s.What, limit)
	}
	b, err := json.MarshalIndent(sizes, "", "\t")
	if err == nil {
		err = os.WriteFile(*file, append(b, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sizes:", err)
		os.Exit(1)
	}
}

// measure returns the sizes of the build under dir.
func measure(dir string) ([]Size, error) {
	var sizes []Size
	file := func(key, what, path string, limit int64) error {
		fi, err := os.Stat(filepath.Join(dir, path))
		if err != nil {
			return err
		}
		sizes = append(sizes, Size{Key: key, What: what, Bytes: fi.Size(), Limit: limit})
		return nil
	}
	for _, f := range []struct {
		key, what, path string
		limit           int64
	}{
		{"pipelab", "pipelab, amd64, static, stripped", "bin/pipelab", 1_600_000},
		{"mqlab", "mqlab, amd64, static, stripped", "bin/mqlab", 1_600_000},
		{"shmlab", "shmlab, amd64, static, stripped", "bin/shmlab", 1_600_000},
		{"ipclab", "ipclab (all three labs), amd64, static, stripped", "bin/ipclab", 2_000_000},
		{"initramfs-amd64", "boot image, amd64 (u-root, xz)", "initramfs-amd64.cpio.xz", 0},
		{"initramfs-arm64", "boot image, arm64 (u-root, xz)", "initramfs-arm64.cpio.xz", 0},
		{"pipelab.wasm", "pipelab for WASI preview 1", "wasm/pipelab.wasm", 0},
	} {
		if err := file(f.key, f.what, f.path, f.limit); err != nil {
			return nil, err
		}
	}
	gz, err := gzipSize(filepath.Join(dir, "wasm/pipelab.wasm"))
	if err != nil {
		return nil, err
	}
	sizes = append(sizes, Size{Key: "pipelab.wasm.gz", What: "pipelab for WASI preview 1, gzip -9", Bytes: gz})
	layers, err := layerSizes(filepath.Join(dir, "image"))
	if err != nil {
		return nil, err
	}
	return append(sizes, layers...), nil
}

// layerSizes reads each platform's layer size from the image layout
// dir: the images tagged latest-TARGET.
func layerSizes(dir string) ([]Size, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var sizes []Size
	for _, target := range []string{"amd64", "arm64", "armv7", "armv6"} {
		found := false
		for _, d := range m.Manifests {
			if d.Annotations["org.opencontainers.image.ref.name"] != "latest-"+target {
				continue
			}
			img, err := idx.Image(d.Digest)
			if err != nil {
				return nil, err
			}
			im, err := img.Manifest()
			if err != nil {
				return nil, err
			}
			var n int64
			for _, l := range im.Layers {
				n += l.Size
			}
			sizes = append(sizes, Size{Key: "layer-" + target, What: "image layer, linux/" + platform(target) + ", gzip", Bytes: n, Limit: 1_000_000})
			found = true
		}
		if !found {
			return nil, fmt.Errorf("%s: no image tagged latest-%s (make image)", dir, target)
		}
	}
	return sizes, nil
}

func platform(target string) string {
	switch target {
	case "armv7":
		return "arm/v7"
	case "armv6":
		return "arm/v6"
	}
	return target
}

// gzipSize is the size of the file at path compressed with gzip -9.
func gzipSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var c counter
	w, _ := gzip.NewWriterLevel(&c, gzip.BestCompression)
	if _, err := io.Copy(w, f); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return int64(c), nil
}

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

// group writes n with thousands separators: 1,564,834.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
