"""Block and Document: the source text cut into blocks that keep their offsets.

Passes never change the source; they only record decisions (see ``engine.marks``).

``Block`` is the native core's (``engine._block``: the same fields in C, a line's text cut
from the source when first read) when it is built, else :class:`PyBlock`; the two have the
same constructor, fields, equality and repr (``tests/test_block.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any


@dataclass(slots=True)
class PyBlock:
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
    #: HTML front end only: set when a DOM rule or the main-content selection removed the
    #: block before the text rules run (``(rule_id, category)``).
    dom_verdict: tuple[str, str] | None = None
    #: The folded text, once ``State.folded`` made it (a cache: not compared, not shown).
    _folded: str | None = field(default=None, init=False, repr=False, compare=False)


if TYPE_CHECKING:
    Block = PyBlock
else:
    try:
        from .engine._block import Block
    except ImportError:  # no compiler at install
        Block = PyBlock


#: A front end's flag (``Document.flags``) of a forum or Q&A thread, whose replies are its
#: content: comment-section rules keep them as they do under ``Config.include_comments``.
DISCUSSION_FLAG = "page:discussion"


@dataclass(slots=True)
class Document:
    """The source text and its blocks, in order."""

    source: str
    blocks: list[Block]
    #: Title found by the front end (HTML ``<title>``/``og:title``/``h1``), if any.
    title: str | None = None
    #: Notes from the front end (e.g. ``decoded:gb18030``), copied into ``Result.flags``.
    flags: list[str] = field(default_factory=list)
    #: The blocks' starts and ends as int64 arrays, where the front end made them (the native
    #: text splitter); else the engine reads them from the blocks.
    bounds: tuple[Any, Any] | None = field(default=None, repr=False, compare=False)
