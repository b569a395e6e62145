package main

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"time"

	"ipclab"
)

// programs are the binaries the image carries in /bin, one per lab and the
// suite runner.
var programs = []string{"ipclab", "mqlab", "pipelab", "shmlab"}

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
	mode os.FileMode // permission bits, plus os.ModeDir or os.ModeSticky
	data []byte      // contents of a regular file
}

// layerEntries lists the layer's contents in the order they are written:
// the binaries of binDir in /bin, the samples in /data, and /tmp.
func layerEntries(binDir string) ([]entry, error) {
	entries := []entry{{name: "bin/", mode: os.ModeDir | 0o755}}
	for _, p := range programs {
		b, err := os.ReadFile(filepath.Join(binDir, p))
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry{name: "bin/" + p, mode: 0o755, data: b})
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
		hdr.Typeflag = tar.TypeReg
		if e.mode.IsDir() {
			hdr.Typeflag = tar.TypeDir
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
