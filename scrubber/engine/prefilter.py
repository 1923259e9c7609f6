"""Required literals of a regex: strings one of which every match must contain.

A regex rule without ``phrases`` would otherwise run on every line under its ``max_chars``
(~2 µs a search; 80 such rules made text mode 10x slower). :func:`required_literals` reads
the pattern and returns a set of literals such that any line the pattern matches contains
one of them; the engine then runs the regex only on lines where the Aho-Corasick pass found
one. The analysis is conservative: any construct it does not understand yields ``None``
(no prefilter), never a wrong one. Lookaheads count (they must match in the same line);
negative lookarounds, optional parts and classes constrain nothing.

The same reading in two more modes: ``symbols`` (whitespace-free runs of any characters, to
test with ``in`` on the folded line) and ``chars`` (:func:`required_chars`: a few characters,
punctuation or a digit, one of which every match holds -- the test that tells "photo: AP"
from "photos of the day", which the literal gates pass alike).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

from .fold import key

#: Cross products of alternatives are kept up to this many strings.
_MAX_SET = 64
_CLASS_ESCAPES = set("dDwWsSbBAZzpPNXGhHvVRKk")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b"}


class _Unsupported(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Info:
    r"""What a sub-pattern tells: the exact strings it matches (if few), or required factors.

    ``prefix``/``suffix``: strings every match starts/ends with (``{""}`` when unknown), so
    that a literal run crossing a wildcard boundary (``.*by\s``) is still seen whole.
    """

    exact: frozenset[str] | None
    factors: frozenset[str] | None  # every match contains one of these (None: no constraint)
    prefix: frozenset[str] = frozenset({""})
    suffix: frozenset[str] = frozenset({""})


_NOTHING = frozenset({""})
_EMPTY = _Info(_NOTHING, None, _NOTHING, _NOTHING)
_ANY = _Info(None, None)


_SPECIAL = frozenset("\\[]()|.^$*+?{}")
_QUANTIFIERS = frozenset("*+?{")


def _literal(ch: str) -> _Info:
    one = frozenset({ch})
    return _Info(one, None, one, one)


def _cross(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    if len(a) * len(b) > _MAX_SET:
        return _NOTHING
    return frozenset(x + y for x in a for y in b)


def required_literals(pattern: str, *, symbols: bool = False) -> tuple[str, ...] | None:
    """Folded, edge-stripped literals one of which occurs in every line ``pattern`` matches.

    ``None`` when no useful set can be proven (the regex must then run on every line).
    With ``symbols=True`` the literals are whitespace-free runs of any characters (``©``,
    ``»``, ``\ufffd``), folded but not edge-stripped: to test with ``in`` on the folded line.
    The built-in packs' answers are read from :func:`known` (computed ahead).
    """
    found = known().get(("symbols" if symbols else "required", pattern), _UNKNOWN)
    return compute_required(pattern, symbols=symbols) if found is _UNKNOWN else found


def compute_required(pattern: str, *, symbols: bool = False) -> tuple[str, ...] | None:
    """:func:`required_literals`, computed (never read from :func:`known`)."""
    info = _read(pattern, "symbols" if symbols else "alnum")
    if info is None:
        return None
    factors = _factors(info, "symbols" if symbols else "alnum")
    if not factors:
        return None
    return tuple(sorted(factors))


def _read(pattern: str, mode: str) -> _Info | None:
    """What the whole of ``pattern`` tells in ``mode``; None where the reader cannot say."""
    try:
        parser = _Parser(pattern, mode=mode)
        info = parser.alternation()
    except (_Unsupported, IndexError, ValueError):
        return None
    return info if parser.i == len(pattern) else None


#: A required character set is worth testing when it is this small.
_MAX_CHARS = 8


def required_chars(pattern: str) -> tuple[str, ...] | None:
    """Characters one of which every line ``pattern`` matches holds (:func:`compute_chars`;
    the built-in packs' answers are read from :func:`known`)."""
    found = known().get(("chars", pattern), _UNKNOWN)
    return compute_chars(pattern) if found is _UNKNOWN else found


def compute_chars(pattern: str) -> tuple[str, ...] | None:
    """Characters, none a letter or whitespace, one of which every match of ``pattern``
    contains (``[:/]`` in ``photo\\s*[:/]``), :data:`DIGIT` standing for any character
    ``\\d`` matches and :data:`SPACE` for any ``\\s`` matches: a test of one scan of the
    line where the literal gates pass a line on a common word. ``None`` when no such set is
    proven.

    The characters are the pattern's own: the regex runs on the folded line, so a match
    holds them as written (none of them has case).
    """
    info = _read(pattern, "chars")
    if info is None:
        return None
    factors = _factors(info, "chars")
    if not factors or len(factors) > _MAX_CHARS or any(_cost(c) >= _COMMON for c in factors):
        return None
    return tuple(sorted(factors))


_COMMON = 10
#: In ``chars`` mode, "a decimal digit" (``\\d``, ``[0-9]``): any character ``\\d`` matches.
DIGIT = "\\d"
#: In ``chars`` mode, "whitespace" (``\\s``, a class holding ``\\s``): any character ``\\s``
#: matches. Nearly every English line has one; most Chinese lines have none, and a rule
#: that needs one (a menu of words between spaces) is then not searched on them.
SPACE = "\\s"
#: In a start literal (:func:`compute_starts`), "any character ``\\d`` matches": a line's
#: core starts with ``START_DIGIT + "月"`` when it starts with a digit and then ``月``. (A
#: private-use character: the gate lets a core starting with this very character pass too,
#: which only ever searches more.)
START_DIGIT = "\ue000"


def _cost(factor: str) -> int:
    """:func:`_rarity` of a ``chars`` factor: ``DIGIT`` costs what a digit costs, ``SPACE``
    more (most lines of Latin script have one): where a pattern offers a symbol or a digit
    instead, that makes the gate."""
    if factor == DIGIT:
        return 4
    if factor == SPACE:
        return 6
    return _rarity(factor) if len(factor) == 1 else _COMMON


def _rarity(ch: str) -> int:
    """How often a character is expected in a line: letters, marks and whitespace (and
    anything with case) ``_COMMON``, digits 4, other symbols 1."""
    if ch.isalpha() or ch.isspace() or ch.lower() != ch.upper() or ch.casefold() != ch:
        return _COMMON
    if not ch.isprintable() or unicodedata.category(ch).startswith("M"):
        return _COMMON
    return 4 if ch.isdigit() else 1


def _factors(info: _Info, mode: str) -> frozenset[str] | None:
    """The usable factor set of ``info`` (all non-empty)."""
    best = info.factors
    if info.exact is not None:
        pieces = _pieces(info.exact, mode)
        if pieces is not None and (best is None or _score(pieces, mode) > _score(best, mode)):
            best = pieces
    if best is None or any(not f for f in best):
        return None
    return best


@functools.lru_cache(maxsize=4096)
def _pieces(strings: frozenset[str], mode: str) -> frozenset[str] | None:
    """For each exact string, its longest run of letters/digits/single spaces, as a core key
    (``alnum``), its longest whitespace-free run (``symbols``), or its rarest character
    (``chars``)."""
    out = set()
    for s in strings:
        if mode == "chars":
            if not s:
                return None
            out.add(min(s, key=lambda ch: (_rarity(ch), ch)))
            continue
        runs = [key(part) for part in _split_runs(s)] if mode in ("alnum", "starts") else s.split()
        runs = [r for r in runs if r]
        if not runs:
            return None
        out.add(max(runs, key=len))
    return frozenset(out)


def _split_runs(s: str) -> list[str]:
    runs, cur = [], []
    for ch in s:
        if ch.isalnum() or (ch == " " and cur and cur[-1] != " "):
            cur.append(ch)
        else:
            runs.append("".join(cur))
            cur = []
    runs.append("".join(cur))
    return runs


def _score(factors: frozenset[str], mode: str) -> int:
    """Higher is a stronger filter: the shortest literal's length, or (``chars``) the
    fewest and rarest characters."""
    if mode == "chars":
        return -sum(_cost(f) for f in factors)
    return min((len(f) for f in factors), default=0)


def _concat(a: _Info, b: _Info, mode: str) -> _Info:
    exact = None
    if a.exact is not None and b.exact is not None and len(a.exact) * len(b.exact) <= _MAX_SET:
        exact = frozenset(x + y for x in a.exact for y in b.exact)
    prefix = _cross(a.exact, b.prefix) if a.exact is not None else a.prefix
    suffix = _cross(a.suffix, b.exact) if b.exact is not None else b.suffix
    boundary = _Info(_cross(a.suffix, b.prefix), None)  # the literal run across the seam
    candidates = [
        f for f in (a.factors, b.factors, _pieces_or_none(a, mode), _pieces_or_none(b, mode),
                    _pieces_or_none(boundary, mode)) if f
    ]
    factors = max(candidates, key=lambda f: _score(f, mode)) if candidates else None
    return _Info(exact, factors, prefix, suffix)


def _pieces_or_none(info: _Info, mode: str) -> frozenset[str] | None:
    if info.exact is None or info.exact == frozenset({""}):
        return None
    pieces = _pieces(info.exact, mode)
    return pieces if pieces and all(pieces) else None


def _alt(options: list[_Info], mode: str) -> _Info:
    prefix = frozenset().union(*(o.prefix for o in options))
    suffix = frozenset().union(*(o.suffix for o in options))
    prefix = prefix if len(prefix) <= _MAX_SET and "" not in prefix else _NOTHING
    suffix = suffix if len(suffix) <= _MAX_SET and "" not in suffix else _NOTHING
    exact: frozenset[str] | None = frozenset()
    for o in options:
        if exact is None or o.exact is None or len(exact) + len(o.exact) > _MAX_SET:
            exact = None
            break
        exact = exact | o.exact
    factors: frozenset[str] | None = frozenset()
    for o in options:
        f = _factors(o, mode)
        if f is None or factors is None:
            factors = None
            break
        factors = factors | f
    return _Info(exact, factors, prefix, suffix)


class _Parser:
    """A recursive-descent reader of the subset of ``regex`` syntax the analysis needs."""

    def __init__(self, pattern: str, *, mode: str) -> None:
        self.p = pattern
        self.i = 0
        self.mode = mode

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def alternation(self) -> _Info:
        options = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else _alt(options, self.mode)

    def sequence(self) -> _Info:
        info = _EMPTY
        while self.peek() not in ("", "|", ")"):
            run = self._literal_run()
            atom = _literal(run) if run else self.quantified()
            info = _concat(info, atom, self.mode)
        return info

    def _literal_run(self) -> str:
        """Plain characters up to the next special one, as one atom (a word is one concat
        step, not one a letter); a character a quantifier applies to is left to the caller."""
        p, start = self.p, self.i
        end = start
        while end < len(p) and p[end] not in _SPECIAL:
            end += 1
        if end < len(p) and p[end] in _QUANTIFIERS:
            end -= 1  # the quantifier binds the last character only
        if end <= start:
            return ""
        self.i = end
        return p[start:end]

    def quantified(self) -> _Info:
        atom = self.atom()
        ch = self.peek()
        if ch in ("*", "?"):
            self.i += 1
            self._lazy()
            return _ANY if atom is not _EMPTY else _EMPTY
        if ch == "+":
            self.i += 1
            self._lazy()
            return _Info(None, _factors(atom, self.mode), atom.prefix, atom.suffix)
        if ch == "{":
            end = self.p.find("}", self.i)
            body = self.p[self.i + 1 : end] if end > 0 else ""
            low = body.split(",")[0]
            if end < 0 or not (low.isdigit() or low == "") or not all(
                part.isdigit() or part == "" for part in body.split(",")
            ):
                raise _Unsupported("brace")
            self.i = end + 1
            self._lazy()
            if low and int(low) >= 1:
                return _Info(None, _factors(atom, self.mode), atom.prefix, atom.suffix)
            return _ANY
        return atom

    def _lazy(self) -> None:
        if self.peek() in ("?", "+"):
            self.i += 1

    def atom(self) -> _Info:
        ch = self.peek()
        if ch == "(":
            return self.group()
        if ch == "[":
            return self.char_class()
        if ch == "\\":
            return self.escape()
        if ch in ("^", "$"):
            self.i += 1
            return _EMPTY
        if ch == ".":
            self.i += 1
            return _ANY
        if ch in ("*", "+", "?", "{"):
            raise _Unsupported("dangling quantifier")
        self.i += 1
        return _literal(ch)

    def group(self) -> _Info:
        self.i += 1
        kind = "capture"
        if self.peek() == "?":
            self.i += 1
            c = self.peek()
            if c == ":":
                self.i += 1
                kind = "plain"
            elif c == "=":
                self.i += 1
                kind = "lookahead"
            elif c == ">":
                # Atomic: it only prunes the ways a plain group could match, so whatever
                # every match of the plain group holds, every match of this one holds too.
                self.i += 1
                kind = "plain"
            elif c in ("!",):
                self.i += 1
                kind = "negative"
            elif c == "<" and self.p[self.i + 1 : self.i + 2] in ("=", "!"):
                self.i += 2
                kind = "lookbehind"
            elif (c == "P" and self.p[self.i + 1 : self.i + 2] == "<") or c == "<":
                end = self.p.find(">", self.i)
                if end < 0:
                    raise _Unsupported("group name")
                self.i = end + 1
            else:
                raise _Unsupported("group flags")
        inner = self.alternation()
        if self.peek() != ")":
            raise _Unsupported("unclosed group")
        self.i += 1
        if kind in ("negative", "lookbehind"):
            return _EMPTY
        if kind == "lookahead":
            # It must match in the line, but consumes nothing: its factors constrain the line.
            return _Info(_NOTHING, _factors(inner, self.mode), _NOTHING, _NOTHING)
        return inner

    def char_class(self) -> _Info:
        """A class constrains nothing, except (for symbols) a short list of plain characters:
        ``[|•·]`` matches exactly one of them."""
        start = self.i
        self.i = class_end(self.p, self.i)
        chars = self.p[start + 1 : self.i - 1]
        if self.mode == "chars" and chars == "0-9":
            return _Info(None, frozenset({DIGIT}))
        if self.mode == "starts" and chars in ("0-9", "\\d"):
            return _literal(START_DIGIT)
        if self.mode == "chars" and ("\\s" in chars or "\\d" in chars or "0-9" in chars):
            # ``[\\s|/·]``, ``[\\d,.]``: whitespace or a digit, or one of the symbols.
            classes = {SPACE} if "\\s" in chars else set()
            classes |= {DIGIT} if "\\d" in chars or "0-9" in chars else set()
            rest = chars.replace("\\s", "").replace("\\d", "").replace("0-9", "")
            if not rest or _plain_class(rest, self.mode):
                return _Info(None, frozenset({*classes, *rest}))
            return _ANY
        if self.mode in ("alnum", "starts"):
            return _ANY
        # A '-' first or last in the class is itself, not a range: ``[-/.]`` is one of three.
        hyphen = len(chars) > 1 and (chars[0] == "-" or chars[-1] == "-")
        body = chars[1:] if hyphen and chars[0] == "-" else chars[:-1] if hyphen else chars
        if not _plain_class(body, self.mode):
            return _ANY
        members = frozenset(body) | ({"-"} if hyphen else frozenset())
        return _Info(members, None, members, members)

    def escape(self) -> _Info:
        c = self.p[self.i + 1]
        if c == "d" and self.mode == "chars":
            self.i += 2
            return _Info(None, frozenset({DIGIT}))
        if c == "d" and self.mode == "starts":
            self.i += 2
            return _literal(START_DIGIT)
        if c == "s" and self.mode == "chars":
            self.i += 2
            return _Info(None, frozenset({SPACE}))
        if c in _CLASS_ESCAPES:
            self.i += 2
            if c in "pPN" and self.peek() == "{":
                end = self.p.find("}", self.i)
                if end < 0:
                    raise _Unsupported("property")
                self.i = end + 1
            return _EMPTY if c in "bBAZzG" else _ANY
        if c in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[c]
            code = self.p[self.i + 2 : self.i + 2 + width]
            self.i += 2 + width
            return _literal(chr(int(code, 16)))
        if c.isdigit():
            raise _Unsupported("backreference")
        self.i += 2
        return _literal(_SIMPLE_ESCAPES.get(c, c))


#: Characters that make a class more than a list of characters (negation, ranges, escapes,
#: nesting and set operations, POSIX classes).
_CLASS_SYNTAX = frozenset("^-\\[]&~:")
#: Characters with a meaning of their own outside a class.
_SYNTAX = frozenset("\\^$.|?*+()[]{}")


def _plain_class(chars: str, mode: str) -> bool:
    """A class body listing at most 16 characters, none of them whitespace or class syntax
    (``chars``: a ``:`` too -- without a ``[`` it cannot open a POSIX class)."""
    syntax = _CLASS_SYNTAX - {":"} if mode == "chars" else _CLASS_SYNTAX
    return (0 < len(chars) <= 16 and "||" not in chars
            and not any(c in syntax or c.isspace() for c in chars))


#: What may sit between ``^`` and the literal a line-start pattern begins with: characters
#: that are never letters or digits, so the literal begins the line's core.
_SKIPS = (r"[^\p{L}\p{N}]*", r"\s*", "")
_LEAD = regex.compile(r"[\p{L}\p{N}\ue000]+")


def start_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings one of which the core key of every line ``pattern`` matches starts with
    (:func:`compute_starts`; the built-in packs' answers are read from :func:`known`)."""
    found = known().get(("starts", pattern), _UNKNOWN)
    return compute_starts(pattern) if found is _UNKNOWN else found


#: The built-in packs' analyses, computed ahead by ``tools/gen_prefilter_table.py``: the
#: analysis is a fifth of ``Scrubber()``'s compile time, and the same every time.
TABLE = Path(__file__).with_name("_prefilter_table.json")
_UNKNOWN = object()


@functools.cache
def known() -> dict[tuple[str, str], tuple[str, ...] | None]:
    """``(kind, pattern) -> answer`` for the patterns of the built-in packs (kind
    ``required``, ``symbols``, ``starts``, ``chars``, ``atoms`` -- :func:`.charset.consumed_atoms` --
    or ``blocked``, :func:`.charset.common_blocked`);
    empty when the table is missing. A test checks every entry against the computation and
    that every built-in pattern has its entries."""
    try:
        rows = json.loads(TABLE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {(kind, pattern): None if answer is None else tuple(answer)
            for pattern, *answers in rows for kind, answer in zip(_KINDS, answers, strict=True)}


_KINDS = ("required", "symbols", "starts", "chars", "atoms", "blocked")


def compute_starts(pattern: str) -> tuple[str, ...] | None:
    """Strings one of which the core key of every line ``pattern`` matches starts with.

    For patterns whose every top-level branch reads ``^`` (lookarounds) (``[^\\p{L}\\p{N}]*``
    or ``\\s*``) then something every match of which starts with a known literal: the
    literal begins at the line's first letter or digit, which is where :func:`core` starts.
    Only the literal's leading run of letters and digits is kept (it survives ``core``
    unchanged). ``None`` when that cannot be shown for every branch.
    """
    out: set[str] = set()
    for branch in top_branches(pattern):
        after = _after_start(branch)
        if after is None:
            return None
        for rest in _without_optional_start(after, _OPTIONAL_DEPTH):
            info = _read(rest, "starts")
            if info is None or "" in info.prefix:
                return None
            for literal in info.prefix:
                lead = _LEAD.match(literal)
                if lead is None:
                    return None
                out.add(lead.group())
    return tuple(sorted(out)) or None


#: Optional groups read off the start of a branch, at most (2**depth forms of it).
_OPTIONAL_DEPTH = 4
#: Tokens that consume only characters ``core`` strips from a line's start.
_BLANK_TOKENS = (r"\s*", r"\s+", r"[^\p{L}\p{N}]*", r"[^\p{L}\p{N}]+")


def _without_optional_start(rest: str, depth: int) -> list[str]:
    """``rest`` as the forms that together match what it matches, its leading optional
    groups taken apart: ``(?:click to )?share...`` is ``(?:click to )share...`` or
    ``share...`` (a possessive or lazy ``?`` matches no more than both). After a group left
    out, a token that consumes only blanks or non-letters is left out too."""
    if depth == 0 or not rest.startswith("("):
        return [rest]
    end = _group_end(rest, 0)
    if end is None or rest[end : end + 1] != "?":
        return [rest]
    after = end + 1 + (rest[end + 1 : end + 2] in ("?", "+"))
    without = rest[after:]
    for token in _BLANK_TOKENS:
        if without.startswith(token) and without[len(token) : len(token) + 1] not in ("*", "+", "?", "{"):
            without = without[len(token):]
            break
    return [rest[:end] + rest[after:], *_without_optional_start(without, depth - 1)]


def _after_start(branch: str) -> str | None:
    """The branch after ``^``, its leading lookarounds and one skip token; None if other."""
    if not branch.startswith("^"):
        return None
    i = 1
    while branch.startswith(("(?=", "(?!"), i):
        end = _group_end(branch, i)
        if end is None:
            return None
        i = end
    separated = _after_separator_class(branch, i)
    if separated is not None:
        return _past_punctuation(separated)
    for skip in _SKIPS:
        if branch.startswith(skip, i):
            rest = branch[i + len(skip):]
            # A skip token followed by a quantifier would not be the token read here.
            return None if rest[:1] in ("*", "+", "?", "{") else _past_punctuation(rest)
    return None


def _past_punctuation(rest: str) -> str:
    """``rest`` after its leading punctuation (``\\(``, ``\\[``, ``©``, each optional or
    not) and the blanks after each: ``core`` strips every leading character that is no
    letter or digit, so ``^[^\\p{L}\\p{N}]*\\(\\s*reporting`` starts its core with 'reporting'."""
    while rest:
        if rest[0] == "\\" and len(rest) >= 2 and not rest[1].isalnum() and not rest[1].isspace():
            rest = rest[2:]
        elif rest[0] not in _SYNTAX and not rest[0].isalnum() and not rest[0].isspace():
            rest = rest[1:]  # (a plain symbol: '©', '»')
        else:
            break
        if rest[:1] == "?":
            rest = rest[1:]
        for blank in (r"\s*", r"\s+"):
            if rest.startswith(blank):
                rest = rest[len(blank):]
                break
    return rest  # (a quantifier left at its head, ``\\(+``, fails the reading after: no literals)


def _after_separator_class(branch: str, i: int) -> str | None:
    """The branch after a starred class of listed characters none of which is a letter or
    a digit (``[\\s|/·•,+\\-]*``: a line's leading separators, which ``core`` strips like
    ``[^\\p{L}\\p{N}]*``) at ``i``; None if no such class is there."""
    if not branch.startswith("[", i) or branch.startswith("[^", i):
        return None
    try:
        end = class_end(branch, i)
    except IndexError:  # (no closing bracket: not a class this reads)
        return None
    body, j = branch[i + 1 : end - 1], end
    if branch[j : j + 1] != "*":
        return None
    j += 1 + (branch[j + 1 : j + 2] in ("?", "+"))
    if branch[j : j + 1] in ("*", "+", "?", "{"):
        return None
    k = 0
    while k < len(body):
        c = body[k]
        if c == "\\":
            c = body[k + 1 : k + 2]
            k += 2
            if c == "s" or (c and not c.isalnum() and not _LEAD.match(c)):
                continue
            return None
        if c in "[]^" or (c == "-" and 0 < k < len(body) - 1) or _LEAD.match(c):
            return None
        k += 1
    return branch[j:] if body else None


def class_end(p: str, i: int) -> int:
    """Index just past the character class opening at ``p[i]`` (nested classes included)."""
    i += 1
    if p[i : i + 1] == "^":
        i += 1
    if p[i : i + 1] == "]":
        i += 1
    depth = 1
    while depth:
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        i += 1
    return i


def _structure(p: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """``(index, character, group depth before it)`` for every character of ``p`` from
    ``i`` that is outside escapes and character classes."""
    depth, cls = 0, False
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if cls:
            if c == "]":
                cls = False
        elif c == "[":
            cls = True
            if p[i + 1 : i + 2] == "^":
                i += 1
            if p[i + 1 : i + 2] == "]":
                i += 1
        else:
            yield i, c, depth
            depth += (c == "(") - (c == ")")
        i += 1


def _group_end(p: str, i: int) -> int | None:
    """Index just past the group opening at ``p[i]``."""
    return next((j + 1 for j, c, depth in _structure(p, i) if c == ")" and depth == 1), None)


def top_branches(p: str) -> list[str]:
    """The top-level ``|`` branches of a pattern."""
    cuts = [j for j, c, depth in _structure(p) if c == "|" and depth == 0]
    return [p[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(p)], strict=True)]
