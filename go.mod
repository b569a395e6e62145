module ipclab

go 1.26.0

require golang.org/x/sys v0.50.0

require github.com/tetratelabs/wazero v1.12.0

tool github.com/tetratelabs/wazero/cmd/wazero
