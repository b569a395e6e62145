#!/bin/bash
# std-fds.sh runs a command with only descriptors 0, 1 and 2 open, as from a
# fresh terminal. A lab's -trace names the descriptor numbers the kernel
# gave its parent (the lowest free ones), so a descriptor that leaked into
# make from outside — an IDE's, a CI runner's, a job wrapper's — would shift
# every number in a recorded trace. make course and make diagrams record
# through this; the tests run the labs the same way (internal/labtest).
#
# Synopsis: scripts/std-fds.sh COMMAND [ARG...]
set -eu
for fd in $(ls /proc/$$/fd); do
	if [ "$fd" -gt 2 ]; then
		exec {fd}>&-
	fi
done
exec "$@"
