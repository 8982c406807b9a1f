"""Shared plumbing of the Python peers: the command line every peer takes, the timing loop, the JSON result."""
import argparse
import json
import os
import sys
import time

import torch


def parse_args(doc, warmup):
    """--fixtures DIR --threads N --warmup W --repeats R; sets torch's intra-op threads."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--warmup", type=int, default=warmup)
    ap.add_argument("--repeats", type=int, default=20)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    return a


def time_ms(run, warmup, repeats):
    """Wall-clock milliseconds of `repeats` calls of run() after `warmup` untimed ones."""
    for _ in range(warmup):
        run()
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def require(ok, check):
    """Stops (exit 1, JSON error) when the peer does not reproduce our outputs: nothing is timed then."""
    if not ok:
        print(json.dumps({"error": "peer disagrees with ours", "check": check}))
        sys.exit(1)


def emit(threads, check, timings):
    print(json.dumps({"peer": "python-pytorch " + torch.__version__, "threads": threads, "check": check,
                      "timings": timings}))
