"""The title: in text mode the heading-like line just before the body, after the head junk;
in HTML mode a first kept line that repeats the page's title (the headline above the body)."""

from __future__ import annotations

import itertools

import regex

from ...document import Block
from ..script import token_count
from ..state import State, Verdict

TITLE = Verdict("TITLE-001", "title")
MAX_TITLE_CHARS = 150
_NOT_TITLE_END = regex.compile(r"[,，:：;；、]$")
_SENTENCE_END = regex.compile(r"[.!?。！？:：;；,，、…]$")
_WORD = regex.compile(r"[^\W\d_]+")
#: A first line with no head junk above it is a headline only from this many tokens.
HEADLINE_MIN_TOKENS = 4
_LIST_ITEM = regex.compile(r"^(?:[-*•·▪●|]\s|\d{1,3}[.)、]\s)")


def _headline(before: list[Block], cand: Block, first_body: int) -> bool:
    return (
        len(before) == 1
        and cand.index == first_body - 1
        and token_count(cand.text) >= HEADLINE_MIN_TOKENS
        and not _SENTENCE_END.search(cand.text)
    )


def _title_cased(text: str) -> bool:
    """Headline capitalisation: most longer words start with a capital, no closing period."""
    words = [w for w in _WORD.findall(text) if len(w) >= 4]
    if len(words) < 3 or _SENTENCE_END.search(text) or len(text) > MAX_TITLE_CHARS:
        return False
    return sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def run(state: State) -> None:
    blocks = state.doc.blocks
    if True not in state.body:
        return
    first_body = state.body.index(True)
    verdict = state.verdict
    if verdict[first_body] is not None:
        return
    # The first three kept blocks are all the test below reads.
    kept = list(itertools.islice((b for b, v in zip(blocks, verdict, strict=True) if v is None), 3))
    # Extracted text that opens with a Title-Cased headline (which reads as prose to the body
    # test) followed by body: that line is the title.
    if (
        len(kept) >= 3 and kept[0].index == first_body and state.body[kept[1].index]
        and _title_cased(kept[0].text)
    ):
        state.title = kept[0].index
        verdict[kept[0].index] = TITLE
        return
    before = [b for b, v in zip(blocks[:first_body], verdict, strict=False) if v is None]
    if not before:
        return
    cand = before[-1]
    text = cand.text
    # A title follows the page's head junk (breadcrumbs, menus) that went; in text without
    # such a head (already extracted), only a headline-shaped first line directly above the
    # body counts: a short heading there is more often a subheading of the body.
    after_junk = any(verdict[: cand.index])
    if not after_junk and not _headline(before, cand, first_body):
        return
    if _LIST_ITEM.match(text) or "://" in text:
        return
    if len(text) > MAX_TITLE_CHARS or _NOT_TITLE_END.search(text) or token_count(text) < 2:
        return
    paragraphs = blocks[-1].para > 0
    if paragraphs and blocks[first_body].para == cand.para:
        return
    state.title = cand.index
    verdict[cand.index] = TITLE


def run_html(state: State) -> None:
    """HTML mode: the first kept line, when it is the page's title, moves into the title.

    The front end found the title in the markup (``og:title``, ``<title>``, ``<h1>``); the
    headline is usually also the first line of the main content, and printed twice otherwise.
    """
    title = state.doc.title
    if not title:
        return
    first = next((b for b, v in zip(state.doc.blocks, state.verdict, strict=True) if v is None), None)
    if first is not None and " ".join(first.text.split()) == " ".join(title.split()):
        state.title = first.index
        state.verdict[first.index] = TITLE
