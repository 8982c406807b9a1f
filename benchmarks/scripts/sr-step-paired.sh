#!/usr/bin/env bash
# SR step of the 6x6 ViT (SrStepBench: M=1024, 64 chains, 2 layers, D=32, 4 heads, b=2, float64): an older checkout
# ("before") against this checkout ("after") and, optionally, this checkout with other SrStepBench arguments
# ("extra", e.g. an opt-in faster path reported separately), in one run on one machine.
#   benchmarks/scripts/sr-step-paired.sh BEFORE_CHECKOUT [--rounds 2] [--steps 3] [--threads 1] [--no-build]
#       [--before-args "ARGS"] [--after-args "ARGS"] [--extra-args "ARGS"] [--extra-name NAME] [--out DIR]
#       [--title "TEXT"]
# BEFORE_CHECKOUT: a checkout of the old code (e.g. `git worktree add --detach /tmp/sr-before d713cc6`). The rounds
# alternate the order (before, after, extra / extra, after, before) so that a drift in the machine's load hits every
# side alike; the load average is logged before each side. Both checkouts are built offline
# (./mvnw -o -pl benchmarks -am package) unless --no-build.
# Output in --out (default benchmarks/results/sr-step-paired): {before,after,extra}-<round>.json (SrStepBench's own
# JSON), load.txt, summary.json and summary.md (median step time and phases of each side over all timed steps, and
# each side's ratio to before). Same summary format as vit-core-before-after.sh, with the extra columns.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BEFORE="$(cd "${1:?usage: $0 BEFORE_CHECKOUT [options]}" && pwd)"; shift
rounds=2; steps=3; threads=1; build=1; before_args=""; after_args=""; extra_args=""; extra_name="extra"; out=""
title="SR step, before/after"
while [ $# -gt 0 ]; do
  case "$1" in
    --before-args) before_args="$2"; shift 2 ;;
    --after-args) after_args="$2"; shift 2 ;;
    --extra-args) extra_args="$2"; shift 2 ;;
    --extra-name) extra_name="$2"; shift 2 ;;
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
OUT="${out:-$ROOT/benchmarks/results/sr-step-paired}"
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
mkdir -p "$OUT"
if [ "$build" = 1 ]; then
  for d in $(printf '%s\n' "$BEFORE" "$ROOT" | sort -u); do
    echo "building benchmarks in $d..." >&2
    (cd "$d" && ./mvnw -B -q -o -DskipTests -pl benchmarks -am package >&2)
  done
fi
sides="before after"; [ -n "$extra_args" ] && sides="before after extra"
run_side() { # side round
  local dir args
  case "$1" in before) dir="$BEFORE"; args="$before_args" ;; after) dir="$ROOT"; args="$after_args" ;;
    *) dir="$ROOT"; args="$extra_args" ;; esac
  echo "$(date -u +%H:%M:%S) $1 round $2: load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.txt" >&2
  (cd "$dir" && java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Dai.djl.pytorch.num_threads="$threads" \
     -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.spinformer.benchmarks.SrStepBench \
     --device cpu --steps "$steps" --out "$OUT/$1-$2.json" $args)
}
: > "$OUT/load.txt"
echo "commits: before $(git -C "$BEFORE" rev-parse HEAD) [$before_args], after $(git -C "$ROOT" rev-parse HEAD) [$after_args]$([ -n "$extra_args" ] && echo ", $extra_name (after) [$extra_args]")$(git -C "$ROOT" diff --quiet HEAD -- core nqs benchmarks/src || echo ' + uncommitted changes')" >> "$OUT/load.txt"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="$sides"; else order="$(echo "$sides" | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for s in $order; do run_side "$s" "$r"; done
done
echo "$(date -u +%H:%M:%S) end: load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
python3 - "$OUT" "$rounds" "$threads" "$title" "$before_args" "$after_args" "$extra_args" "$extra_name" <<'PY'
import json, statistics, sys, pathlib
out, rounds, threads, title = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
before_args, after_args, extra_args, extra_name = sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8]
phases = ["step", "sampling", "local_energy", "jacobian", "solve"]
sides = ["before", "after"] + (["extra"] if extra_args else [])
res = {"what": f"SrStepBench (6x6 J2=0.5, M=1024, 64 chains, ViT 2 layers D=32 H=4 b=2, float64): {title}; medians "
       "over every timed step of every round", "threads": threads, "rounds": rounds, "before_args": before_args,
       "after_args": after_args, "extra_args": extra_args, "extra_name": extra_name, "sides": {}}
for side in sides:
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
b = res["sides"]["before"]
for side in sides[1:]:
    a = res["sides"][side]
    r = {p: a[p + "_s_median"] / b[p + "_s_median"] for p in phases if p + "_s_median" in a and p + "_s_median" in b}
    if a["forward_s_median"] and b["forward_s_median"]:
        r["forward"] = a["forward_s_median"] / b["forward_s_median"]
    res[f"ratio_{side}_over_before"] = r
(out / "summary.json").write_text(json.dumps(res, indent=2) + "\n")
names = {"before": "before", "after": "after", "extra": extra_name}
head = "| phase | before median s | after median s | after/before |"
rule = "|---|---:|---:|---:|"
if extra_args:
    head += f" {extra_name} median s | {extra_name}/before |"
    rule += "---:|---:|"
lines = ["# " + title, "", res["what"] + f"; {threads} intra-op thread(s), {rounds} rounds.", "",
         f"Sides: before [{before_args}], after [{after_args}]" + (f", {extra_name} = after [{extra_args}]" if extra_args else "") + ".",
         "", head, rule]
for p in phases + ["forward"]:
    k = p + "_s_median"
    if b.get(k) and res["sides"]["after"].get(k):
        row = f"| {p} | {b[k]:.3f}"
        for side in sides[1:]:
            a = res["sides"][side]
            row += f" | {a[k]:.3f} | {a[k]/b[k]:.3f}" if a.get(k) else " | | "
        lines.append(row + " |")
lines += [""] + [f"warm-up energy per site, {names[s]}: {res['sides'][s]['energy_per_site_warmup']}" for s in sides]
lines += ["", "Load:", "", *["    " + l for l in (out / "load.txt").read_text().splitlines()]]
(out / "summary.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
PY
