#!/usr/bin/env bash
# The hard cap's overshoot benchmark: builds abg, then runs dev.abg.bench.OvershootBench (hard and soft on one instance,
# and hard in team mode: two instances sharing a fresh schema of the PostgreSQL server of src/test/.../Postgres.java).
#   bench/overshoot.sh [-Dovershoot.teamOfOne=true]   (adds, for diagnosis, team mode with all 8 clients on one instance)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -DskipE2E package
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -q -B -DskipTests test-compile exec:java -Dexec.mainClass=dev.abg.bench.OvershootBench -Dexec.classpathScope=test \
  -Dabg.jar="$PWD/target/quarkus-app/quarkus-run.jar" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
