#!/usr/bin/env bash
# The ledger benchmark (issue 7): builds abg, then runs dev.abg.bench.LedgerBench: settled requests per second through
# SpendService into SQLite with 1, 4, 16 and 64 threads; the same through two instances sharing one PostgreSQL schema
# (team mode; the server of src/test/java/dev/abg/testing/Postgres.java, skipped when none answers) beside one on SQLite,
# on a session per thread and on one shared session; and the admin reads with 1,000,000 ledger rows.
#   bench/ledger.sh [-Dbench.seconds=5] [-Dbench.threads=1,4,16,64] [-Dbench.rows=1000000|0] [-Dbench.reads=200] [-Dbench.team=false]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -DskipE2E package
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -q -B -DskipTests test-compile exec:java -Dexec.mainClass=dev.abg.bench.LedgerBench -Dexec.classpathScope=test \
  -Dabg.jar="$PWD/target/quarkus-app/quarkus-run.jar" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
