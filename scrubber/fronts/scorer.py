"""Our own main-content scorer: which rendered units are the page's body, in one pass.

Readability's idea, made to fit the signals ``dom.render`` already has:

1. every unit of prose scores its container (the parent of a ``p``/``li``/...) fully and
   the container's parent by half; link text counts against it, and so does a DOM rule
   around it (half weight; reader comments never count) -- unless the rule's element is a
   page-wide wrapper holding a good share of the page, or the unit is long link-free prose
   (class names lie: a ``cookie``/``nav`` class on the article wrapper is common);
2. class/id hints scale a container's score (``article``, ``content``, ``正文``... up;
   ``sidebar``, ``related``, ``footer``... down);
3. the best container by score times (1 - its link density) wins; it is promoted to a
   near ancestor when that ancestor also holds two strong rivals (a body cut into columns
   or sections), and its siblings holding a good share of its prose, or a paragraph of
   their own, join it (below the headline);
4. link blocks inside it (next/previous teasers) are dropped, and a standfirst just above
   it (prose, few links, no headline in between) joins it.

The result carries how sure it is (``Vote.rival``: the best unrelated rival's score as a
share of the winner's), so the caller can consult a second opinion only when unsure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lxml import etree

from .dom import Unit

#: Units shorter than this do not vote.
MIN_VOTE = 20
#: A unit with more than this share of link text does not vote.
MAX_LINK_SHARE = 0.3
#: A DOM rule element holding this share of the page's text is a wrapper, not boilerplate.
WRAPPER_SHARE = 0.25
#: A unit this long with under 10% links votes fully even under a DOM rule.
PROSE_CHARS = 200
#: Weight of a unit's vote under a (non-wrapper, non-comment) DOM rule.
RULE_WEIGHT = 0.5
#: Class/id hint factors.
POSITIVE, NEGATIVE = 1.3, 0.4
#: Promotion: rivals scoring this share of the winner, inside an ancestor up to PROMOTE_UP
#: levels above it, at least PROMOTE_RIVALS of them.
PROMOTE_SHARE, PROMOTE_UP, PROMOTE_RIVALS = 0.5, 4, 2
#: A sibling of the winner holding this share of its prose joins it.
SIBLING_SHARE = 0.2
#: Standfirst: how many units above the body are looked at, and what counts as one.
LEAD_LOOKBACK, LEAD_CHARS, LEAD_SKIP = 6, 80, 40
#: Link blocks inside the body: at most this many levels below it, at least this share of
#: link text, at most this long.
PRUNE_UP, PRUNE_LINK_SHARE, PRUNE_MAX_CHARS = 6, 0.33, 1000
#: Ancestors a unit's vote reaches in the subtree totals (siblings, promotion).
DEPTH = 10
#: Tags whose parent is the container that collects their votes.
_LEAF = frozenset(["p", "li", "td", "h2", "h3", "blockquote", "pre", "span", "font", "br"])
_POS = re.compile(r"article|content|entry|post|story|main|text|body|正文|detail|news", re.I)
_NEG = re.compile(
    r"comment|sidebar|footer|related|widget|share|promo|nav|menu|ticker|breaking|recommend"
    r"|tags?\b|meta", re.I)
#: The page itself: as a container, only its span of prose is the body.
_PAGE = frozenset(["body", "html"])
_PUNCT = re.compile(r"[,.;:!?，。；：！？、．｡､،؛؟۔।॥]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


@dataclass(frozen=True, slots=True)
class Vote:
    """The scorer's choice: a mask over the units, its score and how contested it was."""

    mask: list[bool]
    score: float
    #: The best candidate outside the winner's line (neither ancestor nor descendant), as
    #: a share of the winner's adjusted score: 0 uncontested, near 1 a toss-up.
    rival: float

    def chars(self, units: list[Unit]) -> int:
        """Characters of the selected units."""
        return sum(len(u.text) for u, m in zip(units, self.mask, strict=True) if m)


def cjk_chars(text: str) -> int:
    """How many CJK characters ``text`` has (counted by runs: fewer match objects)."""
    return sum(map(len, _CJK.findall(text)))


def _weight(text: str) -> float:
    """Prose weight of a unit: length in 'words' (a CJK character is half a word)."""
    cjk = cjk_chars(text)
    return len(text.split()) if cjk < len(text) / 3 else cjk / 2


def _wrappers(units: list[Unit]) -> set[etree._Element]:
    total = 0
    per: dict[etree._Element, int] = defaultdict(int)
    for u in units:
        total += len(u.text)
        if u.rule_el is not None and u.rule is not None and u.rule.category != "comments":
            per[u.rule_el] += len(u.text)
    return {el for el, n in per.items() if n >= WRAPPER_SHARE * total}


def _unit_score(unit: Unit, wrappers: set[etree._Element]) -> float:
    text, n = unit.text, len(unit.text)
    if n < MIN_VOTE or unit.link_chars > MAX_LINK_SHARE * n:
        return 0.0
    weight = 1.0
    if unit.rule is not None:
        if unit.rule.category == "comments":
            return 0.0
        prose = n >= PROSE_CHARS and unit.link_chars < 0.1 * n
        if unit.rule_el not in wrappers and not prose:
            weight = RULE_WEIGHT
    score = 1.0 + len(_PUNCT.findall(text)) + min(_weight(text) / 20, 3.0)
    return weight * score * (1 - unit.link_chars / n) ** 2


def _hint(el: etree._Element) -> float:
    if el.tag in ("article", "main") or el.get("itemprop") == "articleBody":
        return POSITIVE
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    factor = POSITIVE if _POS.search(names) else 1.0
    return factor * NEGATIVE if _NEG.search(names) else factor


def _within(el: etree._Element | None, ancestor: etree._Element, limit: int = 64) -> bool:
    for _ in range(limit):
        if el is None:
            return False
        if el is ancestor:
            return True
        el = el.getparent()
    return False


def score_units(units: list[Unit]) -> Vote:
    """Score the page's containers and select the body (see the module docstring)."""
    wrappers = _wrappers(units)
    scores: dict[etree._Element, float] = defaultdict(float)
    deep: dict[etree._Element, float] = defaultdict(float)  # subtree totals, DEPTH levels up
    for unit in units:
        score = _unit_score(unit, wrappers)
        if not score:
            continue
        el: etree._Element | None = unit.owner
        for _ in range(DEPTH):
            if el is None:
                break
            deep[el] += score
            el = el.getparent()
        el = unit.owner
        if el.tag in _LEAF and el.getparent() is not None:
            el = el.getparent()
        scores[el] += score
        parent = el.getparent()
        if parent is not None:
            scores[parent] += score / 2
    if not scores:
        return Vote([False] * len(units), 0.0, 0.0)
    for el in scores:
        scores[el] *= _hint(el)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:5]
    adjusted = _link_adjusted(units, ranked)
    best = max(ranked, key=lambda kv: adjusted[kv[0]])[0]
    best_score = adjusted[best]
    rivals = [adjusted[el] for el, _ in ranked if not _within(el, best) and not _within(best, el)]
    rival = max(rivals) / best_score if rivals and best_score > 0 else 0.0
    promoted = _promote(best, ranked, scores)
    # A body cut in sections, or laid flat in the page: its ancestor's children from the
    # first to the last holding prose (a header above and a footer below are not body).
    core = _prose_span(promoted, deep) if promoted is not best or best.tag in _PAGE else {best}
    best = promoted
    chosen = core | (_grow(best, deep, units) - {best})
    mask = _under(units, chosen)
    if len(chosen) > len(core):
        # Siblings join below the headline only (the first ``h1``): above it is not body.
        h1 = next((i for i, u in enumerate(units) if u.tag == "h1"), 0)
        mask[:h1] = _under(units[:h1], core)
    _prune_link_blocks(units, mask, chosen)
    _add_lead(units, mask)
    return Vote(mask, best_score, rival)


def _link_adjusted(units: list[Unit], ranked: list[tuple[etree._Element, float]]
                   ) -> dict[etree._Element, float]:
    """Each candidate's score times (1 - link density of everything under it)."""
    totals = {el: [0, 0] for el, _ in ranked}
    for unit, above in zip(units, _marks_above(units, set(totals)), strict=True):
        for el in above:
            totals[el][0] += len(unit.text)
            totals[el][1] += unit.link_chars
    return {el: score * (1 - totals[el][1] / max(totals[el][0], 1)) for el, score in ranked}


def _marks_above(units: list[Unit], targets: set[etree._Element]) -> list[tuple[etree._Element, ...]]:
    """Per unit, the ``targets`` among its owner and the owner's ancestors.

    Each element's answer is computed once (the walk up stops at the first element already
    answered), so a page costs its number of elements, not units times depth.
    """
    memo: dict[etree._Element, tuple[etree._Element, ...]] = {}
    out = []
    for unit in units:
        owner = unit.owner
        if owner not in memo:
            path = []
            node: etree._Element | None = owner
            while node is not None and node not in memo:
                path.append(node)
                node = node.getparent()
            above = memo[node] if node is not None else ()
            for el in reversed(path):
                if el in targets:
                    above = (*above, el)
                memo[el] = above
        out.append(memo[owner])
    return out


def _promote(best: etree._Element, ranked: list[tuple[etree._Element, float]],
             scores: dict[etree._Element, float]) -> etree._Element:
    """A near ancestor of ``best`` that also holds strong rivals (a body cut in sections)."""
    others = [el for el, score in ranked
              if el is not best and score >= PROMOTE_SHARE * scores[best]
              and not _within(el, best) and not _within(best, el)]
    node = best.getparent()
    for _ in range(PROMOTE_UP):
        if node is None or not others:
            break
        if sum(1 for el in others if _within(el, node)) >= PROMOTE_RIVALS:
            return node
        node = node.getparent()
    return best


def _prose_span(node: etree._Element, deep: dict[etree._Element, float]) -> set[etree._Element]:
    """The children of ``node`` from the first to the last one holding prose."""
    children = [c for c in node if isinstance(c.tag, str)]
    holding = [i for i, c in enumerate(children) if deep.get(c, 0.0) > 0]
    return set(children[holding[0] : holding[-1] + 1]) if holding else {node}


def _prose_boxes(units: list[Unit], boxes: list[etree._Element]) -> set[etree._Element]:
    """The ``boxes`` holding nothing but link-free paragraphs of prose (at least one)."""
    verdict: dict[etree._Element, bool] = {}
    for unit, above in zip(units, _marks_above(units, set(boxes)), strict=True):
        n = len(unit.text)
        prose = n >= LEAD_CHARS and unit.link_chars < 0.1 * n and (
            unit.rule is None or unit.rule.category != "comments")
        for box in above:
            verdict[box] = verdict.get(box, True) and prose
    return {box for box, ok in verdict.items() if ok}


def _grow(best: etree._Element, deep: dict[etree._Element, float],
          units: list[Unit]) -> set[etree._Element]:
    """``best`` and its siblings holding a good share of its prose or only prose paragraphs,
    and any sibling with prose between two of those (no holes in the body)."""
    parent = best.getparent()
    if parent is None:
        return {best}
    floor = SIBLING_SHARE * deep.get(best, 0.0)
    siblings = [c for c in parent if isinstance(c.tag, str)]
    paragraphs = _prose_boxes(units, [c for c in siblings if c is not best])
    picked = [i for i, c in enumerate(siblings)
              if c is best or deep.get(c, 0.0) >= floor > 0 or c in paragraphs]
    return {c for c in siblings[picked[0] : picked[-1] + 1]
            if c is best or deep.get(c, 0.0) > 0 or c in paragraphs}


def _under(units: list[Unit], chosen: set[etree._Element]) -> list[bool]:
    """Which units lie inside one of ``chosen``."""
    return [bool(above) for above in _marks_above(units, chosen)]


def _prune_link_blocks(units: list[Unit], mask: list[bool], roots: set[etree._Element]) -> None:
    """Unselect link blocks inside the body (next/previous teasers, 'read more' boxes)."""
    agg: dict[etree._Element, list[int]] = {}
    for unit, selected in zip(units, mask, strict=True):
        if not selected:
            continue
        n = len(unit.text)
        linky = unit.link_chars >= 0.5 * n
        el: etree._Element | None = unit.owner
        for _ in range(PRUNE_UP):
            if el is None or el in roots:
                break
            a = agg.setdefault(el, [0, 0, 0])
            a[0] += n
            a[1] += unit.link_chars
            a[2] += linky
            el = el.getparent()
    pruned = {el for el, (n, link, linky) in agg.items()
              if linky >= 2 and link >= PRUNE_LINK_SHARE * n and n <= PRUNE_MAX_CHARS}
    if not pruned:
        return
    for i, unit in enumerate(units):
        if mask[i]:
            el = unit.owner
            for _ in range(PRUNE_UP):
                if el is None or el in roots:
                    break
                if el in pruned:
                    mask[i] = False
                    break
                el = el.getparent()


def _add_lead(units: list[Unit], mask: list[bool]) -> None:
    """Select the standfirst: prose units just above the body, up to a headline or links."""
    first = next((i for i, m in enumerate(mask) if m), None)
    if first is None:
        return
    for j in range(first - 1, max(first - 1 - LEAD_LOOKBACK, -1), -1):
        unit = units[j]
        n = len(unit.text)
        if unit.tag == "h1" or unit.link_chars >= MAX_LINK_SHARE * n:
            return
        if n >= LEAD_CHARS and unit.link_chars < 0.1 * n and (
            unit.rule is None or unit.rule.category not in ("navigation", "footer", "comments")
        ):
            mask[j] = True
        elif n >= LEAD_SKIP:
            return
