"""Broken paragraphs: a kept block ending mid-sentence is re-joined with the next kept one.

Fires when a block ends with a comma (``,`` ``，`` ``、``) or, in Latin text, ends without
punctuation and the next block starts with a lowercase letter. The whitespace between the
two halves is replaced by nothing (CJK on either side) or one space; blocks removed in
between (say a "Share this" line) are already removals, so the join covers only the
whitespace around them.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import regex

from ...document import Block
from ..script import CJK_CLASS
from ..state import State, Verdict

try:
    from .._passes import repair_pairs as _NATIVE_PAIRS
except ImportError:  # no compiler at install: every pair of kept blocks is tested
    _NATIVE_PAIRS = None

COMMA = Verdict("REPAIR-001", "repair")
LOWER = Verdict("REPAIR-002", "repair")
_CJK = regex.compile(f"[{CJK_CLASS}，、。]")
_COMMA_ENDS = (",", "，", "、")
# The classes of the test, each once: the regexes and the native core's table are built from them.
_LETTER = r"[^\W\d_]"
_LOWER = r"\p{Ll}"
_LETTER_END = regex.compile(f"{_LETTER}$")
_LOWER_START = regex.compile(f"^{_LOWER}")
_LIST_START = regex.compile(r"^(?:[-*•·▪●◦|]|\d+[.)、]|[a-z][.)]\s)")
MIN_CHARS = 8


@functools.cache
def repair_table() -> np.ndarray:
    """Code point (below ``charset.DOMAIN``) -> bits of the classes the test reads: 1 a comma
    end, 2 a letter (``_LETTER``), 4 a lowercase letter (``_LOWER``): the native
    :func:`~scrubber.engine._passes.repair_pairs`' table (read-only)."""
    from ..charset import DOMAIN, members

    table = np.zeros(DOMAIN, dtype=np.uint8)
    table[[ord(c) for c in _COMMA_ENDS]] |= 1
    table[members(_LETTER)] |= 2
    table[members(_LOWER)] |= 4
    table.flags.writeable = False
    return table


def run(state: State) -> None:
    source = state.doc.source
    blocks = state.doc.blocks
    spans, body = state.spans, state.body
    if _NATIVE_PAIRS is not None and state.rules.line_matcher is not None:
        # Only the pairs broken() may accept (most pairs fail it on their last character).
        pairs = _NATIVE_PAIRS(source, blocks, state.verdict, body, spans, repair_table(), MIN_CHARS)
    else:
        pairs = itertools.pairwise([b for b, v in zip(blocks, state.verdict, strict=True) if v is None])
    for a, b in pairs:
        found = broken(state, a, b)
        if found is None or _LIST_START.match(b.text):
            continue
        stop, verdict = found
        last = source[stop - 1]
        start = max([stop] + [s for _, s, _ in spans.get(a.index, ())])
        cjk = _CJK.match(last) or _CJK.match(b.text[0])
        replacement = "" if cjk else " "
        # The gaps between a and b not already removed (removed blocks lie in between).
        for between in blocks[a.index + 1 : b.index]:
            if start < between.line_start:
                state.joins.append((start, between.line_start, replacement, verdict))
                replacement = ""
            start = max(start, between.line_end)
        if start < b.start:
            state.joins.append((start, b.start, replacement, verdict))


def broken(state: State, a: Block, b: Block) -> tuple[int, Verdict] | None:
    """Does kept block ``a`` end mid-sentence before the next kept block ``b``? Where ``a``'s
    text ends (its spans cut, whitespace stripped) and the repair, or None: a comma end; or,
    in body text, a letter end before ``b``'s lowercase start (both halves ``MIN_CHARS``
    long). :func:`~scrubber.engine._passes.repair_pairs` drops the pairs this rejects, in C."""
    source = state.doc.source
    end = state.effective_end(a) if a.index in state.spans else a.end
    # ``source[a.start:end].rstrip()`` without copying the block: where its text ends.
    stop = end
    while stop > a.start and source[stop - 1].isspace():
        stop -= 1
    if stop - a.start < MIN_CHARS:
        return None
    last = source[stop - 1]
    if last in _COMMA_ENDS:
        return stop, COMMA
    if (
        state.body[a.index]
        and len(b.text) >= MIN_CHARS
        and _LETTER_END.search(last)  # the text is stripped: ``$`` is its very end
        and _LOWER_START.match(b.text)
    ):
        return stop, LOWER
    return None
