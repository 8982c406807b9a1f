#!/usr/bin/env bash
# SR step of the 6x6 ViT (SrStepBench: M=1024, 64 chains, 2 layers, D=32, 4 heads, b=2, float64) before and after
# the ViT was built from core blocks, back to back in one run on one machine.
#   benchmarks/scripts/vit-core-before-after.sh BEFORE_CHECKOUT [--rounds 2] [--steps 3] [--threads 1] [--no-build]
#       [--before-args "ARGS"] [--after-args "ARGS"] [--out DIR] [--title "TEXT"]
# BEFORE_CHECKOUT: a checkout of the old code (e.g. `git worktree add --detach /tmp/vit-before 68ec83e`), or this
# checkout itself when only SrStepBench's arguments differ (--before-args / --after-args are added to each side's
# command line, e.g. --after-args "--sample-dtype float32"). --out: the result directory (default
# benchmarks/results/vit-core-before-after).
# Both benchmark modules are built offline (./mvnw -o -pl benchmarks -am package) unless --no-build. The rounds
# alternate the order (before, after / after, before) so that a drift in the machine's load hits both alike.
# Output: benchmarks/results/vit-core-before-after/{before,after}-<round>.json (SrStepBench's own JSON),
# summary.json and summary.md (median step time and phases of each side over all timed steps, ratio after/before).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BEFORE="$(cd "${1:?usage: $0 BEFORE_CHECKOUT [--rounds R] [--steps S] [--threads T] [--no-build]}" && pwd)"; shift
rounds=2; steps=3; threads=1; build=1; before_args=""; after_args=""; out=""
title="SR step, ViT before/after core blocks"
while [ $# -gt 0 ]; do
  case "$1" in
    --before-args) before_args="$2"; shift 2 ;;
    --after-args) after_args="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --title) title="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
export OPT_OUT_TRACKING=true DJL_OFFLINE=true
. "$ROOT/native/env.sh"
spinformer_native_env "$ROOT"
OUT="${out:-$ROOT/benchmarks/results/vit-core-before-after}"
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
mkdir -p "$OUT"
if [ "$build" = 1 ]; then
  for d in $(printf '%s\n' "$BEFORE" "$ROOT" | sort -u); do
    echo "building benchmarks in $d..." >&2
    (cd "$d" && ./mvnw -B -q -o -DskipTests -pl benchmarks -am package >&2)
  done
fi
run_side() { # side round
  local dir args; if [ "$1" = before ]; then dir="$BEFORE"; args="$before_args"; else dir="$ROOT"; args="$after_args"; fi
  echo "$(date -u +%H:%M:%S) $1 round $2: load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.txt" >&2
  (cd "$dir" && java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Dai.djl.pytorch.num_threads="$threads" \
     -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.spinformer.benchmarks.SrStepBench \
     --device cpu --steps "$steps" --out "$OUT/$1-$2.json" $args)
}
: > "$OUT/load.txt"
echo "commits: before $(git -C "$BEFORE" rev-parse HEAD) [$before_args], after $(git -C "$ROOT" rev-parse HEAD) [$after_args]$(git -C "$ROOT" diff --quiet HEAD -- core nqs benchmarks || echo ' + uncommitted changes')" >> "$OUT/load.txt"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then run_side before "$r"; run_side after "$r"; else run_side after "$r"; run_side before "$r"; fi
done
echo "$(date -u +%H:%M:%S) end: load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
python3 - "$OUT" "$rounds" "$threads" "$title" "$before_args" "$after_args" <<'PY'
import json, statistics, sys, pathlib
out, rounds, threads, title = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
before_args, after_args = sys.argv[5], sys.argv[6]
phases = ["step", "sampling", "local_energy", "jacobian", "solve"]
res = {"what": f"SrStepBench (6x6 J2=0.5, M=1024, 64 chains, ViT 2 layers D=32 H=4 b=2, float64): {title}; medians "
       "over every timed step of every round", "threads": threads, "rounds": rounds, "before_args": before_args,
       "after_args": after_args, "sides": {}}
for side in ["before", "after"]:
    runs = [json.loads((out / f"{side}-{r}.json").read_text()) for r in range(1, rounds + 1)]
    per = {p: [] for p in phases}
    fw = []
    for o in runs:
        al = o.get("all_s", {})
        for i in range(len(al.get("sampling", []))):
            for p in phases[1:]:
                per[p].append(al[p][i])
            per["step"].append(sum(al[p][i] for p in phases[1:]))
        if "forward_s" in o:
            fw.append(o["forward_s"])
    s = {p + "_s_median": statistics.median(v) for p, v in per.items() if v}
    s["step_s_all"] = per["step"]
    s["forward_s_median"] = statistics.median(fw) if fw else None
    s["energy_per_site_warmup"] = [o.get("energy_per_site_warmup") for o in runs]
    s["status"] = [o.get("status") for o in runs]
    s["load_average_1min"] = [o.get("load_average_at_start") for o in runs]
    res["sides"][side] = s
b, a = res["sides"]["before"], res["sides"]["after"]
res["ratio_after_over_before"] = {p: a[p + "_s_median"] / b[p + "_s_median"] for p in phases
                                  if p + "_s_median" in a and p + "_s_median" in b}
if a["forward_s_median"] and b["forward_s_median"]:
    res["ratio_after_over_before"]["forward"] = a["forward_s_median"] / b["forward_s_median"]
(out / "summary.json").write_text(json.dumps(res, indent=2) + "\n")
lines = ["# " + title, "", res["what"] + f"; {threads} intra-op thread(s), {rounds} rounds.", "",
         "| phase | before median s | after median s | after/before |", "|---|---:|---:|---:|"]
for p in phases + ["forward"]:
    k = p + "_s_median"
    if b.get(k) and a.get(k):
        lines.append(f"| {p} | {b[k]:.3f} | {a[k]:.3f} | {a[k]/b[k]:.3f} |")
lines += ["", f"warm-up energy per site: before {b['energy_per_site_warmup']}, after {a['energy_per_site_warmup']}", "",
          "Load:", "", *["    " + l for l in (out / "load.txt").read_text().splitlines()]]
(out / "summary.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
PY
