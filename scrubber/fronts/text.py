"""Plain text -> Document: every non-blank line is a block; blank lines separate paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import Block, Document

#: Characters stripped around a line's content (and that make a line blank): every Unicode
#: whitespace character but the line breaks themselves, plus zero-width space and BOM.
BLANK = "".join(
    ch for ch in map(chr, range(0x3000 + 1)) if ch.isspace() and ch not in "\n\r"
) + "\u200b\ufeff"
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")

try:
    from ..engine._lines import split_lines as _NATIVE_SPLIT
except ImportError:  # no compiler at install: the Python loop below
    _NATIVE_SPLIT = None


def _lines(source: str) -> Iterator[tuple[str, int]]:
    """(line, length of its line break) pairs; fast path when there is no ``\\r``."""
    if "\r" not in source:
        parts = source.split("\n")
        last = parts.pop()
        for line in parts:
            yield line, 1
        yield last, 0
        return
    for m in _LINE.finditer(source):
        if m.start() == len(source) and m.start() > 0:
            break
        yield m.group(1), len(m.group(2))


def split_text(source: str, *, native: bool = True) -> Document:
    """Cut ``source`` into line blocks keeping their offsets (``\\n``, ``\\r\\n``, ``\\r``).

    ``native``: cut in the native core when it is built (the same blocks, in C).
    """
    if native and _NATIVE_SPLIT is not None:
        blocks, starts, ends = _NATIVE_SPLIT(source, Block)
        return Document(source=source, blocks=blocks, bounds=(starts, ends))
    blocks: list[Block] = []
    append = blocks.append
    pos = 0
    para = 0
    blank_before = False
    for line, sep in _lines(source):
        stripped = line.strip(BLANK)
        if stripped:
            if blank_before and blocks:
                para += 1
            # Leading blanks: none when the line starts with its stripped text's first character.
            start = pos if line[0] == stripped[0] else pos + len(line) - len(line.lstrip(BLANK))
            # index, text, start, end, line_start, line_end, para (positional: hot loop)
            end = start + len(stripped)
            append(Block(len(blocks), stripped, start, end, pos, pos + len(line) + sep, para))
            blank_before = False
        else:
            blank_before = True
        pos += len(line) + sep
    return Document(source=source, blocks=blocks)
