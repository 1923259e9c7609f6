"""A perturbed copy of the dev texts, to compare engine outputs beyond the dev sets.

    python tools/stress_corpus.py /path/to/datasets OUT_DIR
    python tools/output_digest.py OUT_DIR --skip-html      # before and after a change

Writes ``OUT_DIR/stress/input_stress.jsonl``: every dev text with ``\\r\\n``/``\\r`` line
breaks, upper/swapped case, half-width -> full-width characters, shuffled and spaced-out
lines, blank-padded lines, plus random mixes of dev lines (joined, cut, with lone
surrogates). Deterministic (fixed seed), so its digest is a yardstick like the dev sets'.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path


def load_texts(root: Path) -> list[str]:
    texts = []
    for path in sorted(root.glob("*/input_*.jsonl")):
        with path.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] or "" for line in f if line.strip()]
    return texts


def perturb(texts: list[str], seed: int = 7, mixes: int = 1500) -> list[str]:
    rnd = random.Random(seed)
    lines = [line for t in texts for line in t.split("\n")]

    def full_width(s: str) -> str:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and rnd.random() < 0.5 else c for c in s)

    out = []
    for i, t in enumerate(texts):
        out.append(t.replace("\n", "\r\n"))
        out.append(t.upper() if i % 2 else t.swapcase())
        out.append(full_width(t))
        shuffled = t.split("\n")
        rnd.shuffle(shuffled)
        out.append("\n".join(shuffled))
        out.append("\n\n".join(t.split("\n")))
        out.append(t.replace("\n", "\r") if i % 3 == 0 else "  \u3000".join(t.split("\n")[:50]))
    for _ in range(mixes):
        pick = [rnd.choice(lines) for _ in range(rnd.randint(1, 60))]
        pick = [p + " " + rnd.choice(lines) if rnd.random() < 0.1 else p for p in pick]
        pick = [p[: rnd.randint(0, len(p))] if rnd.random() < 0.1 else p for p in pick]
        pick = ["\ud800" + p if rnd.random() < 0.02 else p for p in pick]
        pick = ["  " + p + " \t" if rnd.random() < 0.1 else p for p in pick]
        out.append(rnd.choice(["\n", "\n", "\r\n", "\n\n", "\r", "\n \n"]).join(pick))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    target = args.out / "stress"
    target.mkdir(parents=True, exist_ok=True)
    texts = perturb(load_texts(args.datasets))
    with (target / "input_stress.jsonl").open("w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}) + "\n")
    print(f"{len(texts)} texts -> {target / 'input_stress.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
