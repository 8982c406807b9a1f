#!/usr/bin/env bash
# No-egress check at the system-call level: runs CLI commands under strace and counts every connect() and
# sendto() to an internet address (AF_INET/AF_INET6) that is not loopback, from Java or from native code
# (libtorch, the Rust tokenizers). Complements cli's NoEgressTest, whose in-JVM guard cannot see raw sockets.
#
#   scripts/egress-strace.sh [--out FILE] [--quick]
#
# One JSON line per command goes to FILE (default benchmarks/results/egress/strace-<date>.jsonl): the command,
# its exit code, seconds, connect() calls by family (unix, inet loopback, inet outside) and the outside
# addresses. Exits 1 when any command made an outside attempt or failed. Needs strace (apt-get install strace).
# --quick leaves out the slow `demo --only repr` (300 verse pairs through MiniLM).
set -euo pipefail
cd "$(dirname "$0")/.."

out="benchmarks/results/egress/strace-$(date -u +%Y-%m-%d).jsonl"
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v strace >/dev/null || { echo "error: strace not found (apt-get install strace)" >&2; exit 1; }

./spinformer --version >/dev/null # build once, outside the traces
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'In the beginning God created the heaven and the earth.\nAnd the earth was without form, and void.\n' \
  > "$work/texts.txt"

cmds=(
  "info --device cpu"
  "demo --only core --device cpu --out $work/demo-core"
  "repr hidden --model minilm --texts $work/texts.txt --device cpu --out $work/h.npy"
  "nqs exact --size 4x4 --j2 0.5"
  "nqs train --size 4x4 --steps 3 --device cpu --out $work/nqs"
  "language train-factored --steps 20 --layers 1 --vocab 50 --batch 16 --device cpu --out $work/factored"
)
[ "$quick" = 1 ] || cmds+=("demo --only repr --device cpu --out $work/demo-repr")

mkdir -p "$(dirname "$out")"
tmp_out="$out.tmp.$$"
: > "$tmp_out"
bad=0
# the control first: a deliberate connection to a TEST-NET-1 address must be counted, or the check is blind
for c in "CONTROL" "${cmds[@]}"; do
  trace="$work/trace.txt"
  t0=$(date +%s.%N)
  set +e
  if [ "$c" = CONTROL ]; then
    label="control: bash /dev/tcp/192.0.2.1/80 (must count 1)"
    strace -f -qq -e trace=connect,sendto -o "$trace" timeout 2 bash -c 'exec 3<>/dev/tcp/192.0.2.1/80' \
      >/dev/null 2>&1
    code=0
  else
    label="spinformer ${c//$work/TMP}"
    # shellcheck disable=SC2086
    strace -f -qq -e trace=connect,sendto -o "$trace" ./spinformer $c >"$work/stdout" 2>"$work/stderr"
    code=$?
  fi
  set -e
  secs=$(python3 -c "import time; print(round(time.time() - $t0, 1))")
  line=$(python3 - "$trace" "$label" "$code" "$secs" <<'PY'
import json, re, sys
trace, cmd, code, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
unix = loop = 0
outside = []
for ln in open(trace, errors="replace"):
    if "connect(" not in ln and "sendto(" not in ln:
        continue
    if "AF_UNIX" in ln:
        unix += 1
        continue
    m = re.search(r'inet_addr\("([^"]+)"\)', ln) or re.search(r'inet_pton\(AF_INET6?, "([^"]+)"', ln)
    if "AF_INET" not in ln:
        continue  # sendto on a connected socket names no address: its connect() was counted
    addr = m.group(1) if m else "?"
    if addr.startswith("127.") or addr in ("::1", "::ffff:127.0.0.1"):
        loop += 1
    else:
        outside.append(addr)
print(json.dumps({"command": cmd, "exit": code,
                  "seconds": secs, "connect_unix": unix, "connect_loopback": loop,
                  "outside_attempts": len(outside), "outside_addresses": sorted(set(outside))}))
PY
)
  echo "$line" | tee -a "$tmp_out"
  if [ "$c" = CONTROL ]; then
    echo "$line" | grep -q '"outside_attempts": 1' || { echo "error: the control attempt was not seen" >&2; bad=1; }
  elif [ "$code" != 0 ] || ! echo "$line" | grep -q '"outside_attempts": 0'; then
    bad=1
    [ "$code" = 0 ] || tail -3 "$work/stderr" >&2
  fi
done
mv "$tmp_out" "$out"
echo "wrote $out" >&2
exit "$bad"
