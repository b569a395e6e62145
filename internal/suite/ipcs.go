//go:build linux

package suite

import (
	"io"
	"strconv"
	"strings"
	"syscall"

	"ipclab/internal/input"
	"ipclab/internal/proc"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// runIpcs is "ipclab ipcs": the IPC objects that exist now, in this IPC
// namespace, with their owner, mode, size and messages.
func runIpcs(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := ipcsCmd.Flags(stdout)
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return ipcsCmd.Unknown(rest[0])
	}
	users := userNames()
	var b strings.Builder
	total, leftovers := 0, 0
	section := func(title string, head []string, rows [][]string, why string) {
		b.WriteString(title + "\n")
		if why != "" {
			b.WriteString("  " + why + "\n\n")
			return
		}
		if len(rows) == 0 {
			b.WriteString("  none\n\n")
			return
		}
		total += len(rows)
		table(&b, append([][]string{head}, rows...))
		b.WriteString("\n")
	}

	// POSIX message queues: files of the mqueue file system, whose
	// contents say how many bytes are queued; mq_getattr how many
	// messages (for a queue this user may open).
	var rows [][]string
	why := ""
	if !mounted("/dev/mqueue", mqueueMagic) {
		why = "not listed: no mqueue file system on /dev/mqueue (as root: mount -t mqueue none /dev/mqueue)"
	}
	for _, name := range list("/dev/mqueue") {
		if why != "" {
			break
		}
		st, ok := stat("/dev/mqueue/" + name)
		if !ok {
			continue
		}
		info, _ := input.ReadFile("/dev/mqueue/" + name)
		bytes := field(string(info), "QSIZE:")
		msgs := "?"
		if mqd, err := ipc.MqOpen("/"+name, syscall.O_RDONLY|syscall.O_NONBLOCK, 0, nil); err == nil {
			if a, err := ipc.MqGetAttr(mqd); err == nil {
				msgs = text.Itoa(int(a.Curmsgs)) + " of " + text.Itoa(int(a.Maxmsg))
			}
			ipc.Close(mqd)
		}
		rows = append(rows, []string{"/" + name, owner(users, st.Uid), mode(st.Mode), msgs, bytes})
	}
	section("POSIX message queues (/dev/mqueue):", []string{"name", "owner", "mode", "messages", "bytes"}, rows, why)

	// System V queues, segments and semaphores: /proc/sysvipc.
	for _, f := range []struct{ file, title string }{
		{"msg", "System V message queues (/proc/sysvipc/msg):"},
		{"shm", "System V shared memory segments (/proc/sysvipc/shm):"},
		{"sem", "System V semaphore sets (/proc/sysvipc/sem):"},
	} {
		rows, why = nil, ""
		b2, err := input.ReadFile("/proc/sysvipc/" + f.file)
		if err != nil {
			why = "not listed: " + err.Error() + " (a kernel without System V IPC, CONFIG_SYSVIPC?)"
		}
		lines := strings.Split(strings.TrimSpace(string(b2)), "\n")
		cols := proc.Fields(lines[0], ' ')
		var head []string
		switch f.file {
		case "msg":
			head = []string{"key", "id", "owner", "mode", "messages", "bytes", "last sender", "last receiver"}
		case "shm":
			head = []string{"key", "id", "owner", "mode", "bytes", "attached", "creator"}
		default:
			head = []string{"key", "id", "owner", "mode", "semaphores"}
		}
		for _, l := range lines[1:] {
			v := map[string]string{}
			for i, x := range proc.Fields(l, ' ') {
				if i < len(cols) {
					v[cols[i]] = x
				}
			}
			if len(v) == 0 {
				continue
			}
			key, _ := strconv.ParseInt(v["key"], 10, 64)
			uid, _ := strconv.Atoi(v["uid"])
			perms, _ := strconv.ParseUint(v["perms"], 8, 32)
			id := v[f.file+"id"]
			if f.file == "msg" {
				id = v["msqid"]
			}
			if key&^0xffffff == proc.KeyPrefix && !alive(int(key&0xffffff)) {
				leftovers++
			}
			row := []string{"0x" + strconv.FormatUint(uint64(uint32(key)), 16), id, owner(users, uint32(uid)), mode(uint32(perms))}
			switch f.file {
			case "msg":
				row = append(row, v["qnum"], v["cbytes"], pidName(v["lspid"]), pidName(v["lrpid"]))
			case "shm":
				row = append(row, v["size"], v["nattch"], pidName(v["cpid"]))
			default:
				row = append(row, v["nsems"])
			}
			rows = append(rows, row)
		}
		section(f.title, head, rows, why)
	}

	// POSIX shared memory: files of /dev/shm.
	rows, why = nil, ""
	if !mounted("/dev/shm", tmpfsMagic) {
		why = "not listed: no tmpfs on /dev/shm (as root: mount -t tmpfs none /dev/shm)"
	}
	for _, name := range list("/dev/shm") {
		if why != "" {
			break
		}
		if st, ok := stat("/dev/shm/" + name); ok {
			rows = append(rows, []string{"/" + name, owner(users, st.Uid), mode(st.Mode), text.Int64(st.Size)})
		}
	}
	section("POSIX shared memory (/dev/shm):", []string{"name", "owner", "mode", "bytes"}, rows, why)
	b.WriteString("ipclab ipcs: " + text.Itoa(total) + " objects")
	if leftovers > 0 {
		b.WriteString("; " + text.Itoa(leftovers) + " of them a killed lab's (key 0x6c000000 + its pid, gone): ipclab clean removes them")
	}
	b.WriteString("\n")
	_, err = io.WriteString(stdout, b.String())
	return err
}

// The file system types of statfs(2) that ipcs looks for.
const tmpfsMagic = 0x01021994

// mounted reports whether dir is a mount of the file system of type magic.
func mounted(dir string, magic int64) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && int64(st.Type) == magic
}

// stat is lstat(2) of path.
func stat(path string) (syscall.Stat_t, bool) {
	var st syscall.Stat_t
	return st, syscall.Lstat(path, &st) == nil
}

// field returns the value after key in s ("QSIZE:40 NOTIFY:0 …").
func field(s, key string) string {
	i := strings.Index(s, key)
	if i < 0 {
		return "?"
	}
	s = s[i+len(key):]
	if j := strings.IndexAny(s, " \n"); j >= 0 {
		s = s[:j]
	}
	return s
}

// mode shows permission bits as ls does: "rw-------" with the octal.
func mode(m uint32) string {
	const rwx = "rwxrwxrwx"
	b := []byte("---------")
	for i := range b {
		if m&(1<<(8-i)) != 0 {
			b[i] = rwx[i]
		}
	}
	return "0" + strconv.FormatUint(uint64(m&0o777), 8) + " " + string(b)
}

// userNames reads /etc/passwd's names by uid; a system without it (a
// container FROM scratch, the boot image) shows numbers.
func userNames() map[uint32]string {
	names := map[uint32]string{}
	b, err := input.ReadFile("/etc/passwd")
	if err != nil {
		return names
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Split(l, ":")
		if len(f) > 2 {
			if uid, err := strconv.Atoi(f[2]); err == nil {
				names[uint32(uid)] = f[0]
			}
		}
	}
	return names
}

func owner(names map[uint32]string, uid uint32) string {
	if n, ok := names[uid]; ok {
		return n
	}
	return strconv.FormatUint(uint64(uid), 10)
}

// pidName is a process id with its command's name, "1234 (mqlab)", or "-"
// for none.
func pidName(pid string) string {
	if pid == "" || pid == "0" {
		return "-"
	}
	comm, err := input.ReadFile("/proc/" + pid + "/comm")
	if err != nil {
		return pid + " (gone)"
	}
	return pid + " (" + strings.TrimSpace(string(comm)) + ")"
}

// table writes rows as columns, two spaces apart, indented.
func table(b *strings.Builder, rows [][]string) {
	var w []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(w) {
				w = append(w, 0)
			}
			w[i] = max(w[i], len(c))
		}
	}
	for _, r := range rows {
		b.WriteString(" ")
		for i, c := range r {
			b.WriteString(" " + c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", w[i]-len(c)+1))
			}
		}
		b.WriteString("\n")
	}
}
