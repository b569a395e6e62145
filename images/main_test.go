package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The tests build the image once, from the binaries of `make cross`
// (out/bin, or $IPCLAB_BIN), into a directory shared by all of them.
var (
	binDir   string // one subdirectory of binaries per target
	builtDir string // -out of the shared build: image/ and image-*.tar
)

const testVersion = "v0.0.0-test"

// atExit runs after the tests, last first: it stops what the tests
// started for all of them (engine_test.go) and removes what those left.
// An error fails the test binary.
var atExit []func() error

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	binDir = os.Getenv("IPCLAB_BIN")
	if binDir == "" {
		binDir = filepath.Join("..", "out", "bin")
	}
	for _, t := range targets {
		if _, err := os.Stat(filepath.Join(binDir, t.name, multicall)); err != nil {
			fmt.Fprintf(os.Stderr, "images tests need the cross-built binaries (make cross, or IPCLAB_BIN=DIR): %v\n", err)
			return 1
		}
	}
	dir, err := os.MkdirTemp("", "ipclab-image-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := build(dir); err != nil {
		fmt.Fprintf(os.Stderr, "building the image: %v\n", err)
		return 1
	}
	builtDir = dir
	code := m.Run()
	for _, f := range slices.Backward(atExit) {
		if err := f(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	return code
}

// build runs the builder as the Makefile does, with a fixed version.
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
