"""Repeated blocks: exact and normalised repeats, and blocks contained in an earlier one.

A scraper that captured a page twice (or a template that repeats a teaser) leaves copies;
the first copy is kept. A later block that is a prefix or suffix of an earlier, longer
block (the repeat began or ended mid-paragraph) goes too. Short repeated lines (list items,
labels) under ``Config.dup_min_chars`` are legitimate and kept.
"""

from __future__ import annotations

import functools

import numpy as np

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
    # Most blocks are short (menus, labels): filtered in one comprehension, not the loop (which
    # only ever removes the block at hand, so filtering on ``removed`` first is the same).
    blocks = [b for b in state.doc.blocks
              if len(b.text) >= dup_min and b.index not in removed and not b.text.startswith(_ITEM)]
    for block, norm in zip(blocks, state.rules.norms([b.text for b in blocks]), strict=True):
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


def norms(texts: list[str]) -> list[str]:
    """The comparison key of each text: casefolded, blanks collapsed to single spaces
    (:func:`scrubber.engine._native.norms` computes the same in C)."""
    return [" ".join(text.casefold().split()) for text in texts]


@functools.cache
def casefold_table() -> np.ndarray:
    """Code point (below ``charset.DOMAIN``) -> its casefold when that is one character, else
    0xFFFFFFFF: the native :func:`norms`' table (read-only)."""
    from ..charset import DOMAIN, domain_text

    folded = [ch.casefold() for ch in domain_text()]
    table = np.array([ord(f) if len(f) == 1 else 0xFFFFFFFF for f in folded], dtype=np.uint32)
    assert len(table) == DOMAIN
    table.flags.writeable = False
    return table


def _contained(norm: str, heads: dict[str, list[str]], tails: dict[str, list[str]]) -> bool:
    for earlier in tails.get(norm[-_EDGE:], ()):
        if len(earlier) > len(norm) and earlier.endswith(norm):
            return True
    for earlier in heads.get(norm[:_EDGE], ()):
        if len(earlier) > len(norm) and earlier.startswith(norm):
            return True
    return False
