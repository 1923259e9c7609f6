"""The matching key: text folded for matching, one character for one character.

Folding composes single-character NFKC (full-width forms -> ASCII), case folding,
traditional -> simplified Chinese (OpenCC's ``t2s`` character table, precomputed by
``tools/gen_fold_table.py`` so that no converter is needed at run time) and blanks -> space.
Because every character maps to exactly one character, an offset in the folded text is
the same offset in the original: rules match the folded key and removals cut the original.
"""

from __future__ import annotations

import functools

import numpy as np
import regex

from ._foldmap import PAIRS

_TABLE_SIZE = 0x30000


def _build_table() -> tuple[str | int, ...]:
    table: list[str | int] = list(range(_TABLE_SIZE))
    for i in range(0, len(PAIRS), 2):
        table[ord(PAIRS[i])] = PAIRS[i + 1]
    return tuple(table)


#: Immutable code point -> folded character table, usable with ``str.translate``.
FOLD_TABLE: tuple[str | int, ...] = _build_table()


def variants(ch: str) -> str:
    """Every character that folds to the same character as ``ch`` (``ch`` included)."""
    target = fold(ch)
    out = {ch, target}
    for i in range(0, len(PAIRS), 2):
        if PAIRS[i + 1] == target:
            out.add(PAIRS[i])
    return "".join(sorted(out))

# Anything that is not a letter, digit or mark at the edges of a line.
_EDGES = regex.compile(r"^[^\p{L}\p{N}]+|[^\p{L}\p{N}\p{M}]+$")


def fold(text: str) -> str:
    """Fold ``text`` for matching; ``len(fold(text)) == len(text)``."""
    return text.translate(FOLD_TABLE)


# The usual edge characters, stripped by str.strip (C speed); the regex handles the rest.
_COMMON_EDGE = "".join(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()) + (
    " \u00a0«»©®·–—‘’“”•…›‹、。《》【】「」『』→▶►●★☆"
)


def core(folded: str) -> str:
    """The comparison key of a folded line: edge punctuation/symbols stripped, spaces collapsed.

    ``core(fold("【喜歡就按個贊吧!!!】")) == "喜欢就按个赞吧"``.
    """
    stripped = folded.strip(_COMMON_EDGE)
    if stripped and not (stripped[0].isalnum() and stripped[-1].isalnum()):
        stripped = _EDGES.sub("", stripped)
    if "  " in stripped:
        return " ".join(stripped.split())
    return stripped


@functools.cache
def edge_classes() -> np.ndarray:
    """Per code point below ``charset.DOMAIN``, the classes :func:`core` tests, as bits:
    1 ``_COMMON_EDGE``, 2 ``str.isalnum``, 4 ``[\\p{L}\\p{N}]``, 8 ``[\\p{L}\\p{N}\\p{M}]``; and
    16 ``\\d`` and 32 ``\\s`` (the line gate of :func:`.prefilter.required_chars`)
    (read-only; computed by the very predicates the Python path uses, for the native core)."""
    from .charset import DOMAIN, domain_text, members

    everything = domain_text()
    table = np.zeros(DOMAIN, dtype=np.uint8)
    table[[ord(ch) for ch in _COMMON_EDGE]] |= 1
    table[[i for i, ch in enumerate(everything) if ch.isalnum()]] |= 2
    for bit, pattern in ((4, r"[\p{L}\p{N}]"), (8, r"[\p{L}\p{N}\p{M}]"), (16, r"\d"), (32, r"\s")):
        table[members(pattern)] |= bit
    table.flags.writeable = False
    return table


def key(text: str) -> str:
    """``core(fold(text))``: the key exact/prefix/contains rules compare against."""
    return core(fold(text))
