"""The literals engine.prefilter derives are necessary conditions: a line a pattern matches
holds one of them (``required_literals``: in its core key, or with ``symbols=True`` in the
folded line) and its core starts with one of the ``start_literals``. The engine skips a
regex wherever they are absent, so an unsound literal would drop a removal silently."""

from __future__ import annotations

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrubber import Scrubber
from scrubber.engine.compile import _start_regex
from scrubber.engine.fold import core, fold
from scrubber.engine.prefilter import (
    DIGIT,
    SPACE,
    START_DIGIT,
    required_chars,
    required_literals,
    start_literals,
)

_RULES = Scrubber().rules


def _sound(pattern: str, line: str) -> None:
    folded = fold(line)
    if not regex.search(pattern, folded):
        return
    key = core(folded)
    for literals, where in ((required_literals(pattern), key),
                            (required_literals(pattern, symbols=True), folded)):
        if literals:
            assert any(lit in where for lit in literals), (pattern, line, literals)
    starts = start_literals(pattern)
    if starts:  # (START_DIGIT in a literal: any \d there)
        assert _start_regex(starts).match(key), (pattern, line, starts)
    chars = required_chars(pattern)
    if chars:
        classes = {DIGIT: r"\d", SPACE: r"\s"}
        assert any(regex.search(classes[c], folded) if c in classes else c in folded for c in chars), (pattern, line, chars)


def test_builtin_patterns_on_their_examples() -> None:
    lines = [t for r in _RULES.rules for t in (*r.examples_remove, *r.examples_keep)]
    checked = 0
    for rule in _RULES.rules:
        if rule.pattern and rule.unit == "line":
            for line in lines:
                _sound(rule.pattern, line)
            checked += 1
    assert checked > 80


# Patterns from a small grammar over the constructs the analysis reads (literal runs,
# escapes, classes, groups, alternation, quantifiers, anchors, lookarounds), matched
# against lines from the same characters.
_ATOMS = ["ab", "re:", "x", "中文", "©", "a b", r"\d", r"\s", "[ab]", "[^a]", ".", r"\.", "c",
          "[|•·]", "[x-z]", "[©:]", "[a-]", "[|]", r"[\s|]", "[中©]", "[:/]", "[0-9]", r"\(", "[(:]",
          "[^:|]", "[(-+]", r"\d+", "[-/.]", "[/.-]", r"[\d,.]", "[0-9.]", r"[^\d,]"]
_PIECES = ["ab", "re:", "x", "中文", "©", "c", "1", " ", ".", "a", "b", "e", ":", "|", "•", "y", "-",
           "/", "(", ")", "*", "+", "2", "٣", ",", "%"]


@st.composite
def _patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            inner = [draw(_patterns(depth + 1)) for _ in range(draw(st.integers(1, 3)))]
            kind = draw(st.sampled_from(["(?:", "(", "(?=.*", "(?!"]))
            atom = kind + "|".join(inner) + ")"
        else:
            atom = draw(st.sampled_from(_ATOMS))
        atom += draw(st.sampled_from(["", "", "", "?", "*", "+", "{1,2}", "{0,3}"]))
        parts.append(atom)
    pattern = "".join(parts)
    if depth == 0:
        pattern = draw(st.sampled_from(["", "^", "^[^\\p{L}\\p{N}]*"])) + pattern + draw(st.sampled_from(["", "$"]))
    return pattern


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patterns(), st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map("".join),
                             min_size=1, max_size=6))
def test_generated_patterns(pattern: str, lines: list[str]) -> None:
    try:
        regex.compile(pattern)
    except regex.error:
        return
    for line in lines:
        _sound(pattern, line)


def test_table_of_built_in_analyses_is_current() -> None:
    """``_prefilter_table.json`` (read instead of analysing the built-in patterns at every
    compile) says what the analysis computes, for every built-in pattern: regenerate it with
    ``python tools/gen_prefilter_table.py`` after changing a pack's pattern or prefilter.py."""
    from scrubber import Config
    from scrubber.engine import prefilter
    from scrubber.engine.charset import compute_atoms, compute_blocked
    from scrubber.engine.compile import load_packs

    table = prefilter.known()
    patterns = {r.pattern for p in load_packs(Config()) for r in p.rules if r.pattern}
    stale = "run python tools/gen_prefilter_table.py"
    assert {pattern for _, pattern in table} == patterns, stale
    for (kind, pattern), answer in table.items():
        if kind == "starts":
            assert prefilter.compute_starts(pattern) == answer, (stale, pattern)
        elif kind == "chars":
            assert prefilter.compute_chars(pattern) == answer, (stale, pattern)
        elif kind == "atoms":
            found = compute_atoms(pattern, valid=True)
            assert (None if found is None else tuple(found)) == answer, (stale, pattern)
        elif kind == "blocked":
            blocked = compute_blocked(pattern, valid=True)
            assert (None if blocked is None else tuple(blocked)) == answer, (stale, pattern)
        else:
            assert prefilter.compute_required(pattern, symbols=kind == "symbols") == answer, (stale, pattern)
    assert {kind for kind, _ in table} == {"required", "symbols", "starts", "chars", "atoms", "blocked"}
    # A pattern outside the table is analysed on the spot.
    assert required_literals(r"^(?:zorblat|quimvex)\s+\d+$") == ("quimvex", "zorblat")
    assert start_literals(r"^[^\p{L}\p{N}]*zorblat\b") == ("zorblat",)


def test_every_builtin_line_regex_is_gated() -> None:
    """Every built-in line regex runs only on lines that pass a gate: Aho-Corasick anchors
    (its literals), or, searched by line length, a condition bit (characters it needs). A
    rewrite that the analysis cannot read loses its gate silently and is then searched on
    every line: ZH-NAV-004 rewritten with an atomic group ran 24,000 searches a pass over
    the development texts instead of 150, until the analysis read ``(?>...)``."""
    from scrubber import Config
    from scrubber.engine.compile import CompiledRules, load_packs, select_rules

    rules = CompiledRules(select_rules(load_packs(Config()), (), ()))
    free = {i: bit for i, _, bit in rules.free_regex}
    for i, rule in enumerate(rules.rules):
        if rule.unit == "line" and rule.match == "regex":
            assert i in rules.anchored or free.get(i), f"{rule.id} has no gate: searched on every line"
    assert required_literals(r"^(?>ab|cd)+x") == ("abx", "cdx") and required_literals(r"^(?>\s*+zorblat)") == ("zorblat",)


def test_required_chars() -> None:
    """The character sets the analysis proves, on shapes the built-in packs use: a class
    of punctuation after a word, digits, and nothing from what may be absent or is a letter."""
    from scrubber.engine.prefilter import compute_chars

    assert compute_chars(r"^[^\p{L}\p{N}]*(?:photo|image)\s*[:/]\s*\S+$") == ("/", ":")
    assert compute_chars(r"^(?:photo|video)\s*:|\((?:credit)\)$") == ("(", ":")
    assert compute_chars(r"^\d{1,2} comments$|^[0-9]+ likes$") == (DIGIT,)
    assert compute_chars(r"^\S+\s*(?:>>?|»)\s*\S+") == (">", "»")
    assert compute_chars(r"^(?:photo|video)\s*:?\s*\S+$") is None  # the colon is optional
    assert compute_chars(r"^(?!.*:)share this$") is None  # a negative lookahead proves nothing
    assert compute_chars(r"^[^:|]+$") is None
    assert compute_chars(r"^share (?:this|it)$") is None  # letters and spaces: not worth a test
    # Whitespace as ``\s``: most Chinese lines have none, so a rule that needs it is not
    # searched on them; a symbol or a digit, where the pattern offers one, makes the gate.
    assert compute_chars(r"^(?:\p{Han}{2}|ai)(?:\s+(?:\p{Han}{2}|ai)){4,}\s*$") == (SPACE,)
    assert compute_chars(r"^(?=.*\S[\s|/·]+\S)(?:[\s|/·]|首页|登录)+$") == ("/", SPACE, "|", "·")
    assert compute_chars(r"^(?:more|next)\s+\d+ stories$") == (DIGIT,)
    assert compute_chars(r"^(?:more|next)\s*:\s+stories$") == (":",)
    assert compute_chars(r"^(?:more|next)\s*stories$") is None  # (optional whitespace)
    assert compute_chars(r"^[^\s]+$") is None and compute_chars(r"^[\s\S]+$") is None
    # A '-' first or last in a class is a hyphen, not a range: a date's separators (the
    # digits alone passed every line holding one: '11', '$164.99' searched for a date).
    assert compute_chars(r"^[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}$") == ("-", ".", "/")
    assert compute_chars(r"^\d+[/.-]\d+$") == ("-", ".", "/")
    assert compute_chars(r"^[a-z]+$") is None and compute_chars(r"^x[^-/]y$") is None
    # A class of a digit (or whitespace) and symbols: one of them.
    assert compute_chars(r"^[\d,.]+[km]?\s*(?:shares?|likes?)$") == (",", ".", DIGIT)
    assert compute_chars(r"^[0-9.]+%$") == ("%",)
    assert compute_chars(r"^[^\d]+$") is None and compute_chars(r"^[^\s\d]x$") is None


def test_start_literals_read_past_optional_groups() -> None:
    """A leading optional group is one form with it and one without: both forms' words
    start a matching line's core (and a form that starts unknowably gives no answer)."""
    assert start_literals(r"^[^\p{L}\p{N}]*(?:click to )?(?:share|tweet)\s+this$") == ("click", "share", "tweet")
    assert start_literals(r"^(?:por\s+)?(?:agencia\s+)?(?:efe|afp)$") == ("afp", "agencia", "efe", "por")
    assert start_literals(r"^\s*(?:read )??more:?\s*\S+") == ("more", "read")
    assert start_literals(r"^(?:\d+\s+)?comments$") == ("comments", START_DIGIT)  # (a digit: any \d)
    assert start_literals(r"^(?:\w+\s+)?comments$") is None


def test_start_literals_may_start_with_a_digit() -> None:
    """``\\d`` or ``[0-9]`` where a literal would be: START_DIGIT, any ``\\d`` there (Unicode
    digits too, as the regex has it); an optional or other class gives no answer."""
    assert start_literals(r"^[^\p{L}\p{N}]*[0-9]{4}-\d\d$|^\s*(?:19|20)\d\d年") == (
        f"19{START_DIGIT}{START_DIGIT}年", f"20{START_DIGIT}{START_DIGIT}年", START_DIGIT)
    assert start_literals(r"^[^\p{L}\p{N}]*\d*\s*views$") is None
    assert start_literals(r"^[^\p{L}\p{N}]*[\d,.]+\s*views$") is None
    test = _start_regex((START_DIGIT + "月", "共"))
    assert test.match("3月") and test.match("٣月") and test.match("共") and not test.match("x月")


_WORDS = ["click to ", "read ", "por ", "1 ", "a", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3), st.sampled_from(["share", "more", "x"]),
       st.sampled_from(["", r"\s*", r"\s+"]), st.lists(st.sampled_from([*_WORDS, "share", "more", " ", "-"]),
                                                   max_size=5).map("".join))
def test_generated_optional_starts(optional: list[str], word: str, blank: str, line: str) -> None:
    pattern = "^[^\\p{L}\\p{N}]*" + "".join(f"(?:{regex.escape(w)})?" for w in optional) + blank + word
    try:
        regex.compile(pattern)
    except regex.error:
        return
    _sound(pattern, line)
    _sound(pattern, "".join(optional) + word + " " + line)


def test_start_literals_read_past_a_class_of_separators() -> None:
    """A starred class listing only characters that are no letter or digit (a share bar's
    leading ``|`` and blanks) consumes what ``core`` strips: the literal after it starts the
    core. A class holding a letter, a digit class, a range or a ``\\u`` escape does not."""
    assert start_literals(r"^(?=.*\S[\s|]+\S)[\s|/·•,+\-]*(?:facebook|x)(?:[\s|]|facebook|x)*$") == ("facebook", "x")
    assert start_literals(r"^[,\-|]*?facebook") == ("facebook",)
    for pattern in (r"^[\s|a]*facebook", r"^[\d,]*facebook", r"^[,-|]*facebook", r"^[\u00e9]*facebook",
                    r"^[\s|]+facebook", r"^[\s|]**facebook", r"^[^\s|]*facebook"):
        assert start_literals(pattern) is None, pattern


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["|", " ", "-", "·", ",", "facebook", "x", "a", "1", "é", "\u3000", "."]),
                max_size=8).map("".join))
def test_generated_separator_starts(line: str) -> None:
    for pattern in (r"^[\s|/·•,+\-]*(?:facebook|x)(?:[\s|,\-]|facebook|x)*$", r"^[\s|\-]*x", r"^[.,]*?facebook\b"):
        _sound(pattern, line)
        _sound(pattern, line + "facebook")


def test_start_literals_read_past_leading_punctuation() -> None:
    """Escaped punctuation after the start (each optional or not, blanks after it) is what
    ``core`` strips: '(Reporting by ...' starts its core with 'reporting'. A repeated one is
    not read past."""
    assert start_literals(r"^[^\p{L}\p{N}]*\(\s*(?:additional\s+)?(?:reporting|writing)\s+by\s+\S") == (
        "additional", "reporting", "writing")
    assert start_literals(r"^\[?\s*foo") == ("foo",)
    assert start_literals(r"^[^\p{L}\p{N}]*©\s*reuters$") == ("reuters",)  # a plain symbol too
    assert start_literals(r"^.foo") is None  # ('.' is any character: it may be the core's first)
    assert start_literals(r"^\(+foo") is None and start_literals(r"^\(\s*\w+") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["(", "[", " ", "-", "reporting", "by", "x", "a", "1", "\u3000", ".", "©"]),
                max_size=8).map("".join))
def test_generated_punctuation_starts(line: str) -> None:
    for pattern in (r"^[^\p{L}\p{N}]*\(\s*(?:a\s+)?reporting\s+by\s+x", r"^\s*\[?\(?\s*by", r"^\(\s+x",
                    r"^[^\p{L}\p{N}]*©\s*by", r"^-?x", r"^.by"):
        _sound(pattern, line)
        _sound(pattern, line + "reporting by x")


def test_the_charset_analysis_reads_the_table_for_a_rule_pattern(monkeypatch) -> None:
    """``consumed_atoms(pattern, valid=True)`` (a rule's pattern) takes the table's answer
    where it has one, and scans the pattern otherwise -- or when not told it is valid."""
    from scrubber.engine import charset

    pattern = r"^[^\p{L}\p{N}]*zorblat\s+\d+$"
    scanned = charset.compute_atoms(pattern)
    assert scanned is not None and charset.consumed_atoms(pattern, valid=True) == scanned
    monkeypatch.setattr(charset, "known", lambda: {("atoms", pattern): ("[x]",)})
    assert charset.consumed_atoms(pattern, valid=True) == ["[x]"]
    assert charset.consumed_atoms(pattern) == scanned
