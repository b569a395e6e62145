package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// The tests check the image as shipped: what make image leaves in out/
// (out/image and out/image-*.tar), which TestMain makes first. binDir is
// what make image builds it from, make cross's binaries.
var (
	binDir   = filepath.Join("..", "out", "bin") // one subdirectory of binaries per target
	builtDir = filepath.Join("..", "out")        // image/ and image-*.tar
)

// testVersion is the version label make image gave the image (git
// describe), which a rebuild must give too.
var testVersion string

// atExit runs after the tests, last first: it stops what the tests
// started for all of them (engine_test.go) and removes what those left.
// An error fails the test binary.
var atExit []func() error

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	mk := exec.Command("make", "-C", "..", "image")
	mk.Stdout, mk.Stderr = os.Stderr, os.Stderr
	if err := mk.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "make image: %v\n", err)
		return 1
	}
	// Absolute: engines take the layout's path as part of a reference.
	for _, d := range []*string{&binDir, &builtDir} {
		abs, err := filepath.Abs(*d)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		*d = abs
	}
	v, err := versionLabel(layoutDir())
	if err != nil {
		fmt.Fprintf(os.Stderr, "the version label of out/image: %v\n", err)
		return 1
	}
	testVersion = v
	code := m.Run()
	for _, f := range slices.Backward(atExit) {
		if err := f(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	return code
}

// versionLabel reads the version label of the image tagged latest-amd64
// in the layout dir.
func versionLabel(dir string) (string, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return "", err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return "", err
	}
	for _, d := range m.Manifests {
		if d.Annotations["org.opencontainers.image.ref.name"] == "latest-amd64" {
			img, err := idx.Image(d.Digest)
			if err != nil {
				return "", err
			}
			cf, err := img.ConfigFile()
			if err != nil {
				return "", err
			}
			return cf.Config.Labels["org.opencontainers.image.version"], nil
		}
	}
	return "", fmt.Errorf("%s: no image tagged latest-amd64", dir)
}

// build runs the builder as the Makefile does, with make image's version.
func build(out string) error {
	return run([]string{
		"-bin", binDir,
		"-out", out,
		"-version", testVersion,
	}, io.Discard, os.Stderr)
}

func layoutDir() string { return filepath.Join(builtDir, "image") }

func tarballPath(t target) string {
	return filepath.Join(builtDir, "image-"+t.name+".tar")
}
