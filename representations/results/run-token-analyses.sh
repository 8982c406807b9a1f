#!/usr/bin/env bash
# Reproduces the token analyses in representations/results/ (README "Token analyses"): 400 King James / Reina-Valera
# verse pairs (seed 1), MiniLM and bge-small, default Information Imbalance settings (k = 1, Euclidean, exact, dadapy).
# Each run's stdout (table + timings) goes to its directory as stdout.txt.
# SPINFORMER_JAR=/path/to/spinformer.jar runs a copy of the CLI jar (with its lib/ beside it) instead of ./spinformer,
# so that editing sources meanwhile does not make the launcher rebuild between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
R=representations/results
cli() {
  if [ -n "${SPINFORMER_JAR:-}" ]; then
    ( . native/env.sh; spinformer_native_env "$PWD"
      exec java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -XX:MaxRAMPercentage=75 -Xss8m -jar "$SPINFORMER_JAR" "$@" )
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
run spread-minilm-en-es      spread --model minilm    --pairs bible:en_kjv,es_rv1909 --n 400 --tokens 1,2,4,8,16
run spread-bge-small-en-es   spread --model bge-small --pairs bible:en_kjv,es_rv1909 --n 400 --tokens 1,2,4,8,16
# the first two were measured before --passes existed, with what is now --passes joint
run pastfuture-minilm-kjv    pastfuture --model minilm    --pairs bible:en_kjv,es_rv1909 --side a --n 400 --min-tokens 8 --passes joint
run pastfuture-bge-small-kjv pastfuture --model bge-small --pairs bible:en_kjv,es_rv1909 --side a --n 400 --min-tokens 8 --passes joint
run pastfuture-minilm-kjv-separate    pastfuture --model minilm    --pairs bible:en_kjv,es_rv1909 --side a --n 400 --min-tokens 8 --passes separate
run pastfuture-bge-small-kjv-separate pastfuture --model bge-small --pairs bible:en_kjv,es_rv1909 --side a --n 400 --min-tokens 8 --passes separate
run cross-minilm-bge-small-kjv cross --model-a minilm --model-b bge-small --pairs bible:en_kjv,es_rv1909 --side a --n 400
run spread-minilm-en-es-paper spread --model minilm   --pairs bible:en_kjv,es_rv1909 --n 400 --tokens 1,2,4,8,16 --normalisation paper
