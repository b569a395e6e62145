// images assembles the ipclab container image from prebuilt static
// binaries, without a Docker engine and without a shell in the image.
//
// One layer per platform holds /bin/{ipclab,mqlab,pipelab,shmlab}, the lab
// sheet's samples in /data and /tmp (1777); every file belongs to root and
// carries the same fixed time, so a rebuild gives the same digests. The
// image runs `ipclab` (all three labs on the samples) as 65534:65534 in
// /tmp with PATH=/bin.
//
// It writes an OCI image layout OUT/image whose index.json tags the
// multi-platform index TAG and each platform's image TAG-TARGET (for
// tools such as umoci that need one manifest), and one `docker load`
// tarball OUT/image-TARGET.tar per platform, tagged NAME:TAG.
//
// Synopsis:
//
//	images [-bin DIR] [-out DIR] [-name NAME] [-tag TAG] [-version V] [-source S]
//
// Options:
//
//	-bin      directory with one subdirectory of binaries per target:
//	          amd64, arm64, armv7, armv6 (default out/bin)
//	-out      output directory (default out)
//	-name     repository name of the tarballs' tag (default ipclab)
//	-tag      tag of the index and prefix of the platform tags (default latest)
//	-version  org.opencontainers.image.version (default: the module's version)
//	-source   org.opencontainers.image.source (default: the module's path)
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "images: %v\n", err)
		os.Exit(1)
	}
}

// options are run's flags.
type options struct {
	bin, out, name, tag string
	meta                meta
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("images", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bin, "bin", "out/bin", "directory with a subdirectory of binaries per target")
	fs.StringVar(&o.out, "out", "out", "output directory")
	fs.StringVar(&o.name, "name", "ipclab", "repository name of the tarballs' tag")
	fs.StringVar(&o.tag, "tag", "latest", "tag of the index; platform tags are TAG-TARGET")
	version, source := "(devel)", "ipclab"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Path != "" {
		source = bi.Main.Path
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
	}
	fs.StringVar(&o.meta.version, "version", version, "org.opencontainers.image.version")
	fs.StringVar(&o.meta.source, "source", source, "org.opencontainers.image.source")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	o.meta.title = "ipclab"
	o.meta.description = "Linux IPC labs: pipe, message queue and shared memory, run on the lab sheet's samples"
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	ref, err := name.NewTag(o.name + ":" + o.tag)
	if err != nil {
		return err
	}

	var images []platformImage
	for _, t := range targets {
		entries, err := layerEntries(filepath.Join(o.bin, t.name))
		if err != nil {
			return err
		}
		img, err := buildImage(t.platform, entries, o.meta)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		images = append(images, platformImage{t, img})
	}
	idx := buildIndex(images)

	dir := filepath.Join(o.out, "image")
	if err := writeLayout(dir, o.tag, idx, images); err != nil {
		return err
	}
	digest, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s:%s %s\n", dir, o.tag, digest)

	for _, pi := range images {
		file := filepath.Join(o.out, "image-"+pi.name+".tar")
		if err := tarball.WriteToFile(file, ref, pi.img); err != nil {
			return err
		}
		size, err := layerSize(pi.img)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s:%s-%s %s: gzip layer %d bytes, %s\n", dir, o.tag, pi.name, pi.platform, size, file)
	}
	return nil
}

// writeLayout writes the OCI layout dir afresh: the index tagged tag and,
// for tools that cannot pick a platform, each image tagged tag-TARGET.
func writeLayout(dir, tag string, idx v1.ImageIndex, images []platformImage) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	top := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{
		Add:        idx,
		Descriptor: v1.Descriptor{Annotations: refName(tag)},
	})
	for _, pi := range images {
		top = mutate.AppendManifests(top, mutate.IndexAddendum{
			Add: pi.img,
			Descriptor: v1.Descriptor{
				Platform:    &pi.platform,
				Annotations: refName(tag + "-" + pi.name),
			},
		})
	}
	_, err := layout.Write(dir, top)
	return err
}

func refName(tag string) map[string]string {
	return map[string]string{"org.opencontainers.image.ref.name": tag}
}

// layerSize is the compressed size of an image's only layer.
func layerSize(img v1.Image) (int64, error) {
	m, err := img.Manifest()
	if err != nil {
		return 0, err
	}
	return m.Layers[0].Size, nil
}
