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


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


#: List and table items (as extractors mark them) repeat legitimately: specs, tables.
_ITEM = ("- ", "* ", "• ", "| ")


def run(state: State) -> None:
    cfg = state.config
    seen: set[str] = set()
    heads: dict[str, list[str]] = {}
    tails: dict[str, list[str]] = {}
    for block in state.doc.blocks:
        if block.index in state.removed or len(block.text) < cfg.dup_min_chars:
            continue
        if block.text.startswith(_ITEM):
            continue
        norm = _norm(block.text)
        if norm in seen:
            state.removed[block.index] = EXACT
            continue
        if len(norm) >= cfg.contained_min_chars and _contained(norm, heads, tails):
            state.removed[block.index] = CONTAINED
            continue
        seen.add(norm)
        for index, edge in ((heads, norm[:_EDGE]), (tails, norm[-_EDGE:])):
            bucket = index.setdefault(edge, [])
            if len(bucket) < _MAX_CANDIDATES:
                bucket.append(norm)


def _contained(norm: str, heads: dict[str, list[str]], tails: dict[str, list[str]]) -> bool:
    for earlier in tails.get(norm[-_EDGE:], ()):
        if len(earlier) > len(norm) and earlier.endswith(norm):
            return True
    for earlier in heads.get(norm[:_EDGE], ()):
        if len(earlier) > len(norm) and earlier.startswith(norm):
            return True
    return False
