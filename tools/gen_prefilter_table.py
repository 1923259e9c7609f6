"""Regenerate ``scrubber/engine/_prefilter_table.json``: the prefilter analyses of the
built-in packs' patterns, computed ahead so that ``Scrubber()`` does not redo them.

    python tools/gen_prefilter_table.py

Run it after changing a built-in pack's pattern or ``scrubber/engine/prefilter.py``;
``tests/test_prefilter.py`` fails until the table matches both. Each row is ``[pattern,
required, symbols, starts, chars, atoms, blocked]``: ``required_literals`` without and with
``symbols=True``, ``start_literals``, ``required_chars``, ``charset.consumed_atoms`` and
``charset.common_blocked`` (a str, as a list of its characters); each
answer a list or null.
"""

from __future__ import annotations

import json

from scrubber import Config
from scrubber.engine.charset import compute_atoms, compute_blocked
from scrubber.engine.compile import load_packs
from scrubber.engine.prefilter import TABLE, compute_chars, compute_required, compute_starts


def rows() -> list[list[object]]:
    """Every built-in pattern and its six analyses, sorted by pattern."""
    patterns = sorted({r.pattern for p in load_packs(Config()) for r in p.rules if r.pattern})
    return [[pattern, *(None if a is None else list(a) for a in (
        compute_required(pattern), compute_required(pattern, symbols=True), compute_starts(pattern),
        compute_chars(pattern), compute_atoms(pattern, valid=True), compute_blocked(pattern, valid=True)))]
        for pattern in patterns]


def main() -> None:
    table = rows()
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in table)
    TABLE.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    print(f"wrote {len(table)} rows to {TABLE}")


if __name__ == "__main__":
    main()
