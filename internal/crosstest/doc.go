// Package crosstest runs the labs built for other architectures — arm64,
// 32-bit ARM (GOARM=6 on a Pi Zero's ARM1176 CPU, and GOARM=7) and riscv64
// — under qemu-user, including the re-execution of their children. The
// emulator is registered with binfmt_misc inside a private user namespace
// (kernel 6.7 or newer), so the host's own registrations are not touched.
package crosstest
