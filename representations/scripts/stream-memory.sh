#!/usr/bin/env bash
# Peak resident memory of `repr hidden` on a generated 1B-class random Llama (Llama-3.2-1B's shape, BF16 shards),
# whole model vs --stream-layers, with the same texts and layers; the outputs must be equal bit for bit.
#
#   representations/scripts/stream-memory.sh [--out FILE] [--texts N] [--words W] [--batch-tokens B] [--skip-whole]
#                                            [-- random_llama.py options]
#
# Runs: (a) baseline: --stream-layers --layers 0 (JVM, libtorch, tokenizer, the token rows; no layer),
# (b) --stream-layers --layers 0,8,16, (c) the whole model with --layers 0,8,16; peak RSS of each from
# /usr/bin/time -v (--skip-whole: (a) and (b) only, no equality check). Writes FILE (default representations/results/stream-memory-<date>.json) with the three peaks,
# the model's sizes, one layer's float32 bytes and the activations' bytes. The generated model is deleted.
set -euo pipefail
cd "$(dirname "$0")/../.."
# the launcher's default malloc settings keep freed memory resident (fastest for training); streaming wants it
# returned, so the measurement runs with huge pages only, as the README recommends for --stream-layers
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"
out="representations/results/stream-memory-$(date -u +%Y-%m-%d).json"
n=256; words=32; batch=128; whole=1; gen=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --texts) n="$2"; shift 2 ;;
    --words) words="$2"; shift 2 ;;
    --batch-tokens) batch="$2"; shift 2 ;;
    --skip-whole) whole=0; shift ;;
    --) shift; gen=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
./spinformer --version >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "generating the model in $work/model ..." >&2
python3 representations/scripts/random_llama.py "$work/model" "${gen[@]}" > "$work/model.json"
python3 - "$work/texts.txt" "$n" "$words" <<'PY'
import random, sys
path, n, w = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(7)
with open(path, "w") as f:
    for _ in range(n):
        f.write(" ".join(f"w{r.randrange(1, 30000)}" for _ in range(w)) + "\n")
PY
run() { # label, extra args...
  local label="$1"; shift
  /usr/bin/time -v ./spinformer repr hidden --model "$work/model" --texts "$work/texts.txt" --device cpu \
    --out "$work/$label.npy" --batch-tokens "$batch" "$@" --json > "$work/$label.stdout" 2> "$work/$label.time"
  grep "Maximum resident set size" "$work/$label.time" | awk '{print $6}' > "$work/$label.rss"
  echo "$label: peak RSS $(( $(cat "$work/$label.rss") / 1024 )) MiB" >&2
}
run baseline --stream-layers --layers 0
run streamed --stream-layers --layers 0,8,16
if [ "$whole" = 1 ]; then run whole --layers 0,8,16; fi
python3 - "$work" "$out" "$n" "$words" "$batch" <<'PY'
import json, os, sys
import numpy as np
work, out, n, words, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
model = json.load(open(f"{work}/model.json"))
cfg = json.load(open(f"{work}/model/config.json"))
d, f, L = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
dh = d // cfg["num_attention_heads"]
layer = 2 * d + d * cfg["num_attention_heads"] * dh * 2 + 2 * d * cfg["num_key_value_heads"] * dh + 3 * d * f
runs = [k for k in ("baseline", "streamed", "whole") if os.path.exists(f"{work}/{k}.rss")]
rss = {k: int(open(f"{work}/{k}.rss").read()) * 1024 for k in runs}
secs = {k: json.loads(open(f"{work}/{k}.stdout").read().strip().splitlines()[-1])["seconds"]
        for k in runs if k != "baseline"}
a = np.load(f"{work}/streamed.npy")
b = np.load(f"{work}/whole.npy") if "whole" in rss else None
tokens = n * words  # one token per word (WordLevel), equal lengths: no padding
res = {
    "model": {"parameters": model["parameters"], "layers": L, "dim": d, "hidden": f, "vocab": cfg["vocab_size"],
              "file_bytes_bf16": model["bytes_bf16"], "float32_bytes": 4 * model["parameters"]},
    "texts": n, "tokens_per_text": words, "batch_tokens": batch, "layers_kept": [0, 8, 16], "dtype": "float32",
    "one_layer_float32_bytes": 4 * layer,
    "activations_bytes": 4 * tokens * d,
    "outputs_bytes": 4 * 3 * n * d,
    "peak_rss_bytes": rss,
    "streamed_minus_baseline_bytes": rss["streamed"] - rss["baseline"],
    "ratio_streamed_minus_baseline_to_layer_plus_activations":
        (rss["streamed"] - rss["baseline"]) / (4 * layer + 4 * tokens * d),
    "ratio_whole_to_streamed": rss["whole"] / rss["streamed"] if "whole" in rss else None,
    "seconds": secs,
    "glibc_tunables": os.environ.get("GLIBC_TUNABLES"),
    "outputs_equal": bool(np.array_equal(a, b)) if b is not None else None, "output_shape": list(a.shape),
}
with open(out + ".tmp", "w") as fh:
    json.dump(res, fh, indent=2)
import os
os.replace(out + ".tmp", out)
print(json.dumps(res, indent=2))
PY
