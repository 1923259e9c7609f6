"""The title: in text mode the heading-like line just before the body, after the head junk;
in HTML mode a first kept line that repeats the page's title (the headline above the body)."""

from __future__ import annotations

import regex

from ...document import Block
from ..script import token_count
from ..seq import find_is, truthy_bounds
from ..state import State, Verdict

TITLE = Verdict("TITLE-001", "title")
MAX_TITLE_CHARS = 150
_NOT_TITLE_END = regex.compile(r"[,，:：;；、]$")
_SENTENCE_END = regex.compile(r"[.!?。！？:：;；,，、…]$")
_WORD = regex.compile(r"[^\W\d_]+")
#: A first line with no head junk above it is a headline only from this many tokens.
HEADLINE_MIN_TOKENS = 4
_LIST_ITEM = regex.compile(r"^(?:[-*•·▪●|]\s|\d{1,3}[.)、]\s)")


def _headline(cand: Block, alone: bool, first_body: int) -> bool:
    return (
        alone
        and cand.index == first_body - 1
        and token_count(cand.text) >= HEADLINE_MIN_TOKENS
        and not _SENTENCE_END.search(cand.text)
    )


def _title_cased(text: str) -> bool:
    """Headline capitalisation: most longer words start with a capital, no closing period."""
    if len(text) > MAX_TITLE_CHARS or _SENTENCE_END.search(text):  # (cheap tests first)
        return False
    words = [w for w in _WORD.findall(text) if len(w) >= 4]
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def run(state: State) -> None:
    blocks, body, verdict = state.doc.blocks, state.body, state.verdict
    first_body = truthy_bounds(body)[0]
    if first_body < 0 or verdict[first_body] is not None:
        return
    # (The kept blocks are found by list scans in C: most blocks before the body are removed.)
    head = verdict[:first_body]
    if find_is(head, None) < 0:  # nothing kept above the body
        # Extracted text that opens with a Title-Cased headline (which reads as prose to the
        # body test) followed by body: that line is the title.
        second = _next_kept(verdict, first_body + 1)
        if (
            second is not None and _next_kept(verdict, second + 1) is not None and body[second]
            and _title_cased(blocks[first_body].text)
        ):
            state.title = first_body
            verdict[first_body] = TITLE
        return
    cand = blocks[first_body - 1 - head[::-1].index(None)]  # the last kept block above the body
    text = cand.text
    # A title follows the page's head junk (breadcrumbs, menus) that went; in text without
    # such a head (already extracted), only a headline-shaped first line directly above the
    # body counts: a short heading there is more often a subheading of the body.
    above = head[: cand.index]
    after_junk = any(above)
    if not after_junk and not _headline(cand, None not in above, first_body):
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


def _next_kept(verdict: list, start: int) -> int | None:
    """The index of the first kept block from ``start`` on, if any."""
    found = find_is(verdict, None, start)
    return found if found >= 0 else None


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
