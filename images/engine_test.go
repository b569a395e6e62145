//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The engines that people have: Debian 12's docker.io (20.10, also on
// Raspberry Pi OS Bookworm), podman (4.3) and containerd (1.6), each given
// the image as `make image` writes it. Every daemon the tests need they
// start themselves, under a temporary directory, and stop by its pid; the
// host's engines, images and configuration stay untouched.

// dockerCLI is Debian's client. /usr/local/bin/docker, first on root's
// PATH on some machines, may be an unrelated newer client.
const dockerCLI = "/usr/bin/docker"

// An engineRun is one `ENGINE run` of the image, as its user would type it:
// opts before the image, args after it, stdin fed to the container.
type engineRun struct {
	name  string
	opts  []string
	image string
	args  []string
	stdin string
	check func(lines []string) error
}

// TestDocker loads the amd64 tarball into Debian's dockerd and runs it the
// three ways docs/container.md shows. The daemon has its own data root,
// exec root, pid file, socket and configuration, no bridge, no iptables
// rules, no forwarding; containerd is the tests' own (sharedContainerd). The
// host's network is the same after the test as before it.
func TestDocker(t *testing.T) {
	need(t, "dockerd", dockerCLI, "iptables-save", "ip6tables-save")
	needRoot(t, "dockerd")
	t.Parallel()
	sock := sharedContainerd(t)
	before := networkState(t)

	dir := t.TempDir()
	// A configuration file of its own: /etc/docker/daemon.json, if any, is
	// not read. key.json (the daemon's identity) goes there too, not to
	// /etc/docker.
	conf := filepath.Join(dir, "daemon.json")
	if err := os.WriteFile(conf, fmt.Appendf(nil, "{%q: %q}\n", "deprecated-key-path", filepath.Join(dir, "key.json")), 0o644); err != nil {
		t.Fatal(err)
	}
	host := "unix://" + filepath.Join(dir, "docker.sock")
	pidfile := filepath.Join(dir, "dockerd.pid")
	d := startDaemon(t, filepath.Join(dir, "dockerd.log"), pidfile, "dockerd",
		"--config-file", conf,
		"--data-root", filepath.Join(dir, "root"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", pidfile,
		"--host", host,
		"--containerd", sock,
		"--iptables=false", "--ip-forward=false", "--bridge=none")
	// The client's configuration (~/.docker) stays out of it, both ways.
	env := []string{"DOCKER_CONFIG=" + filepath.Join(dir, "client")}
	docker := func(args ...string) []string { return append([]string{"-H", host}, args...) }
	d.waitReady(t, dockerCLI, docker("version")...)

	t.Run("version", func(t *testing.T) {
		out := engine(t, env, "", dockerCLI, docker("version", "--format", "{{.Client.Version}} {{.Server.Version}}")...)
		t.Logf("docker client and server %s", bytes.TrimSpace(out))
	})
	t.Run("bridge", func(t *testing.T) {
		// A docker0 of the host's own dockerd, if it runs one, was there before.
		if _, err := os.Stat("/sys/class/net/docker0"); err == nil && !strings.Contains(before, "link docker0\n") {
			t.Errorf("dockerd made a docker0 bridge despite --bridge=none")
		}
	})
	t.Run("load", func(t *testing.T) {
		out := engine(t, env, "", dockerCLI, docker("load", "-i", tarballPath(targets[0]))...)
		if !strings.Contains(string(out), "Loaded image: ipclab:latest") {
			t.Fatalf("docker load: %q, want Loaded image: ipclab:latest", out)
		}
	})
	runs(t, env, dockerCLI, docker("run", "--rm"), []engineRun{
		{"suite", []string{"--network", "none"}, "ipclab", nil, "", checkSuite},
		{"mqlab-i", []string{"-i"}, "ipclab", []string{"mqlab", "-i"}, dialogue, checkDialogue},
		{"mqlab-sysv", nil, "ipclab", []string{"mqlab", "-sysv", "/data/queue.txt"}, "", exactly(queueLines)},
		{"ipcs", []string{"--network", "none"}, "ipclab", []string{"ipclab", "ipcs"}, "", checkIpcsEmpty},
	})

	d.stop(t)
	if after := networkState(t); after != before {
		t.Errorf("the host's network changed while dockerd ran:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestPodman loads the tarball into podman and runs it, and runs the OCI
// layout straight from its directory, by the index's tag. Root here lacks
// CAP_SYS_RESOURCE, so podman's default rlimits (nofile up to the hard
// limit, "error setting rlimit type 7") fail: a containers.conf of the
// test's own sets lower ones; storage (vfs), run state, temporary files and
// network configuration live in the test's directory.
func TestPodman(t *testing.T) {
	need(t, "podman")
	needRoot(t, "podman with its storage in a temporary directory")
	t.Parallel()
	dir := t.TempDir()
	conf := filepath.Join(dir, "containers.conf")
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, conf, fmt.Sprintf(`[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
tmp_dir = %q
image_copy_tmp_dir = %q

[network]
network_config_dir = %q
`, filepath.Join(dir, "libpod"), tmp, filepath.Join(dir, "net")))
	storage := filepath.Join(dir, "storage.conf")
	writeFile(t, storage, fmt.Sprintf("[storage]\ndriver = \"vfs\"\ngraphroot = %q\nrunroot = %q\n",
		filepath.Join(dir, "root"), filepath.Join(dir, "run")))
	registries := filepath.Join(dir, "registries.conf")
	writeFile(t, registries, "")
	env := []string{
		"CONTAINERS_CONF=" + conf,
		"CONTAINERS_STORAGE_CONF=" + storage,
		"CONTAINERS_REGISTRIES_CONF=" + registries,
		"TMPDIR=" + tmp,
	}
	podman := func(args ...string) []string {
		return append([]string{"--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "run"), "--storage-driver", "vfs"}, args...)
	}

	t.Run("version", func(t *testing.T) {
		t.Logf("%s", bytes.TrimSpace(engine(t, env, "", "podman", podman("--version")...)))
	})
	t.Run("load", func(t *testing.T) {
		out := engine(t, env, "", "podman", podman("load", "-i", tarballPath(targets[0]))...)
		if !strings.Contains(string(out), "Loaded image: localhost/ipclab:latest") {
			t.Fatalf("podman load: %q, want Loaded image: localhost/ipclab:latest", out)
		}
	})
	runs(t, env, "podman", podman("run", "--rm", "--network", "none"), []engineRun{
		{"suite", nil, "ipclab", nil, "", checkSuite},
		{"mqlab-i", []string{"-i"}, "ipclab", []string{"mqlab", "-i"}, dialogue, checkDialogue},
		// The layout as it is, the platform picked from the index.
		{"oci-layout", nil, "oci:" + layoutDir() + ":latest", nil, "", checkSuite},
	})
}

// TestContainerd imports the OCI layout, every platform, into the tests'
// containerd with ctr and runs it; and the `docker load` tarball too.
func TestContainerd(t *testing.T) {
	need(t, "ctr", "tar")
	needRoot(t, "containerd")
	t.Parallel()
	sock := sharedContainerd(t)
	dir := t.TempDir()
	ctr := func(ns string, args ...string) []string {
		return append([]string{"--address", sock, "--namespace", ns}, args...)
	}
	// ctr's FIFOs and runc's state in the test's directory, not in
	// /run/containerd.
	ctrRun := func(ns string) []string {
		return ctr(ns, "run", "--rm", "--fifo-dir", filepath.Join(dir, "fifo"), "--runc-root", filepath.Join(dir, "runc"))
	}

	t.Run("version", func(t *testing.T) {
		t.Logf("%s", bytes.TrimSpace(engine(t, nil, "", "ctr", "--version")))
	})
	t.Run("layout", func(t *testing.T) {
		// The command docs/container.md gives: without --all-platforms ctr
		// imports the host's platform only, then fails to unpack the other
		// platforms' tags; without --base-name the tags get a made-up name.
		out := engine(t, nil, "", "sh", "-c", `dir=$1; shift; tar -C "$dir" -cf - . | "$@"`, "sh", layoutDir(),
			"ctr", "--address", sock, "--namespace", "ipclab-layout",
			"image", "import", "--all-platforms", "--base-name", "docker.io/library/ipclab", "-")
		t.Logf("ctr image import:\n%s", out)
		images := ctrImages(t, engine(t, nil, "", "ctr", ctr("ipclab-layout", "image", "ls")...))
		var all []string
		for _, tg := range targets {
			all = append(all, tg.platform.String())
		}
		slices.Sort(all)
		if got, want := images["docker.io/library/ipclab:latest"], strings.Join(all, ","); got != want {
			t.Errorf("ctr image ls: docker.io/library/ipclab:latest for %q, want %q", got, want)
		}
		for _, tg := range targets {
			if _, ok := images["docker.io/library/ipclab:latest-"+tg.name]; !ok {
				t.Errorf("ctr image ls: no docker.io/library/ipclab:latest-%s in %v", tg.name, images)
			}
		}
		runs(t, nil, "ctr", ctrRun("ipclab-layout"), []engineRun{
			{"suite", nil, "docker.io/library/ipclab:latest", []string{"ctr-suite"}, "", checkSuite},
			{"mqlab-sysv", nil, "docker.io/library/ipclab:latest", []string{"ctr-sysv", "mqlab", "-sysv", "/data/queue.txt"}, "", exactly(queueLines)},
		})
	})
	t.Run("tarball", func(t *testing.T) {
		engine(t, nil, "", "ctr", ctr("ipclab-tarball", "image", "import", tarballPath(targets[0]))...)
		runs(t, nil, "ctr", ctrRun("ipclab-tarball"), []engineRun{
			{"suite", nil, "docker.io/library/ipclab:latest", []string{"ctr-tarball"}, "", checkSuite},
		})
	})
}

// runs runs each case as `NAME BASE... OPTS... IMAGE ARGS...` and checks
// the lines of its standard output.
func runs(t *testing.T, env []string, name string, base []string, cases []engineRun) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := slices.Concat(base, c.opts, []string{c.image}, c.args)
			lines := strings.Split(strings.TrimSuffix(string(engine(t, env, c.stdin, name, args...)), "\n"), "\n")
			if err := c.check(lines); err != nil {
				t.Errorf("%s %s: output %q: %v", name, strings.Join(args, " "), lines, err)
			}
		})
	}
}

// ctrImages maps each image of `ctr image ls` to its platforms.
func ctrImages(t *testing.T, out []byte) map[string]string {
	t.Helper()
	images := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 6 {
			continue // the heading
		}
		images[f[0]] = f[5] // REF TYPE DIGEST SIZE UNIT PLATFORMS LABELS
	}
	return images
}

// engine runs an engine's command with env added to the environment and
// stdin as its standard input, and returns its standard output.
func engine(t *testing.T, env []string, stdin, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return out
}

func needRoot(t *testing.T, what string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("%s needs root", what)
	}
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A daemon is an engine's daemon that a test started.
type daemon struct {
	name, log, pidfile string
	cmd                *exec.Cmd
	done               chan struct{} // closed when it has exited
	err                error         // its exit, once done
}

// startDaemon starts name with args, its output to log. It stops when the
// test binary dies (Pdeathsig): a failed run leaves no daemon behind.
func startDaemon(t testing.TB, log, pidfile, name string, args ...string) *daemon {
	t.Helper()
	d, err := launch(log, pidfile, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.stop(t) })
	return d
}

func launch(log, pidfile, name string, args ...string) (*daemon, error) {
	f, err := os.Create(log)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	d := &daemon{name: name, log: log, pidfile: pidfile, cmd: cmd, done: make(chan struct{})}
	go func() {
		d.err = cmd.Wait()
		close(d.done)
	}()
	return d, nil
}

// waitReady waits until the command (a client's "version") succeeds,
// for a minute at most, and fails the test if the daemon dies first.
func (d *daemon) waitReady(t testing.TB, name string, args ...string) {
	t.Helper()
	if err := d.ready(name, args...); err != nil {
		t.Fatal(err)
	}
}

func (d *daemon) ready(name string, args ...string) error {
	deadline := time.Now().Add(time.Minute)
	for {
		err := exec.Command(name, args...).Run()
		if err == nil {
			return nil
		}
		select {
		case <-d.done:
			return fmt.Errorf("%s exited (%v) before it answered:\n%s", d.name, d.err, d.tail())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer %s %s in a minute (%v):\n%s", d.name, name, strings.Join(args, " "), err, d.tail())
		}
	}
}

// stop stops the daemon by its pid, the one in its pid file: SIGTERM,
// then after 30 s SIGKILL. Stopping a stopped daemon does nothing.
func (d *daemon) stop(t testing.TB) {
	t.Helper()
	if err := d.terminate(); err != nil {
		t.Error(err)
	}
}

func (d *daemon) terminate() error {
	select {
	case <-d.done:
		return nil
	default:
	}
	pid := d.cmd.Process.Pid
	var err error
	if d.pidfile != "" {
		if b, rerr := os.ReadFile(d.pidfile); rerr != nil {
			err = fmt.Errorf("%s: %v", d.name, rerr)
		} else if p, _ := strconv.Atoi(strings.TrimSpace(string(b))); p != pid {
			err = fmt.Errorf("%s: pid file %s says %q, but its pid is %d", d.name, d.pidfile, b, pid)
		}
	}
	if kerr := syscall.Kill(pid, syscall.SIGTERM); kerr != nil {
		return errors.Join(err, fmt.Errorf("kill %s (%d): %v", d.name, pid, kerr))
	}
	select {
	case <-d.done:
		return err
	case <-time.After(30 * time.Second):
	}
	syscall.Kill(pid, syscall.SIGKILL)
	<-d.done
	return errors.Join(err, fmt.Errorf("%s (%d) ignored SIGTERM for 30 s and was killed:\n%s", d.name, pid, d.tail()))
}

// tail is the end of the daemon's log.
func (d *daemon) tail() string {
	b, _ := os.ReadFile(d.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// The containerd of the tests, started once, when a test first needs it,
// and stopped after the tests (atExit).
var shared struct {
	once sync.Once
	sock string
	err  error
}

// sharedContainerd starts containerd under a temporary root, state and
// socket, and returns its socket's address. dockerd uses it too (rather
// than a system containerd it would find at /run/containerd), each engine
// in its own namespace. Its CRI plugin (Kubernetes') is off.
func sharedContainerd(t *testing.T) string {
	t.Helper()
	need(t, "containerd", "runc")
	shared.once.Do(func() {
		var dir string
		dir, shared.err = os.MkdirTemp("", "ipclab-containerd-")
		if shared.err != nil {
			return
		}
		atExit = append(atExit, func() error { return os.RemoveAll(dir) })
		shared.sock = filepath.Join(dir, "containerd.sock")
		conf := filepath.Join(dir, "config.toml")
		text := fmt.Sprintf(`version = 2
root = %q
state = %q
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = %q

[plugins."io.containerd.internal.v1.opt"]
  path = %q
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), shared.sock, filepath.Join(dir, "opt"))
		if shared.err = os.WriteFile(conf, []byte(text), 0o644); shared.err != nil {
			return
		}
		d, err := launch(filepath.Join(dir, "containerd.log"), "", "containerd", "--config", conf)
		if shared.err = err; err != nil {
			return
		}
		atExit = append(atExit, d.terminate)
		shared.err = d.ready("ctr", "--address", shared.sock, "version")
	})
	if shared.err != nil {
		t.Fatalf("starting containerd: %v", shared.err)
	}
	return shared.sock
}

// The engines' state directories under /run that are not theirs to
// choose: dockerd's plugin directory, the containerd shims' sockets, runc's
// default state (umoci's bundles and podman). Those that were not there
// before the tests go after them, if the engines left them empty; a file
// left in them fails the tests.
var runDirs = []string{"/run/docker", "/run/containerd", "/run/runc"}

func init() {
	var made []string
	for _, d := range runDirs {
		if _, err := os.Lstat(d); errors.Is(err, os.ErrNotExist) {
			made = append(made, d)
		}
	}
	atExit = append(atExit, func() error {
		var err error
		for _, d := range made {
			err = errors.Join(err, removeEmpty(d))
		}
		return err
	})
}

// removeEmpty removes the tree dir if it holds nothing but directories.
func removeEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !e.IsDir() {
			return fmt.Errorf("the engines left %s behind", p)
		}
		if err := removeEmpty(p); err != nil {
			return err
		}
	}
	return os.Remove(dir)
}

// networkState describes what of the host's network an engine could
// change: the interfaces, the iptables and ip6tables rules (without their
// counters), and IP forwarding.
func networkState(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	links, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		fmt.Fprintf(&b, "link %s\n", l.Name())
	}
	for _, save := range []string{"iptables-save", "ip6tables-save"} {
		for _, line := range strings.Split(string(command(t, save)), "\n") {
			if strings.HasPrefix(line, "#") {
				continue // "Generated by ... on <date>"
			}
			if i := strings.LastIndex(line, " ["); strings.HasPrefix(line, ":") && i > 0 {
				line = line[:i] // a chain's packet and byte counters
			}
			fmt.Fprintf(&b, "%s %s\n", save, line)
		}
	}
	for _, f := range []string{"/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding"} {
		v, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s", f, v)
	}
	return b.String()
}
