#!/bin/sh
# The reliability campaigns at full size (make soak; `make test` runs them
# at a size for CI): the kill campaign, 100 trials per mechanism and
# victim on 200,000 items; 10,000,000 sequence numbers through each
# mechanism; 16 labs at once on 1,000,000 items each. The summary table
# goes to standard output and out/soak.txt. Override with the environment:
#   TRIALS=100 ITEMS=200000 FLOOD=10000000 RUNS=16 RUNITEMS=1000000 SEED=0
set -eu
cd "$(dirname "$0")/.."
mkdir -p out
exec ${GO:-go} test -count=1 -timeout 0 -v ./internal/campaign -args \
	-trials "${TRIALS:-100}" -items "${ITEMS:-200000}" \
	-flood "${FLOOD:-10000000}" \
	-runs "${RUNS:-16}" -runitems "${RUNITEMS:-1000000}" \
	-seed "${SEED:-0}" -report "$PWD/out/soak.txt"
