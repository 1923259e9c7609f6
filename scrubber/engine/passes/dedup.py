"""Repeated blocks: exact and normalised repeats, and blocks contained in an earlier one.

A scraper that captured a page twice (or a template that repeats a teaser) leaves copies;
the first copy is kept. A later block that is a prefix or suffix of an earlier, longer
block (the repeat began or ended mid-paragraph) goes too. Short repeated lines (list items,
labels) under ``Config.dup_min_chars`` are legitimate and kept, and so are the lines of a
document's own repeated structure (:func:`keep_templates`: the questions of an interview put
to each guest, the same steps under each day of a plan).
"""

from __future__ import annotations

import collections
import functools
import itertools

import numpy as np

from ..state import State, Verdict

try:
    from .._dedup import candidates as _CANDIDATES
    from .._dedup import keep_templates as _KEEP_TEMPLATES
    from .._dedup import uncompared_uniques as _UNCOMPARED_UNIQUES
except ImportError:  # no compiler at install: candidates(), keep_templates() and uncompared_uniques() below
    _CANDIDATES = _KEEP_TEMPLATES = _UNCOMPARED_UNIQUES = None

EXACT = Verdict("DUP-001", "duplicate")
CONTAINED = Verdict("DUP-002", "duplicate")
#: Characters of a key's head and tail that bucket earlier keys for the containment test.
EDGE = 12
#: Earlier blocks compared per head/tail key: bounds the work on adversarial input.
MAX_CANDIDATES = 32
#: A text repeated at least this many times, with a line of the document's own between every
#: two copies, is its template's (:func:`keep_templates`). Twice is too few: in full-page
#: scrapes a teaser listed twice (in "related" and "popular") has other teasers between its
#: copies (measured on the development sets: 37 pages worse, 7 better; with three and two
#: such lines at least, 4 better by +0.61 F1 in all, none worse).
TEMPLATE_MIN_COPIES = 3
#: ... and a document has such a structure only with this many template lines.
TEMPLATE_MIN_LINES = 2


#: List and table items (as extractors mark them) repeat legitimately: specs, tables.
_ITEM = ("- ", "* ", "• ", "| ")


def run(state: State) -> None:
    cfg = state.config
    verdict = state.verdict
    # Most blocks are short (menus, labels): the blocks compared are picked first (in C when
    # the native core runs; the loop below only ever removes the block at hand, so filtering
    # on ``verdict`` first is the same). The native repeats() reads the blocks' characters
    # from the source: most blocks' texts are never cut into a str.
    if _CANDIDATES is not None and state.rules.line_matcher is not None:
        indices, texts = _CANDIDATES(state.doc.blocks, verdict, cfg.dup_min_chars, _ITEM, False)
    else:
        indices, texts = candidates(state, cfg.dup_min_chars)
    if len(texts) < 2:  # (nothing to repeat: short documents are many in ETL runs)
        return
    firsts = [-1] * len(texts)
    found = state.rules.repeats(texts, cfg.contained_min_chars, firsts=firsts)
    if found.count(REPEATED) >= TEMPLATE_MIN_COPIES - 1 and _groups(firsts) >= TEMPLATE_MIN_LINES:
        # (else no text has that many copies, or too few do: keep_templates keeps no repeat,
        # and the short blocks' texts are not cut and counted)
        if _KEEP_TEMPLATES is not None and state.rules.line_matcher is not None:
            between = _UNCOMPARED_UNIQUES(state.doc.blocks, verdict, indices)
            found = _KEEP_TEMPLATES(found, firsts, TEMPLATE_MIN_COPIES, TEMPLATE_MIN_LINES, between)
        else:
            found = keep_templates(found, firsts, uncompared_uniques(state, indices))
    for index, repeat in itertools.compress(zip(indices, found, strict=True), found):
        verdict[index] = EXACT if repeat == REPEATED else CONTAINED


def candidates(state: State, min_chars: int) -> tuple[list[int], list[str]]:
    """``(indices, texts)`` of the blocks compared: not removed yet, at least ``min_chars``
    long, not list or table items (:func:`._dedup.candidates` in C)."""
    blocks = [b for b, v in zip(state.doc.blocks, state.verdict, strict=True)
              if v is None and len(b.text) >= min_chars and not b.text.startswith(_ITEM)]
    return [b.index for b in blocks], [b.text for b in blocks]


def _groups(firsts: list[int]) -> int:
    """How many texts come :data:`TEMPLATE_MIN_COPIES` times or more (``firsts``: each
    repeat's first copy, -1 elsewhere)."""
    repeated = collections.Counter(firsts)
    repeated.pop(-1, None)
    return sum(n + 1 >= TEMPLATE_MIN_COPIES for n in repeated.values())


def uncompared_uniques(state: State, indices: list[int]) -> list[int]:
    """Per block compared (``indices``), how many blocks before it were not compared (too
    short, list items), are not removed and whose text comes once in the document (removed
    copies included: a page captured three times keeps a menu item in one copy that a tail
    rule took in another): the unique blocks :func:`keep_templates` counts besides the
    compared ones (an interview's short answers and guests' names stand between the copies
    of its questions)."""
    compared = set(indices)
    blocks = state.doc.blocks
    times = collections.Counter(b.text for b in blocks)
    unique = np.zeros(len(blocks) + 1, dtype=np.int64)
    for b, v in zip(blocks, state.verdict, strict=True):
        if v is None and times[b.text] == 1 and b.index not in compared:
            unique[b.index + 1] = 1
    before = np.cumsum(unique)  # before[j]: such blocks among the first j
    return [int(before[i]) for i in indices]


#: :func:`repeats`' verdicts.
KEPT, REPEATED, INSIDE = 0, 1, 2


def keep_templates(found: list[int], firsts: list[int], between: list[int] | None = None) -> list[int]:
    """``found`` (:func:`repeats` of the blocks compared; ``firsts``: each repeat's earlier
    copy, -1 elsewhere) with the repeats of every template line made :data:`KEPT`.

    A template line: it comes at least :data:`TEMPLATE_MIN_COPIES` times among the blocks
    compared, and between every two of its copies stands a *unique* block -- compared,
    kept, never repeated, or (``between[i]``: how many there are before compared block
    ``i``, :func:`uncompared_uniques`) a block too short to compare, kept, whose text
    comes once -- and the document has :data:`TEMPLATE_MIN_LINES` such lines. A
    page captured twice or three times has no such line (between two copies of a line lie
    copies of the others); a meal plan's "Eat every 2-3 hours" has each meal's own line
    between its copies, and the plan's other steps beside it; an ad's "Article continues
    below" between every two paragraphs stands alone. (:func:`._dedup.keep_templates` in C.)
    """
    repeated = collections.Counter(firsts)  # first copy -> its repeats (counted in C)
    repeated.pop(-1, None)
    groups = {first for first, n in repeated.items() if n + 1 >= TEMPLATE_MIN_COPIES}
    if not groups:
        return found
    # uniques[i]: unique blocks among the first i compared.
    uniques = [0, *itertools.accumulate(f == KEPT and i not in repeated for i, f in enumerate(found))]
    if between is None:
        between = [0] * len(found)
    last = {first: first for first in groups}  # first copy -> its latest copy so far
    templates = set(groups)  # ... while a unique block stood in every gap so far
    for i, first in enumerate(firsts):
        if first in groups:
            j = last[first]
            if uniques[i] + between[i] == uniques[j + 1] + between[j]:
                templates.discard(first)
            last[first] = i
    # A structure has two such lines at least (each question of the interview, each step of
    # the plan's day); a single one between paragraphs is an interstitial ("Article continues
    # below this ad"), whose copies go.
    if len(templates) < TEMPLATE_MIN_LINES:
        return found
    return [KEPT if first in templates else f for f, first in zip(found, firsts, strict=True)]


def repeats(texts: list[str], contained_min: int, firsts: list[int] | None = None) -> list[int]:
    """Per text, in order: :data:`REPEATED` when its key (:func:`norms`) equals an earlier
    kept text's (whose index goes in ``firsts[i]`` when a list is given), :data:`INSIDE` when
    its key, at least ``contained_min`` long, begins or ends an earlier, longer kept key, else
    :data:`KEPT` (:func:`._dedup.repeats` in C)."""
    if firsts is not None and len(firsts) != len(texts):
        raise ValueError("firsts holds one entry per text")
    seen: dict[str, int] = {}
    heads: dict[str, list[str]] = {}
    tails: dict[str, list[str]] = {}
    out = [KEPT] * len(texts)
    for i, norm in enumerate(norms(texts)):
        first = seen.get(norm)
        if first is not None:
            out[i] = REPEATED
            if firsts is not None:
                firsts[i] = first
            continue
        head, tail = norm[:EDGE], norm[-EDGE:]
        if len(norm) >= contained_min and (head in heads or tail in tails) and _contained(norm, heads, tails):
            out[i] = INSIDE
            continue
        seen[norm] = i
        bucket = heads.get(head)
        if bucket is None:
            heads[head] = [norm]
        elif len(bucket) < MAX_CANDIDATES:
            bucket.append(norm)
        bucket = tails.get(tail)
        if bucket is None:
            tails[tail] = [norm]
        elif len(bucket) < MAX_CANDIDATES:
            bucket.append(norm)
    return out


def norm(text: str) -> str:
    """The comparison key of a text: casefolded, blanks collapsed to single spaces."""
    return " ".join(text.casefold().split())


def norms(texts: list[str]) -> list[str]:
    """:func:`norm` of each text (:func:`scrubber.engine._dedup.norms` computes the same in C)."""
    return [norm(text) for text in texts]


#: :func:`casefold_table` values: no one-character casefold; a casefold that is whitespace.
MULTI, BLANK = 0xFFFFFFFF, 0xFFFFFFFE


@functools.cache
def casefold_table() -> np.ndarray:
    """Code point (below ``charset.DOMAIN``) -> its casefold when that is one character and
    not whitespace, :data:`BLANK` when it is whitespace, else :data:`MULTI`: the native
    :func:`norms`' and :func:`repeats`' table (read-only)."""
    from ..charset import DOMAIN

    # Every character's casefold in one C-level call: the characters joined by a separator
    # no casefold produces, then each casefold's length and (if one) its code point.
    sep = "\U0010ffff"
    joined = np.full(2 * DOMAIN - 1, ord(sep), dtype="<u4")  # (sep.join(domain_text()), 10x faster)
    joined[0::2] = np.arange(DOMAIN)
    text = joined.tobytes().decode("utf-32-le", "surrogatepass")
    folded = np.frombuffer(text.casefold().encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.append(np.flatnonzero(folded == ord(sep)), len(folded))
    starts = np.concatenate(([0], ends[:-1] + 1))
    single = ends - starts == 1
    table = np.full(DOMAIN, MULTI, dtype=np.uint32)
    table[single] = folded[starts[single]]
    spaces = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)
    table[single & np.isin(table, spaces)] = BLANK
    assert len(ends) == DOMAIN
    table.flags.writeable = False
    return table


def _contained(norm: str, heads: dict[str, list[str]], tails: dict[str, list[str]]) -> bool:
    for earlier in tails.get(norm[-EDGE:], ()):
        if len(earlier) > len(norm) and earlier.endswith(norm):
            return True
    for earlier in heads.get(norm[:EDGE], ()):
        if len(earlier) > len(norm) and earlier.startswith(norm):
            return True
    return False
