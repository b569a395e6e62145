package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// need fails the test unless every command is installed.
func need(t *testing.T, cmds ...string) {
	t.Helper()
	for _, c := range cmds {
		if _, err := exec.LookPath(c); err != nil {
			t.Fatalf("%s is not installed: run scripts/install-image-deps.sh as root (make test does)", c)
		}
	}
}

// command runs a tool and returns its standard output.
func command(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// TestSkopeoInspect has Debian's skopeo read every platform three ways:
// by its own tag in the layout, through the index tagged latest, and from
// its `docker load` tarball. Each must give that platform's config, byte
// for byte, and the fields `docker inspect` shows.
func TestSkopeoInspect(t *testing.T) {
	need(t, "skopeo")
	dir := layoutDir()
	tags := tagged(t, dir)
	idx, err := layout.Path(dir).ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			manifest := tags["latest-"+tg.name].Digest
			img, err := idx.Image(manifest)
			if err != nil {
				t.Fatal(err)
			}
			config, err := img.ConfigName()
			if err != nil {
				t.Fatal(err)
			}
			pick := []string{"--override-os", tg.platform.OS, "--override-arch", tg.platform.Architecture}
			if tg.platform.Variant != "" {
				pick = append(pick, "--override-variant", tg.platform.Variant)
			}
			for _, ref := range []struct {
				name   string
				opts   []string
				digest v1.Hash // that skopeo reports; zero: not checked
			}{
				{"oci:" + dir + ":latest-" + tg.name, nil, manifest},
				// The digest of a multi-platform reference is the index's.
				{"oci:" + dir + ":latest", pick, tags["latest"].Digest},
				// skopeo describes a tarball by a manifest of its own making.
				{"docker-archive:" + tarballPath(tg), nil, v1.Hash{}},
			} {
				args := append([]string{"inspect"}, ref.opts...)
				raw := command(t, "skopeo", append(args, "--config", "--raw", ref.name)...)
				if got := fmt.Sprintf("sha256:%x", sha256.Sum256(raw)); got != config.String() {
					t.Errorf("skopeo inspect --config %s: config %s, want %s", ref.name, got, config)
				}
				var info struct {
					Digest       string
					Architecture string
					Os           string
					Layers       []string
					Env          []string
					Labels       map[string]string
				}
				if err := json.Unmarshal(command(t, "skopeo", append(args, ref.name)...), &info); err != nil {
					t.Fatalf("skopeo inspect %s: %v", ref.name, err)
				}
				if ref.digest != (v1.Hash{}) && info.Digest != ref.digest.String() {
					t.Errorf("skopeo inspect %s: digest %s, want %s", ref.name, info.Digest, ref.digest)
				}
				if info.Os != "linux" || info.Architecture != tg.platform.Architecture || len(info.Layers) != 1 ||
					strings.Join(info.Env, " ") != "PATH=/bin" || info.Labels["org.opencontainers.image.version"] != testVersion {
					t.Errorf("skopeo inspect %s = %+v, want %s, one layer, PATH=/bin, version %s", ref.name, info, tg.platform, testVersion)
				}
			}
		})
	}
}
