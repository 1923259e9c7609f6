"""The working state of one scrub: the document plus every decision the passes record."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field

from ..config import Config
from ..document import Block, Document
from .compile import Budget, CompiledRules
from .fold import fold
from .script import CJK, SENTENCE_PUNCT, WORD
from .seq import count_is

#: Categories the over-removal guard does not count (see ``scrubber._core._over_removed``).
UNGUARDED = ("repair", "title", "boilerplate")


@dataclass(slots=True, eq=False)
class Verdict:
    """Why a block (or a span of it) goes: the rule id and its category.

    Compared by identity (one object per rule or pass, shared by its removals): the passes
    scan :attr:`State.verdict` lists for ``None`` (``count``, ``in``, ``index``), which would
    otherwise call a dataclass ``__eq__`` per removed block.

    ``guarded``: the over-removal guard counts the removal -- not for the :data:`UNGUARDED`
    categories, nor when made ``exempt`` (sections cut by ``cut_rest`` rules, DOM-level
    removals), whose own preconditions guard them.
    """

    rule_id: str
    category: str
    exempt: InitVar[bool] = False
    guarded: bool = field(init=False)

    def __post_init__(self, exempt: bool) -> None:
        self.guarded = not exempt and self.category not in UNGUARDED


@dataclass(slots=True)
class State:
    """One document being scrubbed. Passes read it and add decisions; none edits the source."""

    doc: Document
    config: Config
    rules: CompiledRules
    budget: Budget
    #: Per block (by index): the verdict that removes it whole, or None while it is kept. A
    #: list rather than a dict of the removed ones: passes test every block, and the native
    #: helpers read it as an array.
    verdict: list[Verdict | None] = field(default_factory=list)
    #: block index -> [(start, end, verdict)] spans removed inside a kept block (source offsets).
    spans: dict[int, list[tuple[int, int, Verdict]]] = field(default_factory=dict)
    #: (start, end, replacement, verdict): whitespace re-joined between two kept blocks.
    joins: list[tuple[int, int, str, Verdict]] = field(default_factory=list)
    #: the block moved into ``Result.title``.
    title: int | None = None
    #: per block: does it look like body text (long prose not matched by any rule)?
    body: list[bool] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    #: ``fold(doc.source)`` once the junk pass computed it (blocks' folded text are slices).
    folded_doc: str | None = None

    def __post_init__(self) -> None:
        if len(self.verdict) != len(self.doc.blocks):
            self.verdict = [None] * len(self.doc.blocks)

    def removed_count(self) -> int:
        """How many blocks are removed whole."""
        return len(self.verdict) - count_is(self.verdict, None)

    def folded(self, block: Block) -> str:
        """The block's folded text, computed once."""
        if self.folded_doc is not None:
            return self.folded_doc[block.start : block.end]
        if block._folded is None:
            block._folded = fold(block.text)
        return block._folded

    def effective_end(self, block: Block) -> int:
        """Where the block's kept text ends once its span removals are applied."""
        end = block.end
        for start, stop, _ in reversed(self.spans.get(block.index, ())):
            if stop >= end and start < end:
                end = start
        return end

    def is_prose(self, text: str) -> bool:
        """Long enough, with sentence punctuation: what body text looks like."""
        n = len(text)
        cfg = self.config
        if n < cfg.body_min_cjk or not SENTENCE_PUNCT.search(text):
            return False
        if n >= 400:
            return True
        # Cheap counts: a CJK character is 3 UTF-8 bytes (2 more than its length share);
        # words are runs between spaces. Exact counts are only needed near the thresholds.
        extra = len(text.encode("utf-8", "surrogatepass")) - n
        if extra < 2 * cfg.body_min_cjk and text.count(" ") + 1 < cfg.body_min_words:
            return False
        return len(CJK.findall(text)) >= cfg.body_min_cjk or len(WORD.findall(text)) >= cfg.body_min_words
