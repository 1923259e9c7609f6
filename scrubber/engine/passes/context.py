"""Context pass (text mode): keep the body cluster(s), drop the menus and lists around them.

Full-page scrapes are menus, link lists and footers around a run of prose. Each kept block
is *body* (``State.body``: long prose), *weak* (a short sentence ending in sentence
punctuation, or a list/table item marked as such by an extractor: ``- ``, ``1)``, ``| ``),
*data* (one of two or more lines in a row that are labelled values holding a number --
``成人票原价：165元``, ``Phone: 555-0100`` -- or hold three numbers or more -- ``1 Kyle Busch
5040 5 1 17 27``: the rows of a price list, a spec sheet, a league table or a timetable)
or *noise* (everything else: menu entries, link titles, labels).

The pass runs only on documents that look like full-page scrapes: at least ``MIN_NOISE``
noise blocks making up ``MIN_NOISE_SHARE`` of all blocks, with at least ``MIN_RULE_HITS``
blocks already removed by the rules and repeats, ``MIN_OWN_RULE_HITS`` of them by the rules
(measured on the development sets: full-page text has a median of 14-50 rule removals,
extracted text 0-2; a page's menus and footers always leave some rule removal, where an
extractor's output of a page with repeated structure may leave only repeats) -- or, where
the rules found less (a page in a language no pack covers: its menus match no rule), at
least ``NOISY_MIN_NOISE`` noise blocks making up ``NOISY_MIN_SHARE`` of all blocks and
``NOISY_MIN_OWN_RULE_HITS`` removals by the rules. Already extracted text is left to the
rules. Then:

* a run of ``RUN`` or more consecutive noise blocks is a menu or link list (CTX-002); a data
  line ends a run (menus are words; a table of prices inside an article is not a menu), and
  so does a list the article introduces ("Tour dates:" and a line of four words or more
  per date: :func:`items_in_article`);
* body blocks form clusters (a cluster ends where more than ``MAX_GAP`` noise blocks
  separate two body blocks: a table between two paragraphs does not split them; a short
  body block that ends no sentence -- a teaser's headline -- is noise here, unless without
  the headlines no cluster holds ``MIN_BODY_CHARS``); clusters holding at least
  ``KEEP_SHARE`` of the largest one's text are the article, and every block before the
  first or after the last of them goes (CTX-001). Data lines still count as noise in the
  test of a full-page scrape.
Short lines *inside* the article (subheadings, captions, list items, data rows) stay.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import regex

from ...document import Block
from ..script import CJK
from ..seq import count_is
from ..state import State, Verdict
from . import dedup

try:
    from .. import _passes as _NATIVE
except ImportError:  # no compiler at install: the Python functions below
    _NATIVE = None

OUTSIDE = Verdict("CTX-001", "boilerplate")
RUNS = Verdict("CTX-002", "boilerplate")
RUN = 3
MAX_GAP = 3
KEEP_SHARE = 0.25
MIN_NOISE = 16
MIN_NOISE_SHARE = 0.45
MIN_RULE_HITS = 8
#: ... of which at least this many by the rules (not repeats, not the headline moved into the
#: title): trafilatura's output of a meal plan (scrapinghub 5f03fc17: 14 repeats, no rule
#: removal) lost its short rows as "menus" (F1 0.728 -> 0.927 with this test). A full-page
#: scrape's menus and footers always leave some rule removal.
MIN_OWN_RULE_HITS = 1
#: The other test of a full-page scrape, for pages the rules know less of (a Korean or
#: Portuguese news page: its copyright line removed, its menus not): this many noise blocks,
#: this share of all blocks, this many removals by the rules. Measured on the development
#: texts: 7 full-page texts better (+1.335 F1), none worse; 25 noise blocks instead of 40
#: took the short sections of two extracted texts (scrapinghub 52111884, -0.112), and
#: without the rule removals an extracted meal plan (5f03fc17, -0.199).
NOISY_MIN_NOISE = 40
NOISY_MIN_SHARE = 0.5
NOISY_MIN_OWN_RULE_HITS = 2
#: Below this much body text (the largest cluster) there is no article to anchor on: a page
#: with only teasers and labels is left to the rules rather than emptied. (200 until
#: 2026-11-30: Chinese articles of one or two paragraphs -- a poem and its note, a
#: one-paragraph news brief -- were then left whole, menus and all. On the development
#: sets every value from 60 to 100 gives the same output; 150 keeps two of those pages.)
MIN_BODY_CHARS = 100
# The classes of _WEAK, each once: the regexes and the native core's table are built from them.
_ITEM_MARK = "[-*•·▪●|]"
_NUMBER_END = "[.)、]"
_SENTENCE_END = "[.!?。！？…]"
_CLOSER = "[\"'”’」』)）]"
_CLAUSE_END = "[:：;；]"
_WEAK = regex.compile(rf"^(?:{_ITEM_MARK}\s|\d{{1,3}}{_NUMBER_END}\s?\S)|{_SENTENCE_END}{_CLOSER}?$")
# _WEAK as two tests: its first branch at the start, its second on the last three characters
# (all a match of ``[...][...]?$`` can take), so that long lines are not scanned.
_WEAK_HEAD = regex.compile(rf"(?:{_ITEM_MARK}\s|\d{{1,3}}{_NUMBER_END}\s?\S)")
_WEAK_TAIL = regex.compile(rf"{_SENTENCE_END}{_CLOSER}?$")
#: A body block shorter than this that does not end a sentence or clause is a headline (a
#: teaser link's title: "资本动态|拉夏贝尔产品掺假遭行政处罚，资金链捉襟见肘", long and
#: punctuated enough for the prose test) rather than a paragraph, for the clusters.
HEADLINE_MAX_CHARS = 40
#: A list inside the article (:func:`items_in_article`): each line this many words or CJK
#: characters at least, this long at most, after a line ending in one of these.
ITEM_MIN_WORDS = 4
ITEM_MIN_CJK = 10
ITEM_MAX_CHARS = 200
_INTRO_ENDS = (":", "：", "…", "...")
_BODY_END = regex.compile(rf"(?:{_SENTENCE_END}|{_CLAUSE_END}){_CLOSER}*$")


#: A data line's label: a letter, then letters or spaces, this many characters at most ...
DATA_LABEL = 12
#: ... then ``:`` or ``：`` (not ``://``), and a digit within this many characters after it;
DATA_REACH = 61
#: or this many numbers at least (:func:`number`), among its blank-separated words. A data
#: line is at most ``DATA_MAX_CHARS`` long (a table's row, not a paragraph quoting figures;
#: and the native test then reads no more than that of any block).
DATA_NUMBERS = 3
DATA_MAX_CHARS = 100
_SIGNS, _CURRENCIES, _NUMBER_INSIDE, _NUMBER_ENDS = "-+(", "$€£¥", ".,:/%-", "%)"


def number(word: str) -> bool:
    """``word`` is a number: ``[-+(]?[$€£¥]?\\d[\\d.,:/%-]*[%)]?`` (``str.isdecimal`` for
    ``\\d``): ``5040``, ``-12.99``, ``$2.8``, ``-5.44%``, ``11:00-18:00``, ``2019-11-20``."""
    n, i = len(word), 0
    if i < n and word[i] in _SIGNS:
        i += 1
    if i < n and word[i] in _CURRENCIES:
        i += 1
    if i == n or not word[i].isdecimal():
        return False
    i += 1
    while i < n and (word[i].isdecimal() or word[i] in _NUMBER_INSIDE):
        i += 1
    if i < n and word[i] in _NUMBER_ENDS:
        i += 1
    return i == n


def data_row(text: str) -> bool:
    """A labelled value holding a number, ``^\\p{L}[\\p{L} ]{0,11}[:：](?!//).{0,60}\\d`` (with
    ``str.isalpha`` for ``\\p{L}`` and ``str.isdecimal`` for ``\\d``: the native core's very
    tests), or a line of :data:`DATA_NUMBERS` numbers or more among its words
    (``str.split``); at most :data:`DATA_MAX_CHARS` long."""
    return len(text) <= DATA_MAX_CHARS and (_labelled(text) or sum(map(number, text.split())) >= DATA_NUMBERS)


def _labelled(text: str) -> bool:
    """The labelled form of :func:`data_row`."""
    n = len(text)
    i = 0
    while i < n and i <= DATA_LABEL and (text[i].isalpha() or text[i] == " "):
        i += 1
    if i == 0 or i > DATA_LABEL or not text[0].isalpha() or i == n or text[i] not in ":：":
        return False
    if text.startswith("//", i + 1):
        return False
    return any(c.isdecimal() for c in text[i + 1 : i + 1 + DATA_REACH])


def weak(text: str) -> bool:
    """``_WEAK.search(text)``: a list/table item, or a line ending a sentence."""
    return _WEAK_HEAD.match(text) is not None or _WEAK_TAIL.search(text[-3:]) is not None


@functools.cache
def weak_table() -> np.ndarray:
    """Code point (below ``charset.DOMAIN``) -> bits of the classes :func:`weak` reads: 1
    ``\\s``, 2 ``\\d``, 4 an item mark, 8 a number's end, 16 a sentence end, 32 a closer, 64 a
    clause end (``:`` ``;``, for :func:`demote_headlines`) (the
    native :func:`~scrubber.engine._passes.context_kinds`' table; read-only)."""
    from ..charset import DOMAIN, members

    table = np.zeros(DOMAIN, dtype=np.uint8)
    for bit, atom in ((1, r"\s"), (2, r"\d"), (4, _ITEM_MARK), (8, _NUMBER_END), (16, _SENTENCE_END),
                      (32, _CLOSER), (64, _CLAUSE_END)):
        table[members(atom)] |= bit
    table.flags.writeable = False
    return table


BODY, WEAK, NOISE, DATA = 0, 1, 2, 3
_NOISE_RUN = re.compile(b"%c{%d,}" % (NOISE, RUN))


def classify(state: State) -> bytes:
    """Kind of every block, in document order: BODY, WEAK, DATA or NOISE (removed blocks:
    NOISE, so that a menu whose lines the rules already took still counts as a menu)."""
    verdict, body = state.verdict, state.body
    blocks = state.doc.blocks
    kinds = bytearray([
        NOISE if v is not None else BODY if is_body else WEAK if weak(b.text) else DATA if data_row(b.text)
        else NOISE
        for b, v, is_body in zip(blocks, verdict, body, strict=True)
    ])
    # A table has rows: a data line with no data line beside it is noise (a teaser link or a
    # tag line that happens to read "label: number").
    last = len(kinds) - 1
    for i in [i for i, kind in enumerate(kinds) if kind == DATA]:
        if (i == 0 or kinds[i - 1] != DATA) and (i == last or kinds[i + 1] != DATA):
            kinds[i] = NOISE
    return bytes(kinds)


def demote_headlines(state: State, kinds: bytes) -> bytes:
    """``kinds`` with every BODY block shorter than :data:`HEADLINE_MAX_CHARS` that ends no
    sentence or clause (``_BODY_END``) made WEAK (when :func:`weak`) or NOISE: the kinds the
    clusters are found on first (:func:`._passes.demote_headlines` in C)."""
    blocks = state.doc.blocks
    out = bytearray(kinds)
    for i in [i for i, kind in enumerate(kinds) if kind == BODY]:
        text = blocks[i].text
        if len(text) < HEADLINE_MAX_CHARS and not _BODY_END.search(text):
            out[i] = WEAK if weak(text) else NOISE
    return bytes(out)


def clusters(state: State, kinds: bytes, max_gap: int = MAX_GAP) -> list[tuple[int, int, int]]:
    """``(first_block, last_block, body_chars)`` of each run of body blocks (a run ends where
    more than ``max_gap`` noise blocks follow a body block; weak and data blocks do not
    count)."""
    out: list[tuple[int, int, int]] = []
    blocks = state.doc.blocks
    gap = 0
    for index, kind in enumerate(kinds):
        if kind == NOISE:
            gap += 1
        if kind != BODY:
            continue
        size = len(blocks[index].text)
        if out and gap <= max_gap:
            first, _, chars = out[-1]
            out[-1] = (first, index, chars + size)
        else:
            out.append((index, index, size))
        gap = 0
    return out


def mark(state: State, kinds: bytes, lo: int, hi: int) -> None:
    """Remove (if not removed yet) every run of ``RUN`` or more noise blocks (CTX-002), then
    every block before ``lo`` or after ``hi`` (CTX-001)."""
    verdict = state.verdict
    # Runs of RUN or more noise blocks, found by one C-level scan of the kinds.
    for m in _NOISE_RUN.finditer(kinds):
        for i in range(m.start(), m.end()):
            if verdict[i] is None:
                verdict[i] = RUNS
    for index in (*range(lo), *range(hi + 1, len(kinds))):
        if verdict[index] is None:
            verdict[index] = OUTSIDE


def looks_full_page(state: State, kinds: bytes) -> bool:
    """Many noise (or data) blocks, a large share of them, and the rules already removed
    several (not all of them repeats) -- or even more noise, and a few rule removals."""
    noise = kinds.count(NOISE) + kinds.count(DATA)
    if noise < MIN_NOISE or noise < MIN_NOISE_SHARE * len(kinds):
        return False
    own = own_rule_hits(state)
    if state.removed_count() >= MIN_RULE_HITS and own >= MIN_OWN_RULE_HITS:
        return True
    return (noise >= NOISY_MIN_NOISE and noise >= NOISY_MIN_SHARE * len(kinds)
            and own >= NOISY_MIN_OWN_RULE_HITS)


def own_rule_hits(state: State) -> int:
    """Blocks removed so far by the rules: not as repeats (the dedup pass), nor the headline
    moved into the title."""
    verdict = state.verdict
    repeats = count_is(verdict, dedup.EXACT) + count_is(verdict, dedup.CONTAINED)
    return len(verdict) - count_is(verdict, None) - repeats - (state.title is not None)


def run(state: State) -> None:
    """The pass; the kinds, clusters and removals in the native core when it is built (and
    not turned off for this Scrubber), else by the functions above."""
    if state.removed_count() < min(MIN_RULE_HITS, NOISY_MIN_OWN_RULE_HITS):  # (looks_full_page's
        return  # cheapest test)
    native = _NATIVE is not None and state.rules.line_matcher is not None
    blocks = state.doc.blocks
    kinds = (_NATIVE.context_kinds(state.doc.source, blocks, state.verdict, state.body, weak_table())
             if native else classify(state))
    if not kinds or not looks_full_page(state, kinds):
        return
    # Clusters of paragraphs, not of headlines -- unless that leaves too little body text to
    # anchor on (an article of one short paragraph), where the headlines count as before.
    plain = kinds
    demoted = (_NATIVE.demote_headlines(state.doc.source, blocks, plain, weak_table(), HEADLINE_MAX_CHARS)
               if native else demote_headlines(state, plain))
    for kinds in (demoted, plain):
        found = _NATIVE.body_clusters(kinds, blocks, MAX_GAP) if native else clusters(state, kinds)
        if found and max(chars for _, _, chars in found) >= MIN_BODY_CHARS:
            break
    else:
        return
    best = max(chars for _, _, chars in found)
    kept = [(a, b) for a, b, chars in found if chars >= KEEP_SHARE * best]
    lo, hi = kept[0][0], kept[-1][1]
    kinds = items_in_article(state, kinds, lo, hi)
    if native:
        _NATIVE.mark_context(state.verdict, kinds, RUN, lo, hi, RUNS, OUTSIDE)
    else:
        mark(state, kinds, lo, hi)



def items_in_article(state: State, kinds: bytes, lo: int, hi: int) -> bytes:
    """``kinds`` with the lists inside the article made WEAK: a run of ``RUN`` or more noise
    blocks between ``lo`` and ``hi`` that an introduction opens (a kept line ending in ``:``
    or an ellipsis: "Tour dates:", "Because once you understand my approach …", just above
    the run or its own first line) and whose every line reads as an item of content -- kept
    so far, :data:`ITEM_MAX_CHARS` at most, and :data:`ITEM_MIN_WORDS` words or
    :data:`ITEM_MIN_CJK` CJK characters at least or going on the introduction's sentence
    (:func:`_item`). A menu is words and has no introduction; a teaser list has
    long lines but no introduction either (its header, if any, went with a rule)."""
    verdict, blocks, source = state.verdict, state.doc.blocks, state.doc.source
    out = None
    for m in _NOISE_RUN.finditer(kinds, lo, hi + 1):
        first = m.start()
        if verdict[first] is None and _introduces(source, blocks[first]):
            first += 1  # (the run opens with its own introduction)
        elif first == 0 or verdict[first - 1] is not None or not _introduces(source, blocks[first - 1]):
            continue
        end = m.end()
        if first < end and all(verdict[i] is None and _item(blocks[i].text) for i in range(first, end)):
            out = bytearray(kinds) if out is None else out
            out[m.start() : end] = bytes([WEAK]) * (end - m.start())
    return kinds if out is None else bytes(out)


def _introduces(source: str, block: Block) -> bool:
    """The block ends in ``:`` or an ellipsis (read in the source: no text cut)."""
    return source.endswith(_INTRO_ENDS, block.start, block.end)


def _item(text: str) -> bool:
    """An item of content: long enough (:data:`ITEM_MIN_WORDS` words, :data:`ITEM_MIN_CJK`
    CJK characters), or of any length when it goes on the sentence the introduction opened --
    its first letter lowercase, or of a script without case that is not CJK ("Forbidden
    foods: | alcohol in any form | cabbage", an Arabic verse). A menu's entries and a list's
    headings are capitalised ("Tickets", "Kabar Islam"): they stay noise."""
    if len(text) > ITEM_MAX_CHARS:
        return False
    if len(text.split()) >= ITEM_MIN_WORDS or len(CJK.findall(text)) >= ITEM_MIN_CJK:
        return True
    first = _FIRST_LETTER.search(text)
    return first is not None and (first.group().islower() or (
        not first.group().isupper() and not first.group().istitle() and not CJK.match(first.group())))


_FIRST_LETTER = regex.compile(r"\p{L}")
