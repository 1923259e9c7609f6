"""Main-content selection: which rendered units are the page's body.

Two voters, both cheap:

* trafilatura (``fast=True``, comments off) runs on the already-parsed tree; its output
  paragraphs are mapped back onto the units by normalised text, walking both in order.
* a text-density vote (readability-style): units of prose score their parent and
  grandparent; the best-scoring container (penalised by its link density) is the body.

``choose`` combines them: trafilatura where it found a body of reasonable size, the
density container where trafilatura found little or (on CJK pages) much less than it.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from .dom import Unit

#: A unit shorter than this must be found close to the previous match (list items, labels).
SHORT = 25
#: How far (characters) after the previous match a short unit may be found.
WINDOW = 400
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_PUNCT = re.compile(r"[,.;:!?，。；：！？、]")


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


def _cjk_chars(text: str) -> int:
    """How many CJK characters ``text`` has (counted by runs: fewer match objects)."""
    return sum(map(len, _CJK.findall(text)))


def _weight(text: str) -> float:
    """Prose weight of a unit: length in 'words' (a CJK character is half a word)."""
    cjk = _cjk_chars(text)
    words = len(text.split()) if cjk < len(text) / 3 else cjk / 2
    return words


def density_vote(units: list[Unit]) -> tuple[list[bool], float]:
    """Units inside the best text-density container, and that container's score."""
    scores: dict[etree._Element, float] = defaultdict(float)
    for unit in units:
        text = unit.text
        if len(text) < 20 or unit.link_chars > 0.3 * len(text) or unit.rule is not None:
            continue
        score = 1.0 + len(_PUNCT.findall(text)) + min(_weight(text) / 20, 3.0)
        el = unit.owner
        if el.tag in ("p", "li", "td", "h2", "h3", "blockquote", "pre", "span", "font", "br"):
            el = el.getparent() if el.getparent() is not None else el
        scores[el] += score
        parent = el.getparent()
        if parent is not None:
            scores[parent] += score / 2
    if not scores:
        return [False] * len(units), 0.0
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:5]
    candidates = {el for el, _ in ranked}
    home: dict[etree._Element, etree._Element | None] = {}
    # The candidate above each candidate, looked up once (every unit walks its chain).
    up = {el: _innermost(el.getparent(), candidates) for el in candidates}
    acc = {el: [0, 0] for el in candidates}
    for unit in units:
        owner = unit.owner
        if owner not in home:
            home[owner] = _innermost(owner, candidates)
        el = home[owner]
        while el is not None:
            acc[el][0] += len(unit.text)
            acc[el][1] += unit.link_chars
            el = up[el]
    best, best_score = None, -1.0
    for el, score in ranked:
        total, link = acc[el]
        adjusted = score * (1 - link / max(total, 1))
        if adjusted > best_score:
            best, best_score = el, adjusted
    mask = []
    for unit in units:
        el = home[unit.owner]
        while el is not None and el is not best:
            el = up[el]
        mask.append(el is not None)
    return mask, best_score


def _innermost(node: etree._Element | None, candidates: set[etree._Element],
               limit: int = 64) -> etree._Element | None:
    """The nearest ancestor-or-self of ``node`` among ``candidates`` (within ``limit`` levels)."""
    for _ in range(limit):
        if node is None or node in candidates:
            return node
        node = node.getparent()
    return None


def chars(units: list[Unit], mask: list[bool]) -> int:
    """Characters of the units selected by ``mask``."""
    return sum(len(u.text) for u, m in zip(units, mask, strict=True) if m)


def is_cjk(units: list[Unit]) -> bool:
    """Mostly CJK text (sampled)."""
    sample = "".join(u.text for u in units[:400])[:20000]
    return _cjk_chars(sample) > 0.3 * max(len(sample), 1)
