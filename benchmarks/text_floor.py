"""The floor of a pure-Python text engine: what its unavoidable C-level steps cost alone.

    python benchmarks/text_floor.py /path/to/datasets [--sets a,b] [--passes 3]

A whole-document design still has to fold the text, cut it into lines, look the lines up
in the exact-phrase table, run the phrase automaton over the document and count repeated
lines. This script times those steps with no decision logic, no regexes and no Result --
the MB/s a pure-Python engine cannot beat on this machine however its passes are written.
If the floor is below the issue's target, the target needs a native core.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from pathlib import Path

try:
    from benchmarks.throughput import load_texts, timed
except ImportError:  # run as a script from inside benchmarks/
    from throughput import load_texts, timed  # type: ignore[no-redef]

from scrubber import Scrubber
from scrubber.engine.fold import fold


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("datasets", type=Path)
    parser.add_argument("--sets", default="scrapinghub,zh_cwced_dev,zh_magichtml_dev")
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    texts = load_texts(args.datasets, args.sets.split(","))
    mb = sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) / 1e6
    rules = Scrubber().rules
    exact = set(rules.exact)
    folded = [fold(t) for t in texts]
    lines = [[line.strip() for line in f.split("\n")] for f in folded]
    steps: list[tuple[str, Callable[[], object]]] = [
        ("fold (the engine's fold)", lambda: [fold(t) for t in texts]),
        ("split + strip lines", lambda: [[x.strip() for x in f.split("\n")] for f in folded]),
        ("exact-phrase lookup (set)", lambda: [exact.intersection(x) for x in lines]),
        ("repeated lines (Counter)", lambda: [Counter(x) for x in lines]),
        (f"phrase automaton, whole document ({len(rules.entries)} phrases)",
         lambda: [rules.matcher.find(f) for f in folded]),
    ]
    print(f"{len(texts)} documents, {mb:.2f} MB, median of {args.passes} passes\n")
    print("| step | MB/s | ms |")
    print("|---|---:|---:|")
    total = 0.0
    for name, fn in steps:
        secs = timed(fn, args.passes)
        total += secs
        print(f"| {name} | {mb / secs:,.0f} | {1000 * secs:.0f} |")
    print(f"| **all of the above** | **{mb / total:,.1f}** | {1000 * total:.0f} |")


if __name__ == "__main__":
    main()
