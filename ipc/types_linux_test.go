package ipc

import (
	"testing"
	"unsafe"
)

// TestKernelLayouts checks the structs against the kernel's sizes for this
// architecture (the sizeof constants in types_linux_GOARCH.go).
func TestKernelLayouts(t *testing.T) {
	var ds MsqidDS
	for _, tt := range []struct {
		name      string
		got, want uintptr
	}{
		{"sizeof(struct mq_attr)", unsafe.Sizeof(MqAttr{}), sizeofMqAttr},
		{"sizeof(struct ipc64_perm)", unsafe.Sizeof(IPCPerm{}), sizeofIPCPerm},
		{"sizeof(struct msqid64_ds)", unsafe.Sizeof(ds), sizeofMsqidDS},
		{"offsetof(struct msqid64_ds, msg_qnum)", unsafe.Offsetof(ds.Qnum), offsetofQnum},
		{"offsetof(struct msqid64_ds, msg_lspid)", unsafe.Offsetof(ds.Lspid), offsetofLspid},
		{"sizeof(struct sigevent)", unsafe.Sizeof(SigEvent{}), sizeofSigEvent},
		{"sizeof(long)", uintptr(longSize), unsafe.Sizeof(MqAttr{}.Flags)},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}
