// wasi-node.mjs runs a WASI preview 1 program, such as out/wasm/pipelab.wasm,
// under Node.js's node:wasi (Node 18 and later), as wazero's and wasmtime's
// command lines do:
//
//	node scripts/wasi-node.mjs PROGRAM.wasm [ARG...]
//
//	node scripts/wasi-node.mjs out/wasm/pipelab.wasm send testdata/pipe.txt |
//		node scripts/wasi-node.mjs out/wasm/pipelab.wasm recv
//
// The program gets ARG... after PROGRAM.wasm as its arguments; the current
// directory as its /, so that relative paths (testdata/pipe.txt) work from
// its working directory /; an empty environment; and Node's standard
// streams. Its exit status becomes Node's.
//
// Why so: a copy of process.env would hand the program PWD, which Go's
// wasip1 runtime takes for its working directory, and the host's path in
// it is not a path under the program's /, so relative paths would fail
// ("testdata/pipe.txt: No such file or directory"). Node's WASI gives the
// preopened directory full access (it has no read-only mounts) and is no
// sandbox for untrusted code. Node hands the standard streams over
// non-blocking; pipelab waits on them with poll_oneoff. Node's one-time
// "WASI is an experimental feature" warning is not printed: it would mix
// with the lab's lines on standard error.
import { readFile } from "node:fs/promises";
import process from "node:process";

const [file, ...args] = process.argv.slice(2);
if (!file) {
	process.stderr.write("usage: node wasi-node.mjs PROGRAM.wasm [ARG...]\n");
	process.exit(2);
}

// Print every warning but that one, as Node's own handler would.
process.removeAllListeners("warning");
process.on("warning", (w) => {
	if (w.name !== "ExperimentalWarning" || !/WASI/.test(w.message)) {
		process.stderr.write(`(node:${process.pid}) ${w.name}: ${w.message}\n`);
	}
});
const { WASI } = await import("node:wasi");

const wasi = new WASI({
	version: "preview1",
	args: [file, ...args],
	env: {},
	preopens: { "/": process.cwd() },
	returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
