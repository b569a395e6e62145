package main

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"time"

	"ipclab"
)

// multicall is the one binary in /bin: ipclab, which runs the lab it is
// called by (argv[0]) or the one its first argument names, and with
// neither the suite. `make cross` builds it into each target's directory.
const multicall = "ipclab"

// labNames are ipclab's other names in /bin, symbolic links to it:
// `docker run ipclab mqlab` finds /bin/mqlab on PATH, the kernel runs
// /bin/ipclab, and argv[0], still "mqlab", picks the lab. Symbolic rather
// than hard links: a hard link in a layer is an entry that points back to
// an earlier one by name, which every unpacker must resolve against what it
// has already written; a symbolic link is one self-contained entry, it
// says what it is (`docker export ... | tar tv` shows
// mqlab -> ipclab), and its relative target resolves in any root: the
// container's, an unpacked bundle's, a directory on the host. u-root's
// busybox, in the initramfs, links its commands the same way.
var labNames = []string{"mqlab", "pipelab", "shmlab"}

// samples are the lab sheet's sample data for /data: the copies that
// ipclab carries and checks the labs against.
var samples = []struct{ name, text string }{
	{"pipe.txt", ipclab.PipeSample},
	{"queue.txt", ipclab.QueueSample},
	{"shm.txt", ipclab.ShmSample},
}

// epoch is the time stamped on every file and on the config: a fixed
// time keeps the digests the same from one build to the next.
var epoch = time.Unix(0, 0).UTC()

// entry is one file or directory of the layer.
type entry struct {
	name string      // path in the image, without the leading slash
	mode os.FileMode // permission bits, plus os.ModeDir, os.ModeSticky or os.ModeSymlink
	data []byte      // contents of a regular file
	link string      // target of a symbolic link
}

// layerEntries lists the layer's contents in the order they are written:
// binDir's ipclab and its links in /bin, the samples in /data, and /tmp.
func layerEntries(binDir string) ([]entry, error) {
	b, err := os.ReadFile(filepath.Join(binDir, multicall))
	if err != nil {
		return nil, err
	}
	entries := []entry{
		{name: "bin/", mode: os.ModeDir | 0o755},
		{name: "bin/" + multicall, mode: 0o755, data: b},
	}
	for _, n := range labNames {
		entries = append(entries, entry{name: "bin/" + n, mode: os.ModeSymlink | 0o777, link: multicall})
	}
	entries = append(entries, entry{name: "data/", mode: os.ModeDir | 0o755})
	for _, s := range samples {
		entries = append(entries, entry{name: "data/" + s.name, mode: 0o644, data: []byte(s.text)})
	}
	// /tmp is world-writable with the sticky bit, as everywhere: the labs
	// run as nobody and may need a place to write.
	entries = append(entries, entry{name: "tmp/", mode: os.ModeDir | os.ModeSticky | 0o777})
	return entries, nil
}

// layerTar returns the uncompressed tar stream of entries, owned by root
// and stamped with epoch.
func layerTar(entries []entry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{
			Name:    e.name,
			Mode:    int64(e.mode.Perm()),
			Size:    int64(len(e.data)),
			ModTime: epoch,
			Uname:   "root",
			Gname:   "root",
			Format:  tar.FormatUSTAR,
		}
		switch {
		case e.mode.IsDir():
			hdr.Typeflag = tar.TypeDir
		case e.mode&os.ModeSymlink != 0:
			hdr.Typeflag = tar.TypeSymlink
			hdr.Linkname = e.link
		default:
			hdr.Typeflag = tar.TypeReg
		}
		if e.mode&os.ModeSticky != 0 {
			hdr.Mode |= 0o1000 // c_ISVTX
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
