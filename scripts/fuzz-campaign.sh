#!/usr/bin/env bash
# Coverage-guided fuzzing campaign of the readers of outside bytes (Jazzer, libFuzzer engine), one target at a time.
#
#   scripts/fuzz-campaign.sh [--minutes M] [--out FILE] [TARGET ...]
#
# TARGET is a fuzz test method (npy, safetensors, configJson, ...; default: all twelve). Each runs in its own JVM
# for M minutes (default 60) in Jazzer's fuzzing mode; the corpus it grows stays in <module>/.cifuzz-corpus/ (not
# committed) and is reused by the next campaign; an input that breaks the contract (FuzzContract) is written next
# to the committed seeds in src/test/resources/.../<Class>Inputs/<target>/crash-*, where the default build replays it
# once the reader is fixed. One JSON line per target goes to FILE (default
# benchmarks/results/fuzz/campaign-<date>.jsonl): inputs run, seconds, inputs/s, coverage, corpus size, finding.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=60
out="benchmarks/results/fuzz/campaign-$(date -u +%Y-%m-%d).jsonl"
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$minutes" in ''|*[!0-9.]*|*.*.*|.|0|0.0*) echo "error: --minutes must be a positive number, got '$minutes'" >&2; exit 2 ;; esac
seconds=$(python3 -c "print(max(1, round(float('$minutes') * 60)))")

# module:test class, then its fuzz targets
groups=(
  "core:org.spinformer.core.fuzz.ReaderFuzzTest safetensors shardedIndex npy onnx tokenizer utf8Lines metricsLog checkpointManifest checkpointState"
  "representations:org.spinformer.representations.models.ModelFuzzTest configJson pairsTsv"
  "language:org.spinformer.language.corpus.CorpusFuzzTest corpus"
)
declare -A where=()
all=()
for g in "${groups[@]}"; do
  read -r owner names <<<"$g"
  for t in $names; do where[$t]="$owner"; all+=("$t"); done
done
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  [ -n "${where[$t]:-}" ] || { echo "error: unknown target '$t' (one of: ${all[*]})" >&2; exit 2; }
done

mkdir -p "$(dirname "$out")" target
echo "installing the modules once (tests skipped) ..." >&2
./mvnw -B -q -o install -DskipTests -pl core,language,representations -am >&2

for t in "${targets[@]}"; do
  module="${where[$t]%%:*}"
  class="${where[$t]#*:}"
  log="target/fuzz-$t.log"
  echo "fuzzing $t for $minutes min (log: $log) ..." >&2
  start=$(date +%s)
  set +e
  # profile fuzz: JAZZER_FUZZ=1 and no JUnit timeout; the second libFuzzer argument sets the duration
  ./mvnw -B -o -Pfuzz -pl "$module" test -Dtest="${class##*.}#$t" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.arg.0=campaign -Djazzer.internal.arg.1=-max_total_time=$((seconds)) >"$log" 2>&1
  rc=$?
  set -e
  python3 - "$t" "$module" "$log" "$rc" "$start" "$minutes" >>"$out" <<'PY'
import json, re, sys, time
target, module, log, rc, start, minutes = sys.argv[1:]
text = open(log, errors="replace").read()
stats = re.findall(r"^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\d+)(\w+)?", text, re.M)
done = re.findall(r"^Done (\d+) runs in (\d+) second", text, re.M)
crash = re.findall(r"Test unit written to (\S+)", text)
runs, secs = (int(done[-1][0]), int(done[-1][1])) if done else (int(stats[-1][0]) if stats else 0, None)
row = {"target": target, "module": module, "minutes_asked": float(minutes), "inputs": runs, "seconds": secs,
       "inputs_per_second": round(runs / secs) if secs else None,
       "coverage_edges": int(stats[-1][1]) if stats else None, "features": int(stats[-1][2]) if stats else None,
       "corpus_inputs": int(stats[-1][3]) if stats else None, "finding": crash[-1] if crash else None,
       "exit_code": int(rc), "wall_seconds": round(time.time() - float(start)), "log": log}
print(json.dumps(row))
print(f"{target}: {runs} inputs in {secs}s, finding: {row['finding']}", file=sys.stderr)
PY
done
echo "results: $out" >&2
