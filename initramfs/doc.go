// Package initramfs is how the lab's boot image is made and tested.
//
// mkinitramfs.sh builds a u-root busybox initramfs: u-root's init, the gosh
// shell, pipelab, mqlab, shmlab and ipclab, with the lab sheet's samples
// under /data. init runs `ipclab -poweroff` as uinit, which runs the three
// labs, prints `ipclab: 3/3 labs passed` and powers the machine off.
//
// What u-root v0.16.0's init does after uinit exits (cmds/core/init,
// pkg/libinit): it runs, one after the other and whatever uinit's exit
// status, every one of /inito, /bbin/uinit, /bin/uinit, /buildbin/uinit,
// /bin/defaultsh and /bin/sh that exists. -defaultsh=gosh makes both
// /bin/defaultsh and /bin/sh links to gosh, so after uinit comes a gosh
// shell, and after that one exits a second one. When the last exits, init
// reaps orphans, syncs and exits; the kernel then panics ("Attempted to kill
// init"), which panic=-1 and QEMU's -no-reboot turn into the end of QEMU.
//
// So without ipclab.shell=1 on the kernel command line ipclab powers off
// after its summary and init never reaches a shell. With it, ipclab runs
// gosh itself (with the labs, u-root's ls and cat on PATH, /bbin, and
// /dev/mqueue mounted for ipclab ipcs) and powers the machine off when the
// shell exits: exit ends the machine cleanly instead of ending init. If
// ipclab ever returned without powering off, the console would show init's
// shell prompt: the boot tests treat that as a failure.
//
// The tests boot the image under QEMU for amd64 and arm64 and read the
// console; they need QEMU and the kernels that `make test` provides, and
// -short skips them.
package initramfs
