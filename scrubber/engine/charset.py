"""Character-level necessary conditions of a regex, checked for every line of a document at once.

A line rule's regex runs on each short line (~1 µs a search). Two facts about a pattern rule
most lines out without running it:

* :func:`consumed_atoms`: when every top-level branch is anchored at both ends (``^...$``),
  a match consumes the whole line, so every character of the line is matched by one of the
  pattern's consuming atoms (literals, classes, escapes outside lookarounds). A line holding
  a character no atom matches cannot match.
* the first characters of the pattern's required literals
  (:func:`~scrubber.engine.prefilter.required_literals`, ``symbols=True``): a line holding
  none of them cannot match.

Both are per-character tests, so :class:`CharMasks` turns them into a code point -> bit mask
table; a document's per-line masks are then one table lookup and one OR-reduction per line
(numpy). The analysis is conservative: any construct it does not know yields no condition.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import regex

from .prefilter import class_end, known

#: Code points the tables cover; characters above are never taken as evidence against a rule.
#: The BMP and the supplementary multilingual plane (emoji, symbols): CJK Extension B and
#: above are rare in web text, and covering them cost 0.2 s of every Scrubber's startup.
DOMAIN = 0x20000
_ZERO_WIDTH_ESCAPES = set("bBAZz")
_CLASS_ESCAPES = set("dDwWsSpP")
_CHAR_ESCAPES = set("ntrfvae")


class _Unknown(Exception):
    pass


class _Scanner:
    """Reads a pattern into its consuming atoms and checks ``^...$`` on every top-level branch."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.atoms: list[str] = []

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def alternation(self, look: bool) -> bool:
        """Read up to ``)`` or the end; True when every branch is ``^...$``."""
        anchored = True
        while True:
            anchored = self.branch(look) and anchored
            if self.peek() != "|":
                return anchored
            self.i += 1

    def branch(self, look: bool) -> bool:
        first = last = None
        while self.peek() not in ("", "|", ")"):
            kind = self.token(look)
            if first is None:
                first = kind
            last = kind
        return first == "^" and last == "$"

    def token(self, look: bool) -> str:
        """Read one atom (with its quantifier); its kind: ``^``, ``$``, ``zero`` or ``atom``."""
        ch = self.peek()
        kind = "atom"
        if ch in ("^", "$"):
            self.i += 1
            kind = ch
        elif ch == "(":
            self.group(look)
            kind = "group"
        elif ch == "[":
            self.add(self.char_class(), look)
        elif ch == "\\":
            kind = self.escape(look)
        elif ch == ".":
            if not look:
                raise _Unknown("any character")
            self.i += 1
        elif ch in ("*", "+", "?", "{"):
            raise _Unknown("dangling quantifier")
        else:
            self.i += 1
            self.add(regex.escape(ch), look)
        if self.quantifier():
            return "quantified"
        return kind

    def quantifier(self) -> bool:
        ch = self.peek()
        if ch in ("*", "+", "?"):
            self.i += 1
        elif ch == "{":
            end = self.p.find("}", self.i)
            body = self.p[self.i + 1 : end] if end > 0 else ""
            if end < 0 or not body or not all(part.isdigit() or part == "" for part in body.split(",")):
                raise _Unknown("brace")
            self.i = end + 1
        else:
            return False
        if self.peek() in ("?", "+"):
            self.i += 1
        return True

    def add(self, atom: str, look: bool) -> None:
        if not look:
            self.atoms.append(atom)

    def group(self, look: bool) -> None:
        self.i += 1
        inner_look = look
        if self.peek() == "?":
            rest = self.p[self.i + 1 : self.i + 3]
            if rest[:1] in (":", ">", "|"):
                self.i += 2
            elif rest[:1] in ("=", "!"):
                self.i += 2
                inner_look = True
            elif rest in ("<=", "<!"):
                self.i += 3
                inner_look = True
            elif rest[:2] == "P<" or (rest[:1] == "<" and rest[1:2].isalpha()):
                end = self.p.find(">", self.i)
                if end < 0:
                    raise _Unknown("group name")
                self.i = end + 1
            else:
                raise _Unknown("group flags")
        self.alternation(inner_look)
        if self.peek() != ")":
            raise _Unknown("unclosed group")
        self.i += 1

    def char_class(self) -> str:
        start = self.i
        self.i = class_end(self.p, self.i)
        return self.p[start : self.i]

    def escape(self, look: bool) -> str:
        c = self.p[self.i + 1]
        start = self.i
        self.i += 2
        if c in _ZERO_WIDTH_ESCAPES:
            return "zero"
        if c in "pP":
            if self.peek() == "{":
                end = self.p.find("}", self.i)
                if end < 0:
                    raise _Unknown("property")
                self.i = end + 1
            else:
                self.i += 1
        elif c in "xuU":
            if c == "x" and self.peek() == "{":
                end = self.p.find("}", self.i)
                if end < 0:
                    raise _Unknown("hex")
                self.i = end + 1
            else:
                self.i += {"x": 2, "u": 4, "U": 8}[c]
        elif c.isalnum() and c not in _CLASS_ESCAPES and c not in _CHAR_ESCAPES:
            raise _Unknown(f"escape \\{c}")
        self.add(self.p[start : self.i], look)
        return "atom"


def consumed_atoms(pattern: str, *, valid: bool = False) -> list[str] | None:
    """The single-character regexes every character of a whole-line match is matched by.

    ``None`` unless every top-level branch is anchored ``^...$`` and the pattern uses only
    constructs the scanner knows (no ``.``, backreferences, inline flags ...), and compiles
    -- tested unless the caller knows it does (``valid``: a rule's pattern, validated when
    its pack was loaded; compiling costs more than the scan). A built-in pattern's answer is
    read from the prefilter table (:func:`.prefilter.known`: scanning them all took ~15 ms of
    every ``Scrubber()``).
    """
    table = known() if valid else {}
    if ("atoms", pattern) in table:
        found = table["atoms", pattern]
        return None if found is None else list(found)
    return compute_atoms(pattern, valid=valid)


def compute_atoms(pattern: str, *, valid: bool = False) -> list[str] | None:
    """:func:`consumed_atoms` by scanning the pattern (what the prefilter table holds for the
    built-in ones)."""
    scanner = _Scanner(pattern)
    try:
        anchored = scanner.alternation(look=False)
        if scanner.i != len(pattern) or not anchored:
            return None
        if not valid:
            regex.compile(pattern)
    except (_Unknown, IndexError, ValueError, regex.error):
        return None
    return scanner.atoms


class CharMasks:
    """Code point -> bit mask over a list of rule conditions, in one table.

    ``allowed[k]`` (or ``None``): atoms of condition ``k``; a character none of them
    matches sets bit ``k``. ``needed[k]`` (or ``None``): characters of which a line must
    contain one; each distinct set of them has a bit of its own above the condition bits.
    OR-reduce the table over a line's characters, and :meth:`blocked` turns the result into
    the conditions the line fails.
    """

    #: Distinct needed-character sets (the lookup in :meth:`blocked` has 2**MAX_NEEDS rows).
    MAX_NEEDS = 10

    def __init__(self, allowed: Sequence[Sequence[str] | None], needed: Sequence[str | None]) -> None:
        self.size = len(allowed)
        # A needed character outside the table could not be seen: such a condition is dropped.
        sets = sorted({chars for chars in needed if chars and all(ord(ch) < DOMAIN for ch in chars)})
        if len(sets) > self.MAX_NEEDS or self.size + len(sets) > 64:
            raise ValueError("too many condition bits")
        position = {chars: self.size + j for j, chars in enumerate(sets)}
        #: Conditions whose needed characters are checked.
        self.needs = {k for k, chars in enumerate(needed) if chars in position}
        # One entry past the domain (index DOMAIN): characters above it, never evidence.
        self.table = np.zeros(DOMAIN + 1, dtype=np.uint64)
        for k, atoms in enumerate(allowed):
            if atoms is None:
                continue
            packed = np.zeros_like(_members(atoms[0]))
            for atom in set(atoms):  # OR of the packed bits, unpacked once
                packed |= _members(atom)
            ok = np.unpackbits(packed, count=DOMAIN).view(bool)
            self.table[:DOMAIN][~ok] |= np.uint64(1 << k)
        for chars, p in position.items():
            for ch in chars:
                self.table[ord(ch)] |= np.uint64(1 << p)
        self.table.flags.writeable = False
        # Row h (the needed-set bits a line has): the conditions whose set it lacks.
        missing = np.zeros(1 << len(sets), dtype=np.uint64)
        rows = np.arange(len(missing))
        for k, chars in enumerate(needed):
            if chars in position:
                missing[(rows >> (position[chars] - self.size)) & 1 == 0] |= np.uint64(1 << k)
        missing.flags.writeable = False
        #: Row h (the needed-set bits a line has): the conditions whose set it lacks.
        self.missing = missing
        #: The condition bits, and the shift to the needed-set bits.
        self.bad = np.uint64((1 << self.size) - 1)
        self.shift = np.uint64(self.size)

    def blocked(self, reduced: np.ndarray) -> np.ndarray:
        """Per line, the conditions it fails, from the OR of the table over its characters."""
        return (reduced & self.bad) | self.missing[(reduced >> self.shift).astype(np.intp)]


@functools.cache
def domain_text() -> str:
    """Every code point of the domain, in order (lone surrogates included)."""
    # (Decoded from their UTF-32 in one call: a join of chr() of each took 14 ms at start-up.)
    return np.arange(DOMAIN, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")


def admits_all(atoms: Sequence[str], text: str) -> bool:
    """Every character of ``text`` is matched by one of the single-character ``atoms``."""
    return not unadmitted(atoms, text)


def unadmitted(atoms: Sequence[str], text: str) -> str:
    """The characters of ``text`` (each once, in order) that none of ``atoms`` matches."""
    left = set(text)
    classes = []
    for atom in set(atoms):  # (literal characters by hand, classes by their members)
        if len(atom) == 1 or (len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum()):
            left.discard(atom[-1])
        else:
            classes.append(atom)
    for atom in classes:
        if not left:
            break
        bits = _members(atom)
        left = {ch for ch in left if ord(ch) >= DOMAIN or not (bits[ord(ch) >> 3] >> (7 - (ord(ch) & 7))) & 1}
    return "".join(dict.fromkeys(ch for ch in text if ch in left))


#: Characters of common text in the packs' languages: printable ASCII, Latin-1 letters, CJK
#: punctuation and the most frequent ideographs. A whole-line pattern that can consume all
#: of them blocks next to no line by its characters (:func:`common_blocked`).
COMMON_TEXT = "".join(map(chr, range(0x20, 0x7F))) + (
    "éèàçüöäßñ，。！？、：；“”（）《》的一是在不了有和人这中大为上个国我"
)


def common_blocked(pattern: str, *, valid: bool = False) -> str | None:
    """The characters of :data:`COMMON_TEXT` no line ``pattern`` matches can hold (None when
    :func:`consumed_atoms` has no answer). A built-in pattern's answer is read from the
    prefilter table (finding the members of its classes took ~20 ms of every ``Scrubber()``)."""
    table = known() if valid else {}
    if ("blocked", pattern) in table:
        found = table["blocked", pattern]
        return None if found is None else "".join(found)
    return compute_blocked(pattern, valid=valid)


def compute_blocked(pattern: str, *, valid: bool = False) -> str | None:
    """:func:`common_blocked` by scanning the pattern (the prefilter table's answer)."""
    atoms = compute_atoms(pattern, valid=valid)
    return None if atoms is None else unadmitted(atoms, COMMON_TEXT)


def members(atom: str) -> np.ndarray:
    """Which code points of the domain the single-character regex ``atom`` matches (bool)."""
    return np.unpackbits(_members(atom), count=DOMAIN).view(bool)


@functools.lru_cache(maxsize=1024)
def _members(atom: str) -> np.ndarray:
    """Which code points of the domain the single-character regex ``atom`` matches, as bits
    (``np.packbits``; read-only)."""
    found = np.zeros(DOMAIN, dtype=bool)
    if len(atom) == 1 or (len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum()):
        if ord(atom[-1]) < DOMAIN:
            found[ord(atom[-1])] = True
    elif (items := class_members(atom)) is not None:
        found = items
    else:
        # The domain holds every code point in order, so a match's positions are its
        # characters: one match per run of members (``(?:atom)+``) marks them a slice at a
        # time -- a few thousand matches, 3-12x faster than replacing every member (``sub``)
        # and comparing a 128k-character string (the tests pin both to the same members).
        for m in regex.compile(f"(?:{atom})+").finditer(domain_text()):
            found[m.start() : m.end()] = True
    packed = np.packbits(found)
    packed.flags.writeable = False
    return packed


_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b"}
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}


def class_members(atom: str) -> np.ndarray | None:
    """The members of a bracket class (``[...]``, ``[^...]``) from its items -- characters,
    ranges, and class escapes (``\\s``, ``\\p{L}``: each computed once, by :func:`_members`)
    -- as a bool array over the domain; None for syntax it does not read (nested classes,
    set operations, other escapes), which the caller leaves to the regex engine.

    One regex pass over the domain per distinct escape instead of one per class: the built-in
    packs' 73 classes cost 0.26 s of every startup that way.
    """
    try:
        if not (atom.startswith("[") and atom.endswith("]")) or class_end(atom, 0) != len(atom):
            return None
    except IndexError:  # not closed where class_end reads nesting (``[[]``)
        return None
    body = atom[1:-1]
    negate = body.startswith("^")
    body = body[1:] if negate else body
    if not body or body.startswith("]") or any(op in body for op in ("&&", "||", "--", "~~")):
        return None
    found = np.zeros(DOMAIN, dtype=bool)
    escapes: set[str] = set()
    i = 0
    while i < len(body):
        item, i = _class_item(body, i)
        if item is None:
            return None
        if len(item) > 1:  # a class escape
            if body.startswith("-", i) and i + 1 < len(body):
                return None  # ``[\\d-x]``: not read
            # ``regex`` matches every character with ``[^\\w\\W]`` (an escape beside its
            # complement in a negated class), not none: such a class is left to it.
            if negate and item.swapcase()[:2] + item[2:] in escapes:
                return None
            escapes.add(item)
            found |= np.unpackbits(_members(item), count=DOMAIN).view(bool)
            continue
        low = high = ord(item)
        if body.startswith("-", i) and i + 1 < len(body):  # a range
            end, i = _class_item(body, i + 1)
            if end is None or len(end) > 1 or ord(end) < low:
                return None
            high = ord(end)
        found[min(low, DOMAIN) : min(high + 1, DOMAIN)] = True
    return ~found if negate else found


def _class_item(body: str, i: int) -> tuple[str | None, int]:
    """The item at ``body[i]``: one character, or a class escape (``\\d``, ``\\p{Han}``) as its
    own atom; None for an escape it does not read or an unescaped ``[`` (a nested class)."""
    if body[i] != "\\":
        return (None, i) if body[i] == "[" else (body[i], i + 1)
    c = body[i + 1 : i + 2]
    if c in ("d", "D", "s", "S", "w", "W"):
        return "\\" + c, i + 2
    if c in ("p", "P") and body.startswith("{", i + 2):
        end = body.find("}", i + 2)
        return (None, i) if end < 0 else (body[i : end + 1], end + 1)
    if c in _HEX_WIDTH:
        digits = body[i + 2 : i + 2 + _HEX_WIDTH[c]]
        if len(digits) != _HEX_WIDTH[c] or not all(d in "0123456789abcdefABCDEF" for d in digits):
            return None, i
        return chr(int(digits, 16)), i + 2 + len(digits)
    if c in _ESCAPED:
        return _ESCAPED[c], i + 2
    if c and not c.isalnum():
        return c, i + 2
    return None, i
