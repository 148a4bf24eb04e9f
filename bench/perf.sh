#!/usr/bin/env bash
# The side-by-side benchmark (issue 7): builds abg, installs the shared harness's peers, and runs
# ../shared/bench/run.sh with abg beside DIRECT, nginx, Portkey and claude-code-router, interleaved.
#   bench/perf.sh [run.sh options...]          e.g. bench/perf.sh --peers direct,nginx --rounds 2
# abg runs through its own launcher (./abg proxy: the same JVM flags as in use), with every request priced and
# committed to the ledger: the harness sends the same body over and over, so the loop detector is off, and the caps
# are far above what a run spends (about $0.02 a request) so that nothing is blocked.
# What the harness measures and what each column means: docs/benchmarks.md, "Commands".
# Environment: HARNESS (the harness is not in this repository; default ../shared/bench next to the repo), BENCH_HOME
# (default /tmp/abg-bench), WARM_JSON (default 5000: the JIT's warm-up, the same for every column; 60000 measures every
# column warm, docs/benchmarks/profiles.md item 20), BENCH_DOC (where the tables are appended, default
# docs/benchmarks/<UTC date>-runs.md; none for a trial run), and run.sh's own knobs.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${HARNESS:-$(cd "$REPO/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}
export BENCH_HOME=${BENCH_HOME:-/tmp/abg-bench}
export WARM_JSON=${WARM_JSON:-5000}

(cd "$REPO" && ./mvnw -q -B -DskipTests -DskipE2E package)
"$HARNESS/setup.sh"

# The first proxy the launcher starts after a build records its class archive (AppCDS) when it stops. That first start
# is made here, once, so that the measured start-up is that of every later start (docs/benchmarks/profiles.md item 7).
if [[ ! "$REPO/target/abg-classes.jsa" -nt "$REPO/target/quarkus-app/quarkus-run.jar" ]]; then
  first=$(mktemp -d)
  (cd "$first" && UPSTREAM_ANTHROPIC=http://127.0.0.1:9 DB_PATH="$first/abg.db" LEDGER_FILE="$first/ledger.jsonl" \
     exec "$REPO/abg" proxy --port 18179 > "$first/abg.log" 2>&1) &
  launcher=$!
  for _ in $(seq 1 600); do curl -s -o /dev/null http://127.0.0.1:18179/abg/status && break; sleep 0.1; done
  kill -TERM "$launcher"
  wait "$launcher" || true
  rm -rf "$first"
  echo "class archive: $(ls -l "$REPO/target/abg-classes.jsa" 2>/dev/null || echo 'not written')"
fi

# nothing from a local agentbillguard.yaml: the run's settings are all here
CMD="cd {STATE_DIR} && SESSION_BUDGET_USD=1000000 DAILY_BUDGET_USD=off LOOP_MAX_REPEATS=off MAX_USD_PER_MINUTE=off"
CMD+=" UPSTREAM_ANTHROPIC={UPSTREAM_URL} DB_PATH={STATE_DIR}/abg.db LEDGER_FILE={STATE_DIR}/ledger.jsonl"
CMD+=" exec $REPO/abg proxy --port {PORT}"

OUT=$BENCH_HOME/results/abg-$(date +%Y%m%d-%H%M%S)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
PROXY_VERSION="$(git -C "$REPO" rev-parse --short HEAD)" "$HARNESS/run.sh" --proxy-name abg --proxy-cmd "$CMD" --out "$OUT" "$@"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

state=$(ls -d "$OUT"/work/state-abg)
rows=$(sqlite3 "$state/abg.db" 'SELECT COUNT(*) FROM requests' 2>/dev/null || echo "?")
lines=$(wc -l < "$state/ledger.jsonl" 2>/dev/null || echo "?")
blocked=$(sqlite3 "$state/abg.db" "SELECT COUNT(*) FROM requests WHERE action = 'block'" 2>/dev/null || echo "?")

{
  echo
  echo "## Run $(date -u +%Y-%m-%dT%H:%MZ) (abg $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD || echo ', with uncommitted changes'))"
  echo
  echo "Load average (1/5/15 min) before: $load_before, after: $load_after. abg's ledger after the run: $rows request rows ($blocked blocked), $lines JSONL lines."
  echo "Results: \`$OUT\`."
  echo
  cat "$OUT/table.md"
} > "$OUT/abg-section.md"
cat "$OUT/abg-section.md"
# BENCH_DOC=none: a trial run, not recorded. By default each UTC day's runs go to a file of their own; docs/benchmarks.md
# is the summary, updated by hand.
doc=${BENCH_DOC:-docs/benchmarks/$(date -u +%Y-%m-%d)-runs.md}
if [[ "$doc" != none ]]; then
  if [[ ! -e "$REPO/$doc" ]]; then
    mkdir -p "$(dirname "$REPO/$doc")"
    printf '# bench/perf.sh runs of %s\n\nAppended by bench/perf.sh. Name the machine here; the others are described in docs/benchmarks.md.\n' \
      "$(date -u +%Y-%m-%d)" > "$REPO/$doc"
  fi
  cat "$OUT/abg-section.md" >> "$REPO/$doc"
  echo "appended to $doc"
fi
