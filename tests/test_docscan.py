"""The whole-document shortcuts (engine.docscan, engine.charset) change no decision.

Each shortcut is a necessary condition or a re-count: a rule it rules out for a line cannot
match that line, and the vectorised prose test equals ``State.is_prose`` on every line.
"""

from __future__ import annotations

import numpy as np
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import Config, Scrubber
from scrubber.engine.charset import admits_all, class_members, consumed_atoms, domain_text
from scrubber.engine.compile import Budget, _start_regex
from scrubber.engine.docscan import DocScan
from scrubber.engine.fold import core, fold
from scrubber.engine.prefilter import START_DIGIT, start_literals
from scrubber.engine.state import State
from scrubber.fronts.text import split_text

_S = Scrubber(Config())
_RULES = _S.rules
_EXAMPLES = [t for r in _RULES.rules for t in (*r.examples_remove, *r.examples_keep)]
# Characters the patterns and examples use, plus prose, CJK, blanks, surrogates and
# characters above the tables' domain.
_ALPHABET = sorted(
    set("".join(_EXAMPLES)) | set("".join(r.pattern or "" for r in _RULES.rules))
    | set("abcXYZ 019.,!?;。，！？…\t\u3000\u200b\ufeff\ufffd|>»©") | {"\ud800", "\U00030001", "\U000e0041"}
)
_LINES = st.text(alphabet=st.sampled_from(_ALPHABET), min_size=1, max_size=60)


def _scan(lines: list[str]) -> tuple[list, DocScan]:
    doc = split_text("\n".join(lines))
    return doc.blocks, DocScan(doc.source, doc.blocks, _RULES.scan_tables, _S.config)


class _Windowed(DocScan):
    WINDOW = 7


def _check(lines: list[str]) -> None:
    blocks, scan = _scan(lines)
    doc = split_text("\n".join(lines))
    small = _Windowed(doc.source, doc.blocks, _RULES.scan_tables, _S.config)
    assert (small.folded, small.blocked, small.span_bits, small.prose) == (
        scan.folded, scan.blocked, scan.span_bits, scan.prose
    )
    state = State(doc=split_text(""), config=_S.config, rules=_RULES, budget=Budget(1.0))
    assert scan.folded == fold("\n".join(lines))
    for block in blocks:
        folded = fold(block.text)
        if block.text:
            assert scan.blocked[block.index] == _RULES.blocked(folded)
        for i, *_ in _RULES.free_regex:
            # Single letter/digit anchors, checked as characters: a line without one in its
            # core is blocked, as the Aho-Corasick anchors would have it.
            anchors = _RULES.rules[i].phrases
            if anchors and block.text and not any(a in core(folded) for a in anchors):
                assert scan.blocked[block.index] & _RULES.condition[i], (_RULES.rules[i].id, block.text)
        for i, bit in _RULES.condition.items():
            if scan.blocked[block.index] & bit:
                pattern = _RULES.anchored.get(i) or next(p for j, p, *_ in _RULES.free_regex if j == i)
                assert not pattern.search(folded), (_RULES.rules[i].id, block.text)
        for i, literals in _RULES.starts.items():
            pattern = _RULES.anchored.get(i) or next(p for j, p, *_ in _RULES.free_regex if j == i)
            if pattern.search(folded):
                assert _start_regex(literals).match(core(folded)), (_RULES.rules[i].id, block.text)
        budget = Budget(1.0)
        assert _RULES.line_rules(block.text, folded, core(folded), budget, scan.blocked[block.index]) == (
            _RULES.line_rules(block.text, folded, core(folded), budget)
        )
        for k, (_, _, anchors) in enumerate(_RULES.span_rules):
            if anchors is not None and anchors.search(block.text):
                assert scan.span_bits[block.index] & (1 << k), block.text
        if scan.prose[block.index] is not None:
            assert scan.prose[block.index] == state.is_prose(block.text), block.text


def test_rule_examples() -> None:
    _check(_EXAMPLES)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=8))
def test_random_lines(lines: list[str]) -> None:
    _check(lines)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_EXAMPLES), min_size=1, max_size=6), st.sampled_from(["", " ", "|", "。", "1"]))
def test_joined_examples(lines: list[str], glue: str) -> None:
    _check([glue.join(lines), *lines, glue.join(reversed(lines))])


def test_prose_over_long_and_cjk_lines() -> None:
    lines = [
        "这是一段足够长的中文正文，它有标点符号，所以看起来像正文。" * k for k in (1, 2, 20)
    ] + ["word, " * k for k in (3, 9, 10, 11, 80)] + ["a,b,c,d,e,f,g,h,i,j,k.", "\U00020000" * 20 + "。"]
    _check(lines)


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [(r"^[^\p{L}\p{N}]*(?:more|read more)\b", ("more", "read")), (r"^\s*(?=x)ab|^c", ("ab", "c")),
     (r"^[^\p{L}\p{N}]*(?:more)?x", ("morex", "x")), (r"^[^\p{L}\p{N}]*(?:\d)?x", ("x", START_DIGIT + "x")),
     (r"^[^\p{L}\p{N}]*(?:\w)?x", None), (r"^a|b", None),
     # (a symbol after the start is what core strips: read past since 2026-12-01)
     (r"^[^\p{L}\p{N}]*-x", ("x",)), (r"^[^\p{L}\p{N}]*+x", None)],
)
def test_start_literals(pattern: str, literals: tuple[str, ...] | None) -> None:
    assert start_literals(pattern) == literals


@pytest.mark.parametrize(
    ("pattern", "anchored"),
    [(r"^a$", True), (r"^a|^b$", False), (r"^(?:a|b)+\s*$", True), (r"^a.$", False), (r"^(?=.*x)a+$", True),
     (r"^a\1$", False), (r"(?i)^a$", False), (r"^a$|^b$", True), (r"^a(?:$)", False)],
)
def test_consumed_atoms_only_for_whole_line_patterns(pattern: str, anchored: bool) -> None:
    assert (consumed_atoms(pattern) is not None) == anchored


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("-*•|1234567890.)、 \t\nab。！？…\"'”’」』)）x")), max_size=12))
def test_weak_equals_its_regex(text: str) -> None:
    from scrubber.engine.passes.context import _WEAK, weak

    assert weak(text) == (_WEAK.search(text) is not None)


def test_empty_blocks_anywhere() -> None:
    from scrubber.document import Block

    source = "ab\n\ncd"
    blocks = [Block(0, "", 0, 0, 0, 0, 0), Block(1, "ab", 0, 2, 0, 3, 0), Block(2, "", 3, 3, 3, 4, 0),
              Block(3, "cd", 4, 6, 4, 6, 1), Block(4, "", 6, 6, 6, 6, 1)]
    scan = DocScan(source, blocks, _RULES.scan_tables, _S.config)
    assert scan.blocked[0] == scan.blocked[2] == scan.blocked[4] == 0
    assert scan.span_bits[0] == scan.span_bits[4] == 0xFF
    assert scan.prose == [False] * 5
    assert DocScan("", [Block(0, "", 0, 0, 0, 0, 0)], _RULES.scan_tables, _S.config).prose == [False]


def _by_regex(atom: str) -> np.ndarray:
    """Which domain code points ``atom`` matches, by the regex engine itself."""
    domain = domain_text()
    marked = regex.compile(atom).sub("\U0010ffff", domain)
    return np.frombuffer(marked.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) == 0x10FFFF


def test_class_members_of_the_builtin_classes() -> None:
    """Every bracket class the built-in patterns consume, read item by item, has exactly the
    members the regex engine gives it."""
    atoms = {a for r in _RULES.rules if r.pattern for a in consumed_atoms(r.pattern) or () if a.startswith("[")}
    read = 0
    for atom in sorted(atoms):
        members = class_members(atom)
        if members is not None:
            assert np.array_equal(members, _by_regex(atom)), atom
            read += 1
    assert read >= 0.9 * len(atoms) and read > 40


def test_members_of_every_builtin_atom() -> None:
    """Every atom the built-in patterns consume (escapes like ``\\p{Han}`` and ``\\s`` among
    them, read by runs of matches) has exactly the members the regex engine's replacement
    gives it."""
    from scrubber.engine.charset import members

    atoms = {a for r in _RULES.rules if r.pattern for a in consumed_atoms(r.pattern) or ()}
    atoms |= {r"\p{L}", r"\p{N}", r"\s", r"\S", r"\d", r"\w", r"[\p{L}\p{N}]", r"[\p{L}\p{N}\p{M}]"}
    for atom in sorted(atoms):
        assert np.array_equal(members(atom), _by_regex(atom)), atom
    assert len(atoms) > 100


_ITEMS = ["a", "z", "中", "|", "·", " ", ".", "-", "^", "]", "(", "\\-", "\\[", "\\]", "\\\\", "\\x27", "\\u200b",
          "\\s", "\\S", "\\d", "\\w", "\\W", "\\p{L}", "\\P{N}", "\\p{Han}", "a-z", "0-9", "一-龥", "\\x20-\\x2f",
          "\\t", "\\b", "[", "&&", "--", "\\N{BULLET}"]


@settings(max_examples=200, deadline=None)
@given(st.booleans(), st.lists(st.sampled_from(_ITEMS), min_size=1, max_size=6))
def test_class_members_of_generated_classes(negate: bool, items: list[str]) -> None:
    """A class it reads has the regex engine's members; one it cannot read is left to it."""
    atom = "[" + ("^" if negate else "") + "".join(items) + "]"
    try:
        regex.compile(atom)
    except regex.error:
        return
    members = class_members(atom)
    if members is not None:
        assert np.array_equal(members, _by_regex(atom)), atom


def test_stale_bounds_are_not_read() -> None:
    """A Document copied with other blocks keeps the splitter's offset arrays: the scan
    reads the blocks then, not the stale arrays."""
    import dataclasses

    doc = split_text("Home\n\n這是一段用來當作正文的文字，它足夠長，也有標點符號，所以看起來像正文。\nShare")
    # The arrays the native splitter attaches, made here so the test runs without it too.
    doc.bounds = (np.array([b.start for b in doc.blocks], dtype=np.int64),
                  np.array([b.end for b in doc.blocks], dtype=np.int64))
    other = split_text("a\nShare this article on Facebook")
    copied = dataclasses.replace(doc, source=other.source, blocks=other.blocks)
    scan = DocScan(copied.source, copied.blocks, _RULES.scan_tables, _S.config, copied.bounds)
    assert scan.starts.tolist() == [b.start for b in other.blocks]
    assert _S.scrub_document(copied, text_mode=True) == _S.scrub(other.source)


def test_fold_codes_are_the_fold_table() -> None:
    """The native scan's code table (set from the pairs in one vector step) is FOLD_TABLE:
    its folds below 0x30000, every other code point itself."""
    import numpy as np

    from scrubber.engine.docscan import FOLD_CODES
    from scrubber.engine.fold import FOLD_TABLE

    expected = np.arange(0x110000, dtype=np.uint32)
    expected[: len(FOLD_TABLE)] = [ord(t) if isinstance(t, str) else t for t in FOLD_TABLE]
    codes = FOLD_CODES
    assert (codes == expected).all() and (codes != np.arange(0x110000)).sum() > 9000


def test_admits_all_reads_every_atom() -> None:
    assert admits_all(["[a-z]", "\\s", "\\d"], "ab 12")
    assert not admits_all(["[a-z]", "\\s"], "ab 12")
    assert not admits_all(["[a-z]"], "a\U00030001")  # (beyond the tables: never admitted)
    assert admits_all([], "") and not admits_all([], "a")


def test_condition_bits_go_to_conditions_that_can_block_a_line() -> None:
    """A whole-line pattern whose characters include all common text (printable ASCII, CJK
    punctuation and ideographs) would block next to no line: it gets no condition bit, so
    the 64 go to rules whose bit saves searches (a date line of month names and digits)."""
    loose = _RULES.rules.index(next(r for r in _RULES.rules if r.id == "ZH-DAT-009"))
    tight = _RULES.rules.index(next(r for r in _RULES.rules if r.id == "EN-DAT-004"))
    assert loose in _RULES.anchored and tight in _RULES.anchored
    assert loose not in _RULES.condition
    assert tight in _RULES.condition
    # The bit's work: a line of the month rule's anchor with a letter its pattern cannot
    # consume is blocked, so never searched.
    _, scan = _scan(["November 20, 2019 kwz"])
    assert scan.blocked[0] & _RULES.condition[tight]
