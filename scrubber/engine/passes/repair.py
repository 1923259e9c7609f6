"""Broken paragraphs: a kept block ending mid-sentence is re-joined with the next one.

Fires when a block ends with a comma (``,`` ``，`` ``、``) or, in Latin text, ends without
punctuation and the next block starts with a lowercase letter. The whitespace between the
two is replaced by nothing (CJK on either side) or one space.
"""

from __future__ import annotations

import itertools

import regex

from ..script import CJK_CLASS
from ..state import State, Verdict

COMMA = Verdict("REPAIR-001", "repair")
LOWER = Verdict("REPAIR-002", "repair")
_CJK = regex.compile(f"[{CJK_CLASS}，、。]")
_COMMA_END = regex.compile(r"[,，、]$")
_LETTER_END = regex.compile(r"[^\W\d_]$")
_LOWER_START = regex.compile(r"^\p{Ll}")
_LIST_START = regex.compile(r"^(?:[-*•·▪●◦]|\d+[.)、]|[a-z][.)]\s)")
MIN_CHARS = 8


def run(state: State) -> None:
    blocks = state.doc.blocks
    source = state.doc.source
    for a, b in itertools.pairwise(blocks):
        if a.index in state.removed or b.index in state.removed:
            continue
        end = state.effective_end(a)
        text = source[a.start : end].rstrip()
        if len(text) < MIN_CHARS or _LIST_START.match(b.text):
            continue
        if _COMMA_END.search(text):
            verdict = COMMA
        elif (
            _LETTER_END.search(text)
            and _LOWER_START.match(b.text)
            and state.body[a.index]
            and len(b.text) >= MIN_CHARS
        ):
            verdict = LOWER
        else:
            continue
        start = max([a.start + len(text)] + [stop for _, stop, _ in state.spans.get(a.index, ())])
        if start >= b.start:
            continue
        cjk = _CJK.match(text[-1]) or _CJK.match(b.text[0])
        state.joins.append((start, b.start, "" if cjk else " ", verdict))
