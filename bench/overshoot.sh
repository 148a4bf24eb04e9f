#!/usr/bin/env bash
# The hard cap's overshoot benchmark: builds abg, then runs dev.abg.bench.OvershootBench (hard and soft in one run).
#   bench/overshoot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -DskipE2E package
./mvnw -q -B -o -DskipTests test-compile exec:java -Dexec.mainClass=dev.abg.bench.OvershootBench -Dexec.classpathScope=test \
  -Dabg.jar="$PWD/target/quarkus-app/quarkus-run.jar"
