#!/usr/bin/env bash
# The ledger benchmark (issue 7): builds abg, then runs dev.abg.bench.LedgerBench: settled requests per second through
# SpendService into SQLite with 1, 4, 16 and 64 threads, and the admin reads with 1,000,000 ledger rows.
#   bench/ledger.sh [-Dbench.seconds=5] [-Dbench.threads=1,4,16,64] [-Dbench.rows=1000000] [-Dbench.reads=200]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -DskipE2E package
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -q -B -o -DskipTests test-compile exec:java -Dexec.mainClass=dev.abg.bench.LedgerBench -Dexec.classpathScope=test \
  -Dabg.jar="$PWD/target/quarkus-app/quarkus-run.jar" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
