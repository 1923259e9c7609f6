"""Digest of every output: one sha256 for text mode, one for HTML mode.

    python tools/output_digest.py /path/to/datasets [--sets a,b] [--skip-html]

Runs ``Scrubber().scrub`` over the ``text`` of every record of every ``input_*.jsonl`` and
``Scrubber().scrub_html`` over every ``pages/*.html`` of each set (sorted order), and hashes
``(text, title, flags, [(rule_id, category, start, end, text, replacement), ...])`` of each
result in order. A speed change must leave both digests unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from scrubber import Result, Scrubber


def _feed(h: hashlib._Hash, result: Result) -> None:
    record = (
        result.text,
        result.title,
        list(result.flags),
        [(r.rule_id, r.category, r.start, r.end, r.text, r.replacement) for r in result.removals],
    )
    h.update(json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    h.update(b"\n")


def _sets(root: Path, names: str | None) -> list[Path]:
    if names:
        return [root / n for n in names.split(",")]
    return sorted(p for p in root.iterdir() if p.is_dir())


def text_digest(scrubber: Scrubber, sets: list[Path]) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    for d in sets:
        for path in sorted(d.glob("input_*.jsonl")):
            with path.open(encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        _feed(h, scrubber.scrub(json.loads(line)["text"] or ""))
                        n += 1
    return h.hexdigest(), n


def html_digest(scrubber: Scrubber, sets: list[Path]) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    for d in sets:
        for path in sorted((d / "pages").glob("*.html")):
            _feed(h, scrubber.scrub_html(path.read_bytes()))
            n += 1
    return h.hexdigest(), n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path)
    ap.add_argument("--sets", help="comma-separated set names (default: every directory)")
    ap.add_argument("--skip-html", action="store_true")
    ap.add_argument("--pure", action="store_true", help="use the pure-Python matcher")
    args = ap.parse_args(argv)
    scrubber = Scrubber(_pure=args.pure)
    sets = _sets(args.root, args.sets)
    t0 = time.perf_counter()
    digest, n = text_digest(scrubber, sets)
    print(f"text {digest} ({n} docs, {time.perf_counter() - t0:.1f} s)")
    if not args.skip_html:
        t0 = time.perf_counter()
        digest, n = html_digest(scrubber, sets)
        print(f"html {digest} ({n} pages, {time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
