"""Whole-document work done once per scrub instead of once per line (numpy, C speed).

* the folded document: every block's folded text is a slice of it (folding maps one
  character to one character, so ``fold(source)[b.start:b.end] == fold(b.text)``);
* per block, the regex rules its characters rule out (:class:`~.charset.CharMasks`);
* per block, the span rules whose anchor characters it holds;
* per block, :meth:`State.is_prose <scrubber.engine.state.State.is_prose>` from per-character
  counts (the same test, counted by table lookups and cumulative sums).

With the native core built, :func:`._scan.scan` computes the same from the same tables in
one loop (no windows needed: it holds no per-character arrays).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence

import numpy as np

from ..config import Config
from ..document import Block
from ._foldmap import PAIRS
from .charset import DOMAIN, CharMasks, members
from .script import CJK_CLASS, SENTENCE_PUNCT


def _fold_codes() -> np.ndarray:
    # FOLD_TABLE's pairs, set in one vector step (a loop over its 196k entries took 12 ms
    # of every import).
    table = np.arange(0x110000, dtype=np.uint32)
    codes = np.frombuffer(PAIRS.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    table[codes[0::2]] = codes[1::2]
    table.flags.writeable = False
    return table


#: Code point -> folded code point, as ``fold.FOLD_TABLE`` (the same pairs; read-only).
FOLD_CODES = _fold_codes()

_PUNCT, _CJK, _WORD, _SPACE, _BEYOND = 1, 2, 4, 8, 16
_EXTRA_SHIFT = 5  # bits 5-6: UTF-8 bytes beyond the first


@functools.cache
def _prose_table() -> np.ndarray:
    """Code point (capped at DOMAIN) -> the character's bits for the prose test (read-only).

    Membership is decided by the very classes ``is_prose`` uses, over every code point of
    the domain (:func:`~.charset.members`); index DOMAIN (every character above) is marked
    ``_BEYOND``.
    """
    table = np.zeros(DOMAIN + 1, dtype=np.uint8)
    for bit, atom in ((_PUNCT, SENTENCE_PUNCT.pattern), (_CJK, f"[{CJK_CLASS}]"),
                      (_WORD, rf"[^\W{CJK_CLASS}]")):
        table[:DOMAIN][members(atom)] |= bit
    table[ord(" ")] |= _SPACE
    table[DOMAIN] = _BEYOND
    cps = np.arange(DOMAIN + 1)
    table |= (((cps >= 0x80).astype(np.uint8) + (cps >= 0x800) + (cps >= 0x10000)) << _EXTRA_SHIFT).astype(
        np.uint8
    )
    table.flags.writeable = False
    return table


def codes(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included), as uint32."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def decode(folded: np.ndarray) -> str:
    """The text of uint32 code points."""
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


@functools.cache
def _weights() -> np.ndarray:
    """Code point (capped) -> CJK count | space count << 21 | UTF-8 extra bytes << 42.

    Summed over a line, the three counts stay apart for lines under 2**21 characters; the
    prose test reads them only for lines under 400 characters.
    """
    flags = _prose_table().astype(np.uint64)
    weights = ((flags & _CJK) >> 1) | (((flags & _SPACE) >> 3) << 21) | ((flags >> _EXTRA_SHIFT) << 42)
    weights.flags.writeable = False
    return weights


_FIELD = (1 << 21) - 1


class ScanTables:
    """The per-rule-set tables a :class:`DocScan` reads, built once with the rules.

    ``masks``: folded code point -> rule condition bits (or None); ``raw``: raw code point
    -> the prose-test bits (low byte) and the span-rule anchor bits (high byte; all set when
    the span rules cannot be prefiltered).
    """

    def __init__(self, masks: CharMasks | None, span_table: np.ndarray | None, *, pure: bool = False) -> None:
        self.masks = masks if masks is not None and masks.size else None
        raw = _prose_table().astype(np.uint16)
        raw |= span_table.astype(np.uint16) << 8 if span_table is not None else np.uint16(0xFF00)
        raw.flags.writeable = False
        self.raw = raw
        self.weights = _weights()
        #: The native scan (:class:`._scan.Scanner`, these tables bound): ``native(source,
        #: starts, ends, min_cjk, min_words)``; None when not built or ``pure`` was asked.
        self.native = None if pure else native_scanner(self)


class DocScan:
    """The folded source and per-block facts, for blocks whose text is ``source[start:end]``.

    ``blocked``: bits of rule conditions each block fails (``bits``: the same as a uint64
    array, which the native line matcher reads; the list is made when first read);
    ``span_bits``: span-rule anchors
    each block holds (bit k: ``CompiledRules.span_rules[k]``); ``prose``: ``is_prose`` of
    each block, or ``None`` (unknown: characters above the table's domain).
    """

    __slots__ = ("_blocked", "bits", "ends", "folded", "prose", "span_bits", "starts")

    #: Characters handled at once: bounds the arrays (some 50 bytes a character) on huge input.
    WINDOW = 1 << 18

    def __init__(self, source: str, blocks: Sequence[Block], tables: ScanTables, config: Config,
                 bounds: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """``bounds``: the blocks' starts and ends as int64 arrays, if already made."""
        n = len(blocks)
        if bounds is not None and _matches(bounds, blocks):
            starts, ends = self.starts, self.ends = bounds
        else:
            starts = self.starts = np.fromiter((b.start for b in blocks), dtype=np.int64, count=n)
            ends = self.ends = np.fromiter((b.end for b in blocks), dtype=np.int64, count=n)
        self._blocked: list[int] | None = None
        if tables.native is not None:
            self.folded, self.bits, self.span_bits, self.prose = tables.native(
                source, starts, ends, config.body_min_cjk, config.body_min_words)
            return
        window = self.WINDOW
        if len(source) <= window:
            self.folded, raw, folded = _fold(source)
        else:
            self.folded = "".join(_fold(source[i : i + window])[0] for i in range(0, len(source), window))
        if not n:
            self._blocked, self.span_bits, self.prose = [], [], []
            self.bits = np.zeros(0, dtype=np.uint64)
            return
        starts, ends = starts.astype(np.intp), ends.astype(np.intp)
        if len(source) <= window:
            self._blocked, self.span_bits, self.prose = _facts(raw, folded, starts, ends, tables, config)
            self.bits = np.asarray(self._blocked, dtype=np.uint64)
            return
        self._blocked, self.span_bits, self.prose = [], [], []
        # Windows of blocks, cut at the first block starting past each multiple of WINDOW.
        cuts = sorted({0, n, *np.searchsorted(starts, np.arange(window, len(source), window)).tolist()})
        for b0, b1 in itertools.pairwise(cuts):
            lo, hi = int(starts[b0]), int(ends[b0:b1].max())
            _, raw, folded = _fold(source[lo:hi])
            facts = _facts(raw, folded, starts[b0:b1] - lo, ends[b0:b1] - lo, tables, config)
            self._blocked += facts[0]
            self.span_bits += facts[1]
            self.prose += facts[2]
        self.bits = np.asarray(self._blocked, dtype=np.uint64)

    @property
    def blocked(self) -> list[int]:
        """Per block, the bits of the rule conditions it fails."""
        if self._blocked is None:
            self._blocked = self.bits.tolist()
        return self._blocked


_NO_MASKS = np.zeros(0, dtype=np.uint64)


def _matches(bounds: tuple[np.ndarray, np.ndarray], blocks: Sequence[Block]) -> bool:
    """The offsets still describe these blocks (a Document copied with other blocks keeps its
    ``bounds``): as many, and the same first and last offsets."""
    starts, ends = bounds
    if len(starts) != len(blocks) or len(ends) != len(blocks):
        return False
    # (``item`` gives the Python int without a numpy scalar in between: a third of the
    # check's time, which a document of one line pays whole.)
    return not blocks or (starts.item(0) == blocks[0].start and ends.item(-1) == blocks[-1].end
                          and ends.item(0) == blocks[0].end and starts.item(-1) == blocks[-1].start)


#: What the native scanner returns: ``(folded, bits, span_bits, prose)``.
ScanFacts = tuple[str, np.ndarray, list[int], list[bool | None]]


def native_scanner(tables: ScanTables) -> Callable[..., ScanFacts] | None:
    """:class:`._scan.Scanner` over ``tables`` when the native core is built, else None."""
    try:
        from ._scan import Scanner
    except ImportError:
        return None
    masks = tables.masks
    return Scanner(FOLD_CODES, masks.table if masks is not None else _NO_MASKS,
                   masks.missing if masks is not None else _NO_MASKS,
                   int(masks.bad) if masks is not None else 0, int(masks.shift) if masks is not None else 0,
                   tables.raw, tables.weights, DOMAIN)


def _fold(text: str) -> tuple[str, np.ndarray, np.ndarray]:
    """The folded text, its code points (intp) and folded code points (uint32)."""
    # Gathers index with intp arrays: several times faster than with uint32 indices.
    raw = codes(text).astype(np.intp)
    folded = FOLD_CODES[raw]
    return decode(folded), raw, folded


def _facts(raw: np.ndarray, folded: np.ndarray, starts: np.ndarray, ends: np.ndarray, tables: ScanTables,
           config: Config) -> tuple[list[int], list[int], list[bool | None]]:
    """``blocked``, ``span_bits`` and ``prose`` of blocks ``[starts, ends)`` of the code points."""
    n = len(starts)
    if starts[-1] >= len(raw):  # empty blocks at the very end: give them a character
        raw = np.append(raw, ord(" "))
        folded = np.append(folded, np.uint32(ord(" ")))
    # reduceat over [start, end) segments: the odd ones (gaps) are discarded; a last end
    # at the end of the text is left out (the last segment then runs to the end).
    bounds = np.empty(2 * n, dtype=np.intp)
    bounds[0::2] = starts
    bounds[1::2] = ends
    if ends[-1] >= len(raw):
        bounds = bounds[:-1]
    empty = starts >= ends
    any_empty = bool(empty.any())
    capped_raw = np.minimum(raw, DOMAIN)
    blocked_list = [0] * n
    if tables.masks is not None:
        capped = np.minimum(folded, DOMAIN, dtype=np.intp)
        blocked = tables.masks.blocked(np.bitwise_or.reduceat(tables.masks.table[capped], bounds)[0::2])
        del capped
        if any_empty:
            blocked[empty] = 0  # an empty block: no evidence
        blocked_list = blocked.tolist()
    flags = tables.raw[capped_raw]
    seen = np.bitwise_or.reduceat(flags, bounds)[0::2]
    span_bits = seen >> 8
    if any_empty:
        span_bits[empty] = 0xFF
    weights = np.add.reduceat(tables.weights[capped_raw], bounds)[0::2]
    del capped_raw
    return blocked_list, span_bits.tolist(), _prose(flags, seen, weights, bounds, starts, ends, config)


def _prose(flags: np.ndarray, seen: np.ndarray, weights: np.ndarray, bounds: np.ndarray,
           starts: np.ndarray, ends: np.ndarray, config: Config) -> list[bool | None]:
    """``State.is_prose`` of every block, ``None`` where a character is above the domain."""
    word = (flags & _WORD) != 0
    run_start = word.copy()
    run_start[1:] &= ~word[:-1]
    runs = np.add.reduceat(run_start.view(np.uint8), bounds, dtype=np.int64)[0::2]
    # A run that began before the block's start still starts a word inside the block.
    carried = word[starts] & word[starts - 1] & (starts > 0) & (starts < ends)
    runs += carried
    length = ends - starts
    cjk = (weights & _FIELD).astype(np.int64)
    spaces = ((weights >> 21) & _FIELD).astype(np.int64)
    extra = (weights >> 42).astype(np.int64)
    min_cjk, min_words = config.body_min_cjk, config.body_min_words
    prose = (length >= min_cjk) & ((seen & _PUNCT) != 0) & (
        (length >= 400)
        | (~((extra < 2 * min_cjk) & (spaces + 1 < min_words)) & ((cjk >= min_cjk) | (runs >= min_words)))
    )
    out: list[bool | None] = prose.tolist()
    beyond = seen & _BEYOND
    if beyond.any():
        for i in np.flatnonzero(beyond).tolist():
            out[i] = None
    return out
