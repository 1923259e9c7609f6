"""Whole-document work done once per scrub instead of once per line (numpy, C speed).

* the folded document: every block's folded text is a slice of it (folding maps one
  character to one character, so ``fold(source)[b.start:b.end] == fold(b.text)``);
* per block, the regex rules its characters rule out (:class:`~.charset.CharMasks`);
* per block, the span rules whose anchor characters it holds;
* per block, :meth:`State.is_prose <scrubber.engine.state.State.is_prose>` from per-character
  counts (the same test, counted by table lookups and cumulative sums).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import regex

from ..config import Config
from ..document import Block
from .charset import DOMAIN, CharMasks, domain_text
from .fold import FOLD_TABLE
from .script import CJK_CLASS, SENTENCE_PUNCT


def _fold_codes() -> np.ndarray:
    table = np.arange(0x110000, dtype=np.uint32)
    for i, target in enumerate(FOLD_TABLE):
        if isinstance(target, str):
            table[i] = ord(target)
    table.flags.writeable = False
    return table


#: Code point -> folded code point, as ``fold.FOLD_TABLE`` (read-only).
FOLD_CODES = _fold_codes()

_PUNCT, _CJK, _WORD, _SPACE, _BEYOND = 1, 2, 4, 8, 16
_EXTRA_SHIFT = 5  # bits 5-6: UTF-8 bytes beyond the first


@functools.cache
def _prose_table() -> np.ndarray:
    """Code point (capped at DOMAIN) -> the character's bits for the prose test (read-only).

    Membership is decided by the very regexes ``is_prose`` uses, run over every code point
    of the domain; index DOMAIN (every character above) is marked ``_BEYOND``.
    """
    table = np.zeros(DOMAIN + 1, dtype=np.uint8)
    everything = domain_text()
    for bit, pattern in ((_PUNCT, SENTENCE_PUNCT), (_CJK, regex.compile(f"[{CJK_CLASS}]")),
                         (_WORD, regex.compile(rf"[^\W{CJK_CLASS}]"))):
        table[[m.start() for m in pattern.finditer(everything)]] |= bit
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


class DocScan:
    """The folded source and per-block facts, for blocks whose text is ``source[start:end]``.

    ``blocked``: bits of rule conditions each block fails; ``span_bits``: span-rule anchors
    each block holds (bit k: ``CompiledRules.span_rules[k]``); ``prose``: ``is_prose`` of
    each block, or ``None`` (unknown: characters above the table's domain).
    """

    __slots__ = ("blocked", "folded", "prose", "span_bits")

    def __init__(self, source: str, blocks: Sequence[Block], masks: CharMasks | None,
                 span_table: np.ndarray | None, config: Config) -> None:
        # Gathers index with intp arrays: several times faster than with uint32 indices.
        raw = codes(source).astype(np.intp)
        folded = FOLD_CODES[raw]
        self.folded = decode(folded)
        n = len(blocks)
        if not n:
            self.blocked, self.span_bits, self.prose = [], [], []
            return
        starts = np.fromiter((b.start for b in blocks), dtype=np.intp, count=n)
        ends = np.fromiter((b.end for b in blocks), dtype=np.intp, count=n)
        # Bounds of [start, end) segments (odd ones, the gaps, are discarded). The code point
        # arrays get one element past the end, so that every block end is a valid index.
        bounds = np.empty(2 * n, dtype=np.intp)
        bounds[0::2] = starts
        bounds[1::2] = ends
        empty = starts >= ends
        capped_raw = np.empty(len(raw) + 1, dtype=np.intp)
        np.minimum(raw, DOMAIN, out=capped_raw[:-1])
        capped_raw[-1] = DOMAIN
        if masks is not None and masks.size:
            capped = np.empty(len(raw) + 1, dtype=np.intp)
            np.minimum(folded, DOMAIN, out=capped[:-1])
            capped[-1] = DOMAIN
            blocked = masks.blocked(np.bitwise_or.reduceat(masks.table[capped], bounds)[0::2])
            blocked[empty] = 0  # an empty block: no evidence
            self.blocked = blocked.tolist()
        else:
            self.blocked = [0] * n
        if span_table is not None:
            bits = np.bitwise_or.reduceat(span_table[capped_raw], bounds)[0::2]
            bits[empty] = 0xFF
            self.span_bits = bits.tolist()
        else:
            self.span_bits = [0xFF] * n
        self.prose = _prose(_prose_table()[capped_raw], bounds, starts, ends, config)


def _prose(flags: np.ndarray, bounds: np.ndarray, starts: np.ndarray, ends: np.ndarray,
           config: Config) -> list[bool | None]:
    """``State.is_prose`` of every block, ``None`` where a character is above the domain."""

    def total(values: np.ndarray) -> np.ndarray:
        # uint8 in, int64 sums: reducing bool arrays is several times slower.
        return np.add.reduceat(values.view(np.uint8), bounds, dtype=np.int64)[0::2]

    word = (flags & _WORD) != 0
    run_start = word.copy()
    run_start[1:] &= ~word[:-1]
    runs = total(run_start)
    # A run that began before the block's start still starts a word inside the block.
    inside = starts > 0
    carried = np.zeros(len(starts), dtype=bool)
    carried[inside] = word[starts[inside]] & word[starts[inside] - 1]
    runs += carried & (starts < ends)
    length = ends - starts
    seen = np.bitwise_or.reduceat(flags, bounds)[0::2]
    extra = total(flags >> _EXTRA_SHIFT)
    cjk = total((flags & _CJK) != 0)
    spaces = total((flags & _SPACE) != 0)
    min_cjk, min_words = config.body_min_cjk, config.body_min_words
    prose = (length >= min_cjk) & ((seen & _PUNCT) != 0) & (
        (length >= 400)
        | (~((extra < 2 * min_cjk) & (spaces + 1 < min_words)) & ((cjk >= min_cjk) | (runs >= min_words)))
    )
    out: list[bool | None] = prose.tolist()
    for i in np.flatnonzero(seen & _BEYOND).tolist():
        out[i] = None
    return out
