#!/usr/bin/env bash
# `npm test`: installs what is missing (scripts/setup.sh), builds, then runs every suite.
# The last line is `N passed, N failed, N skipped` over all suites; exit status 1 on any failure.
# Extra arguments go to scripts/run-tests.mjs (e.g. --only unit,python  or  --electron).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs
exec node scripts/run-tests.mjs "$@"
