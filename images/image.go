package main

import (
	"bytes"
	"io"

	"github.com/klauspost/compress/gzip"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// A target is one platform of the image and the directory under -bin that
// holds its binaries (the names `make cross` uses).
type target struct {
	name     string
	platform v1.Platform
}

var targets = []target{
	{"amd64", v1.Platform{OS: "linux", Architecture: "amd64"}},
	{"arm64", v1.Platform{OS: "linux", Architecture: "arm64"}},
	{"armv7", v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}},
	// GOARM=6: a Pi Zero or Pi 1 dies on the v7 binary (illegal instruction).
	{"armv6", v1.Platform{OS: "linux", Architecture: "arm", Variant: "v6"}},
}

// meta is what the image says about itself in its labels.
type meta struct {
	title, description, source, version string
}

func (m meta) labels() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       m.title,
		"org.opencontainers.image.description": m.description,
		"org.opencontainers.image.source":      m.source,
		"org.opencontainers.image.version":     m.version,
	}
}

// config is the run-time configuration: the suite runner on the samples,
// as nobody, with nothing but /bin on the path.
func config(m meta) v1.Config {
	return v1.Config{
		Env:        []string{"PATH=/bin"},
		Cmd:        []string{"ipclab"},
		User:       "65534:65534",
		WorkingDir: "/tmp",
		Labels:     m.labels(),
	}
}

// gzipLayer compresses a layer's tar stream as gzip, the one layer
// compression that every engine reads (Docker 20.10, still Debian 12's and
// Raspberry Pi OS's, cannot read zstd). The bytes are a function of the
// tar stream and of the pinned github.com/klauspost/compress alone: a
// fixed header (no name, no comment, MTIME 0, XFL 2, OS 255), one
// goroutine, level 9. Of the deterministic gzip encoders in Go it gives the smallest layer
// (docs/container.md, "Size").
func gzipLayer(tarData []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	// MTIME 0 means "no time stamp" (RFC 1952). klauspost's writer would
	// store the zero time.Time's seconds truncated to 32 bits: a made-up
	// date in 2042.
	zw.ModTime = epoch
	if _, err := zw.Write(tarData); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// buildImage assembles the one-layer image of a platform from its entries.
func buildImage(p v1.Platform, entries []entry, m meta) (v1.Image, error) {
	tarData, err := layerTar(entries)
	if err != nil {
		return nil, err
	}
	compressed, err := gzipLayer(tarData)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(compressed)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}

	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.Architecture,
		OS:           p.OS,
		Variant:      p.Variant,
		Created:      v1.Time{Time: epoch},
		Config:       config(m),
		RootFS:       v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: epoch},
			CreatedBy: "ipclab/images: static binaries and samples",
		},
	})
}

// A platformImage is the image built for one target.
type platformImage struct {
	target
	img v1.Image
}

// buildIndex puts one image per platform into a multi-platform index.
func buildIndex(images []platformImage) v1.ImageIndex {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, pi := range images {
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        pi.img,
			Descriptor: v1.Descriptor{Platform: &pi.platform},
		})
	}
	return idx
}
