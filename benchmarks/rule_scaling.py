"""Throughput with 0, 1k and 10k extra user phrase rules (a generated pack).

    python benchmarks/rule_scaling.py /path/to/datasets [--counts 0,1000,10000] [--passes 3]

The generated rules are line rules with random phrases (Latin words and CJK characters), a
third each ``exact``, ``prefix`` and ``contains``. The engine compiles all phrases into one
hash table and one Aho-Corasick automaton, so the cost per line should hardly grow with the
number of phrases: the target is at most 1.5x slower at 10k rules. Prints compile time,
MB/s, the slow-down against 0 extra rules, and how many documents changed (random phrases
should match nothing). ``Config.line_cache`` is off: every pass after the first would find
every line's result in it, and the matching this measures would not run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from scrubber import Config, Scrubber

SYLLABLES = ["zor", "blat", "quim", "vex", "drun", "kal", "mip", "thos", "yurk", "phen", "glo", "wast"]


def phrase(rng: random.Random) -> str:
    if rng.random() < 0.5:
        words = ("".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))) for _ in range(rng.randint(2, 3)))
        return " ".join(words)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(4, 6)))


def write_pack(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    out = ['[pack]\nname = "generated"\ndescription = "rule_scaling benchmark"\n']
    seen: set[str] = set()
    for i in range(count):
        p = phrase(rng)
        while p in seen:
            p = phrase(rng)
        seen.add(p)
        match = ("exact", "prefix", "contains")[i % 3]
        out.append(
            f'[[rule]]\nid = "GEN-{i:05d}"\nname = "gen.{i}"\ncategory = "generated"\nscope = "anywhere"\n'
            f'unit = "line"\nmatch = "{match}"\nphrases = [{json.dumps(p, ensure_ascii=False)}]\n'
            f'max_chars = 200\nexamples.remove = [{json.dumps(p, ensure_ascii=False)}]\n'
        )
    path.write_text("\n".join(out), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", type=Path)
    ap.add_argument("--counts", default="0,1000,10000")
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()
    texts = []
    for path in sorted(args.datasets.glob("*/input_*.jsonl")):
        with path.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] or "" for line in f if line.strip()]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"{len(texts)} texts, {mb:.1f} MB; median of {args.passes} passes")
    base_rate, base_out = None, None
    with tempfile.TemporaryDirectory() as tmp:
        for count in (int(c) for c in args.counts.split(",")):
            extra: tuple[str, ...] = ()
            if count:
                pack = Path(tmp) / f"gen{count}.toml"
                write_pack(pack, count)
                extra = (str(pack),)
            t0 = time.perf_counter()
            scrubber = Scrubber(Config(extra_packs=extra, line_cache=0))
            compile_s = time.perf_counter() - t0
            runs = []
            for _ in range(args.passes):
                t0 = time.perf_counter()
                out = [scrubber.scrub(t).text for t in texts]
                runs.append(time.perf_counter() - t0)
            rate = mb / statistics.median(runs)
            base_rate, base_out = base_rate or rate, base_out or out
            changed = sum(a != b for a, b in zip(out, base_out, strict=True))
            print(f"{count:>6} extra rules  load+compile {compile_s:6.2f} s  {rate:6.2f} MB/s  "
                  f"slow-down {base_rate / rate:5.2f}x  documents changed {changed}")


if __name__ == "__main__":
    main()
