"""Block and Document: the source text cut into blocks that keep their offsets.

Passes never change the source; they only record decisions (see ``engine.marks``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Block:
    """One non-blank line of the source (or one DOM block rendered as a line).

    ``start``/``end`` delimit the stripped content in ``Document.source``;
    ``line_start``/``line_end`` the whole line including its newline, which is what a
    whole-block removal takes out.
    """

    index: int
    text: str
    start: int
    end: int
    line_start: int
    line_end: int
    para: int
    #: HTML front end only: the element's tag and signals the text rules cannot see.
    tag: str = ""
    link_density: float = 0.0
    _folded: str | None = field(default=None, repr=False)


@dataclass(slots=True)
class Document:
    """The source text and its blocks, in order."""

    source: str
    blocks: list[Block]
