"""Peak memory of `scrubber clean --jsonl` while streaming growing inputs: it should stay flat.

    python benchmarks/memory.py /path/to/datasets [--sizes 250,1000] [--jobs 2] [--tmp DIR]
                                [--cli-args "extra scrubber clean arguments"]

Builds a JSONL file of each size (MB) from the datasets' ``input_*.jsonl`` texts, runs the
command line on it (output to a file) and samples the resident memory of the whole process
tree (parent + workers) every 50 ms from /proc. Prints MB/s and peak RSS per size. The
input repeats the same texts, so the line cache (``--line-cache``, on by default: it is part
of the memory a run holds, up to its bound) finds most lines: the MB/s here flatter; the
throughput figures are ``throughput.py``'s.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def make_jsonl(path: Path, texts: list[str], mb: float) -> int:
    size = n = 0
    with path.open("w", encoding="utf-8") as f:
        while size < mb * 1e6:
            for t in texts:
                line = json.dumps({"id": n, "text": t, "meta": {"n": n}}, ensure_ascii=False) + "\n"
                f.write(line)
                size += len(line.encode())
                n += 1
    return size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", type=Path)
    ap.add_argument("--sizes", default="250,1000", help="input sizes in MB")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--tmp", default=None, help="directory for the generated files")
    ap.add_argument("--cli-args", default="", help="extra `scrubber clean` arguments, one string")
    args = ap.parse_args()
    args.extra = shlex.split(args.cli_args)
    texts = []
    for path in sorted(args.datasets.glob("*/input_*.jsonl")):
        with path.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] or "" for line in f if line.strip()]
    print(f"{len(texts)} distinct texts; jobs {args.jobs}; extra args {args.extra}")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for mb in (float(s) for s in args.sizes.split(",")):
            src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
            size = make_jsonl(src, texts, mb)
            cmd = [sys.executable, "-m", "scrubber", "clean", "--jsonl", str(src), "--out", str(out),
                   "--jobs", str(args.jobs), "-q", *args.extra]
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd)
            peak = 0.0
            while proc.poll() is None:
                peak = max(peak, tree_rss_mb(proc.pid))
                time.sleep(0.05)
            secs = time.perf_counter() - t0
            print(f"input {size / 1e6:8.1f} MB  {secs:7.1f} s  {size / 1e6 / secs:6.2f} MB/s  "
                  f"peak RSS (parent + {args.jobs} workers) {peak:7.1f} MB  exit {proc.returncode}")
            src.unlink()
            out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
