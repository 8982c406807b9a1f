#!/usr/bin/env bash
# Reproduces the long-distance token correlations in representations/results/distance-*-kjv/ (README "Token
# analyses", "Distance between token positions"): 1500 King James verses (seed 1) long enough for 4 anchors and
# d = 32, MiniLM and bge-small, default Information Imbalance settings (k = 1, Euclidean, exact, dadapy); then
# MiniLM again with --normalisation paper.
# Each run's stdout (table + timings) goes to its directory as stdout.txt.
# SPINFORMER_JAR=/path/to/spinformer.jar runs a copy of the CLI jar (with its lib/ beside it) instead of ./spinformer.
set -euo pipefail
cd "$(dirname "$0")/../.."
R=representations/results
cli() {
  if [ -n "${SPINFORMER_JAR:-}" ]; then
    ( . native/env.sh; spinformer_native_env "$PWD"
      exec java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Dai.djl.pytorch.num_threads="${THREADS:-1}" \
        -XX:MaxRAMPercentage=75 -Xss8m -jar "$SPINFORMER_JAR" "$@" )
  else
    ./spinformer "$@"
  fi
}
run() {
  local dir="$1"; shift
  mkdir -p "$R/$dir"
  echo "== $dir: $*" >&2
  local t0=$(date +%s)
  cli repr "$@" --out "$R/$dir" --device cpu --seed 1 > "$R/$dir/stdout.txt"
  echo "wall clock $(( $(date +%s) - t0 )) s (JVM start and model load included), load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$R/$dir/stdout.txt"
}
run distance-minilm-kjv    distance --model minilm    --pairs bible:en_kjv,es_rv1909 --side a --n 1500 --anchors 4
run distance-bge-small-kjv distance --model bge-small --pairs bible:en_kjv,es_rv1909 --side a --n 1500 --anchors 4
run distance-minilm-kjv-paper distance --model minilm --pairs bible:en_kjv,es_rv1909 --side a --n 1500 --anchors 4 --normalisation paper
