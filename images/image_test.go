package main

import (
	"archive/tar"
	"bytes"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The gzip layer's limit and goal per platform, in bytes.
const (
	maxLayer  = 1_000_000
	goalLayer = 900_000
)

func TestReproducible(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := build(dir); err != nil {
			t.Fatal(err)
		}
	}
	da, db := indexDigest(t, filepath.Join(a, "image")), indexDigest(t, filepath.Join(b, "image"))
	if da != db {
		t.Errorf("index digests differ between two builds: %s, %s", da, db)
	}
	if shipped := indexDigest(t, layoutDir()); shipped != da {
		t.Errorf("index digest %s, %s in make image's out/image", da, shipped)
	}
	for _, tg := range targets {
		file := "image-" + tg.name + ".tar"
		ta, err := os.ReadFile(filepath.Join(a, file))
		if err != nil {
			t.Fatal(err)
		}
		tb, err := os.ReadFile(filepath.Join(b, file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ta, tb) {
			t.Errorf("%s differs between two builds", file)
		}
	}
}

// indexDigest is the digest of the image index tagged latest in dir.
func indexDigest(t *testing.T, dir string) v1.Hash {
	t.Helper()
	desc := tagged(t, dir)["latest"]
	if desc.MediaType != types.OCIImageIndex {
		t.Fatalf("%s:latest is a %s, want an image index", dir, desc.MediaType)
	}
	return desc.Digest
}

// tagged maps the ref.name annotations of dir's index.json to descriptors.
func tagged(t *testing.T, dir string) map[string]v1.Descriptor {
	t.Helper()
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := top.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]v1.Descriptor{}
	for _, d := range m.Manifests {
		tags[d.Annotations["org.opencontainers.image.ref.name"]] = d
	}
	return tags
}

func TestLayoutTags(t *testing.T) {
	tags := tagged(t, layoutDir())
	want := []string{"latest"}
	for _, tg := range targets {
		want = append(want, "latest-"+tg.name)
	}
	got := slices.Sorted(maps.Keys(tags))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("tags in index.json = %q, want %q", got, want)
	}

	p := layout.Path(layoutDir())
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	inner, err := idx.ImageIndex(tags["latest"].Digest)
	if err != nil {
		t.Fatal(err)
	}
	im, err := inner.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != len(targets) {
		t.Fatalf("index latest has %d manifests, want %d", len(im.Manifests), len(targets))
	}
	for i, tg := range targets {
		d := im.Manifests[i]
		if d.Platform == nil || !d.Platform.Equals(tg.platform) {
			t.Errorf("index latest: manifest %d is for %v, want %v", i, d.Platform, tg.platform)
		}
		// The platform tag names the same manifest as the index entry.
		pd := tags["latest-"+tg.name]
		if pd.Digest != d.Digest || pd.Platform == nil || !pd.Platform.Equals(tg.platform) {
			t.Errorf("latest-%s = %s %v, want %s %v", tg.name, pd.Digest, pd.Platform, d.Digest, tg.platform)
		}
	}
}

func TestImages(t *testing.T) {
	tags := tagged(t, layoutDir())
	idx, err := layout.Path(layoutDir()).ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			img, err := idx.Image(tags["latest-"+tg.name].Digest)
			if err != nil {
				t.Fatal(err)
			}
			checkManifest(t, img)
			checkConfig(t, img, tg.platform)
			checkLayer(t, img, tg)
		})
	}
}

func checkManifest(t *testing.T, img v1.Image) {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIManifestSchema1 || m.Config.MediaType != types.OCIConfigJSON {
		t.Errorf("manifest %s with config %s, want OCI types", m.MediaType, m.Config.MediaType)
	}
	if len(m.Layers) != 1 {
		t.Fatalf("%d layers, want 1", len(m.Layers))
	}
	l := m.Layers[0]
	if l.MediaType != types.OCILayer {
		t.Errorf("layer media type %s, want %s", l.MediaType, types.OCILayer)
	}
	checkGzipHeader(t, img)
	if l.Size > maxLayer {
		t.Errorf("compressed layer is %d bytes, limit %d", l.Size, maxLayer)
	}
	t.Logf("compressed layer: %d bytes (limit %d, goal %d)", l.Size, maxLayer, goalLayer)
}

// checkGzipHeader checks the layer's fixed gzip header (RFC 1952): deflate,
// no flags (so no name, comment or extra field), MTIME 0, XFL 2 (best
// compression), OS 255 (unknown): nothing of the machine or the day.
func checkGzipHeader(t *testing.T, img v1.Image) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	hdr := make([]byte, 10)
	if _, err := io.ReadFull(rc, hdr); err != nil {
		t.Fatal(err)
	}
	if want := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255}; !bytes.Equal(hdr, want) {
		t.Errorf("gzip header % x, want % x", hdr, want)
	}
}

func checkConfig(t *testing.T, img v1.Image, p v1.Platform) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got := cf.Platform(); got == nil || !got.Equals(p) {
		t.Errorf("config platform %v, want %v", got, p)
	}
	want := v1.Config{
		Env:        []string{"PATH=/bin"},
		Cmd:        []string{"ipclab"},
		User:       "65534:65534",
		WorkingDir: "/tmp",
		Labels: map[string]string{
			"org.opencontainers.image.title":       "ipclab",
			"org.opencontainers.image.description": "Linux IPC labs: pipe, message queue and shared memory, run on the lab sheet's samples",
			"org.opencontainers.image.source":      "ipclab",
			"org.opencontainers.image.version":     testVersion,
		},
	}
	if !reflect.DeepEqual(cf.Config, want) {
		t.Errorf("config = %+v, want %+v", cf.Config, want)
	}
	if !cf.Created.Equal(time.Unix(0, 0)) {
		t.Errorf("created %v, want the epoch", cf.Created)
	}
}

// checkLayer reads the layer back: every entry's name, type, mode, owner,
// time and contents.
func checkLayer(t *testing.T, img v1.Image, tg target) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()

	type file struct {
		mode int64
		typ  byte
		data string
		link string
	}
	// The multicall binary and the labs' names as symbolic links to it.
	want := map[string]file{
		"bin/":           {0o755, tar.TypeDir, "", ""},
		"bin/ipclab":     {0o755, tar.TypeReg, readFile(t, filepath.Join(binDir, tg.name, "ipclab")), ""},
		"bin/mqlab":      {0o777, tar.TypeSymlink, "", "ipclab"},
		"bin/pipelab":    {0o777, tar.TypeSymlink, "", "ipclab"},
		"bin/shmlab":     {0o777, tar.TypeSymlink, "", "ipclab"},
		"data/":          {0o755, tar.TypeDir, "", ""},
		"data/pipe.txt":  {0o644, tar.TypeReg, readFile(t, filepath.Join("..", "testdata", "pipe.txt")), ""},
		"data/queue.txt": {0o644, tar.TypeReg, readFile(t, filepath.Join("..", "testdata", "queue.txt")), ""},
		"data/shm.txt":   {0o644, tar.TypeReg, readFile(t, filepath.Join("..", "testdata", "shm.txt")), ""},
		"tmp/":           {0o1777, tar.TypeDir, "", ""},
	}

	tr := tar.NewReader(rc)
	seen := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got := file{hdr.Mode, hdr.Typeflag, string(data), hdr.Linkname}
		w, ok := want[hdr.Name]
		switch {
		case !ok:
			t.Errorf("unexpected %s in the layer", hdr.Name)
		case got.mode != w.mode || got.typ != w.typ:
			t.Errorf("%s: mode %o type %c, want %o %c", hdr.Name, got.mode, got.typ, w.mode, w.typ)
		case got.data != w.data:
			t.Errorf("%s: contents differ from the input (%d bytes, want %d)", hdr.Name, len(got.data), len(w.data))
		case got.link != w.link:
			t.Errorf("%s: links to %q, want %q", hdr.Name, got.link, w.link)
		}
		if hdr.Uid != 0 || hdr.Gid != 0 || !hdr.ModTime.Equal(time.Unix(0, 0)) {
			t.Errorf("%s: owner %d:%d, time %v; want root and the epoch", hdr.Name, hdr.Uid, hdr.Gid, hdr.ModTime)
		}
		seen[hdr.Name] = true
	}
	for n := range want {
		if !seen[n] {
			t.Errorf("%s missing from the layer", n)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTarballs checks each `docker load` tarball: tagged ipclab:latest and
// holding the same config and layer as the layout's image.
func TestTarballs(t *testing.T) {
	tags := tagged(t, layoutDir())
	idx, err := layout.Path(layoutDir()).ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.NewTag("ipclab:latest")
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			path := tarballPath(tg)
			m, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(path) })
			if err != nil {
				t.Fatal(err)
			}
			if len(m) != 1 || !slices.Equal(m[0].RepoTags, []string{"ipclab:latest"}) {
				t.Fatalf("%s: manifest.json %+v, want one image tagged ipclab:latest", path, m)
			}
			got, err := tarball.ImageFromPath(path, &ref)
			if err != nil {
				t.Fatal(err)
			}
			want, err := idx.Image(tags["latest-"+tg.name].Digest)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []func(v1.Image) (v1.Hash, error){v1.Image.ConfigName, layerDigest} {
				g, err := f(got)
				if err != nil {
					t.Fatal(err)
				}
				w, err := f(want)
				if err != nil {
					t.Fatal(err)
				}
				if g != w {
					t.Errorf("%s: %s, want %s as in the layout", path, g, w)
				}
			}
		})
	}
}

func layerDigest(img v1.Image) (v1.Hash, error) {
	m, err := img.Manifest()
	if err != nil {
		return v1.Hash{}, err
	}
	return m.Layers[0].Digest, nil
}
