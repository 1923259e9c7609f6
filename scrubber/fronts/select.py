"""The second opinion on main content: trafilatura, mapped back onto our units.

``scorer.score_units`` decides alone when it is sure (``Config.main_content="auto"``);
otherwise trafilatura (``fast=True``, comments off) runs on the already-parsed tree and its
output paragraphs are mapped back onto the units by normalised text, walking both in
order, and ``html.select_main`` combines the two votes.
"""

from __future__ import annotations

from lxml import etree

from .dom import Unit
from .scorer import cjk_chars

#: A unit shorter than this must be found close to the previous match (list items, labels).
SHORT = 25
#: How far (characters) after the previous match a short unit may be found.
WINDOW = 400


def run_trafilatura(root: etree._Element, url: str | None, comments: bool) -> str:
    """trafilatura's text for the tree ('' when it finds nothing or fails)."""
    import trafilatura

    try:
        text = trafilatura.extract(
            root, url=url or None, fast=True, include_comments=comments,
            include_tables=True, deduplicate=False, with_metadata=False,
        )
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return ""
    return text or ""


def map_text(units: list[Unit], text: str) -> list[bool]:
    """Which units appear in ``text`` (an extractor's output), matched in order."""
    flat = " ".join(text.split())
    found = [False] * len(units)
    cursor = 0
    for i, unit in enumerate(units):
        t = unit.text
        if len(t) < SHORT:
            pos = flat.find(t, cursor, cursor + WINDOW + len(t))
            if pos >= 0 and _whole(flat, pos, len(t)):
                found[i] = True
                cursor = pos + len(t)
            continue
        pos = flat.find(t, cursor)
        if pos < 0:
            pos = flat.find(t)
            if pos < 0:
                key = t[: SHORT * 2]
                pos = flat.find(key, cursor)
                if pos < 0 or flat.find(t[-SHORT * 2 :], pos) < 0:
                    continue
                found[i] = True
                continue
        found[i] = True
        cursor = max(cursor, pos + len(t))
    return found


def _whole(flat: str, pos: int, n: int) -> bool:
    """The match is not inside a longer word (Latin text)."""
    before = flat[pos - 1] if pos > 0 else " "
    after = flat[pos + n] if pos + n < len(flat) else " "
    glued_before = before.isalnum() and flat[pos].isalnum()
    glued_after = after.isalnum() and flat[pos + n - 1].isalnum()
    return not (glued_before or glued_after)


def chars(units: list[Unit], mask: list[bool]) -> int:
    """Characters of the units selected by ``mask``."""
    return sum(len(u.text) for u, m in zip(units, mask, strict=True) if m)


def is_cjk(units: list[Unit]) -> bool:
    """Mostly CJK text (sampled)."""
    sample = "".join(u.text for u in units[:400])[:20000]
    return cjk_chars(sample) > 0.3 * max(len(sample), 1)
