"""Repeated blocks: exact and normalised repeats, and blocks contained in an earlier one.

A scraper that captured a page twice (or a template that repeats a teaser) leaves copies;
the first copy is kept. A later block that is a prefix or suffix of an earlier, longer
block (the repeat began or ended mid-paragraph) goes too. Short repeated lines (list items,
labels) under ``Config.dup_min_chars`` are legitimate and kept.
"""

from __future__ import annotations

from ..state import State, Verdict

EXACT = Verdict("DUP-001", "duplicate")
CONTAINED = Verdict("DUP-002", "duplicate")
_EDGE = 12
#: Earlier blocks compared per head/tail key: bounds the work on adversarial input.
_MAX_CANDIDATES = 32


#: List and table items (as extractors mark them) repeat legitimately: specs, tables.
_ITEM = ("- ", "* ", "• ", "| ")


def run(state: State) -> None:
    cfg = state.config
    removed = state.removed
    dup_min, contained_min = cfg.dup_min_chars, cfg.contained_min_chars
    seen: set[str] = set()
    heads: dict[str, list[str]] = {}
    tails: dict[str, list[str]] = {}
    # Most blocks are short (menus, labels): filtered in one comprehension, not the loop.
    for block in [b for b in state.doc.blocks if len(b.text) >= dup_min]:
        text = block.text
        if block.index in removed or text.startswith(_ITEM):
            continue
        norm = " ".join(text.casefold().split())
        if norm in seen:
            removed[block.index] = EXACT
            continue
        head, tail = norm[:_EDGE], norm[-_EDGE:]
        if len(norm) >= contained_min and (head in heads or tail in tails) and _contained(norm, heads, tails):
            removed[block.index] = CONTAINED
            continue
        seen.add(norm)
        bucket = heads.get(head)
        if bucket is None:
            heads[head] = [norm]
        elif len(bucket) < _MAX_CANDIDATES:
            bucket.append(norm)
        bucket = tails.get(tail)
        if bucket is None:
            tails[tail] = [norm]
        elif len(bucket) < _MAX_CANDIDATES:
            bucket.append(norm)


def _contained(norm: str, heads: dict[str, list[str]], tails: dict[str, list[str]]) -> bool:
    for earlier in tails.get(norm[-_EDGE:], ()):
        if len(earlier) > len(norm) and earlier.endswith(norm):
            return True
    for earlier in heads.get(norm[:_EDGE], ()):
        if len(earlier) > len(norm) and earlier.startswith(norm):
            return True
    return False
