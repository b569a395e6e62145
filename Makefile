# ipclab — see README.md. Everything is built static, without cgo.
GO      ?= go
export CGO_ENABLED := 0
BUILD   := $(GO) build -trimpath -ldflags='-s -w'
LABS    := pipelab mqlab shmlab ipclab
BIN     := out/bin
BENCHBIN:= out/bench/bin
REFC    ?= ../shared/bench/ref.c

.PHONY: all build run test check clean bench bench-build

all: build

# The three labs, static and stripped, for this machine.
build:
	@mkdir -p $(BIN)
	$(BUILD) -o $(BIN)/ $(addprefix ./cmd/,$(LABS))

# Each lab on the lab sheet's sample data.
run: build
	@set -e; for l in pipe:pipelab queue:mqlab shm:shmlab; do \
	  f=testdata/$${l%%:*}.txt; b=$(BIN)/$${l##*:}; \
	  echo "\$$ $$b $$f"; $$b $$f; echo; \
	done
	@echo "\$$ $(BIN)/mqlab -sysv testdata/queue.txt"; $(BIN)/mqlab -sysv testdata/queue.txt
	@ls -l $(addprefix $(BIN)/,$(LABS))

# The labs with their benchmark mode built in (-tags bench: it does not fit
# the 1.6 MB budget), next to ipclab, which runs them all with "ipclab bench".
bench-build:
	@mkdir -p $(BENCHBIN)
	$(BUILD) -tags bench -o $(BENCHBIN)/ $(addprefix ./cmd/,$(LABS))
	@ls -l $(addprefix $(BENCHBIN)/,$(LABS))

# The C yardstick, as its README builds it.
out/ref: $(REFC)
	@mkdir -p out
	gcc -O2 -o $@ $<

# ipclab against C, interleaved runs, medians: a table and out/bench.svg.
bench: bench-build out/ref
	$(GO) run ./scripts/bench -bin $(BENCHBIN) -ref out/ref -svg out/bench.svg -json out/bench.json

# Formatting, vet and every test (the README's test command; CI runs it).
test: check
	$(GO) test -count=1 -timeout 20m ./...

check:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags bench ./...

clean:
	rm -rf out
