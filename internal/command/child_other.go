//go:build !linux

package command

import (
	"io"
	"os"
)

// asChild reports false: without Linux no lab starts children.
func asChild(c *Command, args []string, stdout, stderr io.Writer) (bool, error) {
	return false, nil
}

// exists reports whether there is a file at path.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
