"""Broken paragraphs: a kept block ending mid-sentence is re-joined with the next kept one.

Fires when a block ends with a comma (``,`` ``，`` ``、``) or, in Latin text, ends without
punctuation and the next block starts with a lowercase letter. The whitespace between the
two halves is replaced by nothing (CJK on either side) or one space; blocks removed in
between (say a "Share this" line) are already removals, so the join covers only the
whitespace around them.
"""

from __future__ import annotations

import itertools

import regex

from ..script import CJK_CLASS
from ..state import State, Verdict

COMMA = Verdict("REPAIR-001", "repair")
LOWER = Verdict("REPAIR-002", "repair")
_CJK = regex.compile(f"[{CJK_CLASS}，、。]")
_COMMA_ENDS = (",", "，", "、")
_LETTER_END = regex.compile(r"[^\W\d_]$")
_LOWER_START = regex.compile(r"^\p{Ll}")
_LIST_START = regex.compile(r"^(?:[-*•·▪●◦|]|\d+[.)、]|[a-z][.)]\s)")
MIN_CHARS = 8


def run(state: State) -> None:
    source = state.doc.source
    blocks = state.doc.blocks
    spans, body = state.spans, state.body
    kept = [b for b, v in zip(blocks, state.verdict, strict=True) if v is None]
    for a, b in itertools.pairwise(kept):
        end = state.effective_end(a) if a.index in spans else a.end
        # ``source[a.start:end].rstrip()`` without copying the block: where its text ends.
        stop = end
        while stop > a.start and source[stop - 1].isspace():
            stop -= 1
        if stop - a.start < MIN_CHARS:
            continue
        last = source[stop - 1]
        if last in _COMMA_ENDS:
            verdict = COMMA
        elif (
            body[a.index]
            and len(b.text) >= MIN_CHARS
            and _LETTER_END.search(last)  # the text is stripped: ``$`` is its very end
            and _LOWER_START.match(b.text)
        ):
            verdict = LOWER
        else:
            continue
        if _LIST_START.match(b.text):
            continue
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
