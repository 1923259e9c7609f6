"""Rule and Pack: the TOML pack format and its strict validation.

A pack is a TOML file with a ``[pack]`` table and ``[[rule]]`` entries; see the README
("Writing a pack") for the format. Loading validates every field and fails with a
:class:`~scrubber.errors.PackError` naming the pack file, the rule id and the field.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import regex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..engine.fold import fold, key
from ..engine.prefilter import class_end
from ..errors import PackError

SCOPES = ("head", "tail", "anywhere")
UNITS = ("line", "span")
MATCHES = ("exact", "prefix", "contains", "regex")
ACTIONS = ("drop", "strip", "drop_list", "cut_rest")
#: Categories of the built-in packs; user packs may add their own (lowercase, dashes).
CATEGORIES = (
    "breadcrumb", "pagination", "share", "app-promo", "control", "related", "credit", "legal",
    "banner", "comments", "ad", "symbol", "stray", "navigation", "date-meta",
)
_RULE_KEYS = {
    "id", "name", "category", "description", "scope", "unit", "match", "phrases", "pattern",
    "max_chars", "action", "examples", "min_body_chars",
}
# (\Z, not $: "$" also matches before a final newline, and "share\n" is no category.)
_ID = regex.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}\Z")
_CATEGORY = regex.compile(r"^[a-z][a-z0-9-]{0,31}\Z")
#: Inputs a pattern must get through quickly (catastrophic backtracking probe).
_PROBES = ("a" * 2000 + "!", "1" * 2000 + "x", " " * 2000 + "x", "啊" * 2000 + "?", "a " * 1000 + "!")
_PROBE_TIMEOUT = 0.25
#: Structural probes (:func:`_structural_probes`): how long, and for how many of a
#: pattern's symbols.
_STRUCTURAL_PROBE_CHARS = 400
_MAX_PROBE_SYMBOLS = 16
_REGEX_SYNTAX = set("\\^$.|?*+()[]{}")
_ANY_LINE = ("x", "Hello world.", "中文。", "12345")
_COUNT = regex.compile(r"(?<!\\)\{(\d+)(?:,(\d*))?\}")
MAX_PATTERN_CHARS = 5000
MAX_REPEAT = 1000


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule. ``phrases`` are stored folded (see ``engine.fold.key``)."""

    id: str
    name: str
    category: str
    scope: str
    unit: str
    match: str
    phrases: tuple[str, ...]
    pattern: str | None
    max_chars: int | None
    action: str
    description: str
    examples_remove: tuple[str, ...]
    examples_keep: tuple[str, ...]
    pack: str
    #: ``cut_rest`` only: fire when at least this many characters of body text precede the
    #: marker (instead of ``Config.cut_rest_min_share`` of the body): for comment-section
    #: headers, after which the comments themselves look like body text.
    min_body_chars: int | None = None
    #: Shipped with scrubber (vetted by the test-suite), as opposed to a user pack: built-in
    #: regexes run without the per-call timeout, user regexes always under the time budget.
    builtin: bool = False


@dataclass(frozen=True, slots=True)
class Pack:
    """A named, ordered collection of rules loaded from one TOML file."""

    name: str
    description: str
    source: str
    rules: tuple[Rule, ...]


def builtin_pack_path(name: str) -> Path:
    """The file of a built-in pack (``common``, ``zh``, ``en``, ...)."""
    path = Path(str(resources.files("scrubber.rules") / "packs" / f"{name}.toml"))
    if not path.is_file():
        raise PackError(f"no built-in pack named {name!r}", pack=name)
    return path


#: The built-in packs' parses, shipped beside them (``tools/gen_pack_cache.py``): a pack
#: file's entry is its SHA-256 and its parsed document. ``tomllib`` takes ~30 ms over the
#: built-in packs, ``json`` ~1.5 ms: a third of every ``Scrubber()``'s build (~95 ms).
PARSE_CACHE = "_parsed.json"


def load_builtin_packs(names: Sequence[str]) -> list[Pack]:
    """The built-in packs ``names`` in that order, each read from the shipped cache of their
    parses where its entry is the file's (by SHA-256), else parsed from the TOML."""
    cache = _read_cache(Path(str(resources.files("scrubber.rules") / "packs" / PARSE_CACHE)))
    return [load_cached(builtin_pack_path(name), cache) for name in names]


def load_cached(path: Path, cache: Mapping[str, Any]) -> Pack:
    """:func:`load_pack` of the built-in pack file ``path``, its parse taken from ``cache``
    (``{file name: {"sha256": ..., "data": ...}}``) when that entry is the file's."""
    try:
        raw = path.read_bytes()
    except OSError:
        return load_pack(path, builtin=True)  # (its own error)
    entry = cache.get(path.name)
    if isinstance(entry, dict) and entry.get("sha256") == hashlib.sha256(raw).hexdigest():
        return parse_pack(entry["data"], str(path), builtin=True)
    return load_pack(path, builtin=True)


def _read_cache(path: Path) -> dict[str, Any]:
    """The parse cache at ``path``, or an empty one (missing or unreadable: the TOML is read)."""
    try:
        cache = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return cache if isinstance(cache, dict) else {}


def load_pack(path: str | Path, *, builtin: bool = False) -> Pack:
    """Load and validate one pack file; raise PackError on any problem."""
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PackError(f"cannot read pack: {exc.strerror or exc}", pack=where) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PackError(f"pack is not UTF-8: {exc}", pack=where) from None
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"invalid TOML: {exc}", pack=where) from None
    except RecursionError:
        raise PackError("invalid TOML: nested too deeply", pack=where) from None
    return parse_pack(data, where, builtin=builtin)


def parse_pack(data: dict[str, Any], where: str, *, builtin: bool = False) -> Pack:
    """Validate an already-parsed pack document."""
    unknown = sorted(set(data) - {"pack", "rule"})
    if unknown:
        raise PackError(f"unknown top-level key(s): {', '.join(unknown)}", pack=where)
    meta = data.get("pack", {})
    if not isinstance(meta, dict):
        raise PackError("[pack] must be a table", pack=where, field="pack")
    bad_meta = sorted(set(meta) - {"name", "description"})
    if bad_meta:
        raise PackError(f"unknown [pack] key(s): {', '.join(bad_meta)}", pack=where, field="pack")
    name = meta.get("name", Path(where).stem)
    if not isinstance(name, str) or not name:
        raise PackError("pack name must be a non-empty string", pack=where, field="pack.name")
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise PackError("'rule' must be an array of tables ([[rule]])", pack=where, field="rule")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        rule = _parse_rule(entry, where, name, i, builtin)
        if rule.id in seen:
            raise PackError("duplicate rule id", pack=where, rule_id=rule.id, field="id")
        seen.add(rule.id)
        rules.append(rule)
    return Pack(name=name, description=str(meta.get("description", "")), source=where, rules=tuple(rules))


def _parse_rule(entry: Any, where: str, pack: str, index: int, builtin: bool) -> Rule:
    if not isinstance(entry, dict):
        raise PackError(f"rule #{index + 1} is not a table", pack=where)
    rid = entry.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise PackError(
            f"rule #{index + 1}: 'id' must be a string like 'ZH-NAV-001'", pack=where, field="id"
        )

    def fail(field: str, message: str) -> PackError:
        return PackError(message, pack=where, rule_id=rid, field=field)

    unknown = sorted(set(entry) - _RULE_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown field (allowed: {', '.join(sorted(_RULE_KEYS))})")
    category = _choice(entry, "category", None, fail)
    if not _CATEGORY.match(category):
        raise fail("category", "must be lowercase letters, digits and dashes")
    scope = _choice(entry, "scope", "anywhere", fail, SCOPES)
    unit = _choice(entry, "unit", "line", fail, UNITS)
    match = _choice(entry, "match", None, fail, MATCHES)
    action = _choice(entry, "action", "strip" if unit == "span" else "drop", fail, ACTIONS)
    phrases = _strings(entry, "phrases", fail)
    pattern = entry.get("pattern")
    max_chars = entry.get("max_chars")
    if match == "regex":
        if not isinstance(pattern, str) or not pattern:
            raise fail("pattern", "a non-empty string is required when match = 'regex'")
        if not builtin:  # (the built-in packs' patterns are checked by the test suite)
            _check_pattern(pattern, fail, max_chars if isinstance(max_chars, int) else None)
    else:
        if pattern is not None:
            raise fail("pattern", f"only allowed with match = 'regex', not {match!r}")
        if not phrases:
            raise fail("phrases", f"at least one phrase is required with match = {match!r}")
    # Span-rule phrases are raw-text anchors: folded, not stripped of punctuation.
    folded = tuple(dict.fromkeys(fold(p).strip() if unit == "span" else key(p) for p in phrases))
    if any(not p for p in folded):
        raise fail("phrases", "a phrase is empty once punctuation and spaces are stripped")
    if unit == "span" and (match != "regex" or action != "strip"):
        raise fail("unit", "unit = 'span' needs match = 'regex' and action = 'strip'")
    if unit == "line" and action == "strip":
        raise fail("action", "action = 'strip' needs unit = 'span'")
    if max_chars is None and unit == "line":
        raise fail("max_chars", "required for line rules (the longest line this rule may remove)")
    if max_chars is not None and (
        not isinstance(max_chars, int) or isinstance(max_chars, bool) or not 0 < max_chars <= 100_000
    ):
        raise fail("max_chars", "must be an integer between 1 and 100000")
    min_body = entry.get("min_body_chars")
    if min_body is not None and (
        action != "cut_rest" or not isinstance(min_body, int) or isinstance(min_body, bool) or min_body < 1
    ):
        raise fail("min_body_chars", "a positive integer, only with action = 'cut_rest'")
    examples = entry.get("examples", {})
    if not isinstance(examples, dict) or set(examples) - {"remove", "keep"}:
        raise fail("examples", "must be a table with 'remove' and/or 'keep' lists")
    for text_field in ("name", "description"):
        if not isinstance(entry.get(text_field, ""), str):
            raise fail(text_field, "must be a string")
    return Rule(
        id=rid,
        name=entry.get("name", rid),
        category=category,
        scope=scope,
        unit=unit,
        match=match,
        phrases=folded,
        pattern=pattern,
        max_chars=max_chars,
        action=action,
        description=entry.get("description", ""),
        examples_remove=_strings(examples, "remove", fail, "examples.remove"),
        examples_keep=_strings(examples, "keep", fail, "examples.keep"),
        pack=pack,
        min_body_chars=min_body,
        builtin=builtin,
    )


def _choice(entry: dict[str, Any], field: str, default: str | None, fail: Any,
            allowed: tuple[str, ...] | None = None) -> str:
    value = entry.get(field, default)
    if value is None:
        raise fail(field, "is required")
    if not isinstance(value, str):
        raise fail(field, "must be a string")
    if allowed is not None and value not in allowed:
        raise fail(field, f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _strings(entry: dict[str, Any], field: str, fail: Any, label: str | None = None) -> tuple[str, ...]:
    value = entry.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(label or field, "must be a list of non-empty strings")
    return tuple(value)


def _nested_repeat(pattern: str) -> int:
    """The largest product of counted repeats ``{m,n}`` nested inside one another."""
    stack = [1]
    last = 1  # value of the atom or group just closed
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            last = 1
            continue
        if ch == "[":  # skip a character class
            j = i + 1
            j += j < n and pattern[j] == "^"
            j += j < n and pattern[j] == "]"
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i, last = j + 1, 1
            continue
        if ch == "(":
            stack.append(1)
        elif ch == ")" and len(stack) > 1:
            last = stack.pop()
            stack[-1] = max(stack[-1], last)
            i += 1
            continue
        else:
            m = _COUNT.match(pattern, i)
            if m:
                top = max(int(x) for x in m.groups() if x) if any(m.groups()) else 1
                stack[-1] = max(stack[-1], last * max(top, 1))
                i = m.end()
                continue
        last = 1
        i += 1
    return max(stack)


def _check_pattern(pattern: str, fail: Any, max_chars: int | None) -> None:
    if len(pattern) > MAX_PATTERN_CHARS:
        raise fail("pattern", f"longer than {MAX_PATTERN_CHARS} characters")
    # Compiling a{60000}{60000} alone takes minutes: bound counted repeats before compiling.
    if _nested_repeat(pattern) > MAX_REPEAT**2:
        raise fail("pattern", f"nested counted repeats {{n}} too large (at most {MAX_REPEAT**2} in all)")
    try:
        compiled = regex.compile(pattern)
    except (regex.error, RecursionError, OverflowError) as exc:
        raise fail("pattern", f"invalid regex: {exc}") from None
    unfolded = unfoldable_literals(pattern)
    if unfolded:
        c = unfolded[0]
        raise fail("pattern", f"the literal {c!r} can never match: rules see the folded line, where it "
                   f"is {fold(c)!r} (write the folded form; phrases are folded for you, patterns not)")
    try:
        if compiled.search("", timeout=_PROBE_TIMEOUT) is not None:
            raise fail("pattern", "matches the empty string, so it would match every line")
        if all(compiled.search(probe, timeout=_PROBE_TIMEOUT) for probe in _ANY_LINE):
            raise fail("pattern", "matches any line (e.g. 'x', 'Hello world.', '中文。')")
    except (TimeoutError, MemoryError, RecursionError, OverflowError) as exc:
        raise fail("pattern", f"fails on a probe line ({type(exc).__name__}: unbounded recursion?)") from None
    for probe in (*_PROBES, *_structural_probes(pattern)):
        if max_chars is not None:  # the rule never sees a longer line
            probe = probe[-max_chars:]
        try:
            compiled.search(probe, timeout=_PROBE_TIMEOUT)
        except TimeoutError:
            raise fail(
                "pattern", f"too slow on the probe input {probe[:40]!r}... (catastrophic backtracking?)"
            ) from None
        except (MemoryError, RecursionError, OverflowError) as exc:
            raise fail("pattern", f"fails on the probe input {probe[:40]!r}... "
                       f"({type(exc).__name__}: unbounded recursion?)") from None


#: Escapes whose argument is in braces (``\\p{Han}``, ``\\N{EM DASH}``, ``\\x{2014}``) or
#: angle brackets (``\\g<name>``), and those followed by a fixed number of hex digits.
_BRACED_ESCAPES = {"p": "{}", "P": "{}", "N": "{}", "x": "{}", "g": "<>", "k": "<>"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def unfoldable_literals(pattern: str) -> list[str]:
    """The literal characters of ``pattern`` (outside escapes, classes and group syntax) that
    folding changes (uppercase, full-width forms, traditional Chinese, no-break spaces): a
    line is folded before the patterns see it, so such a literal never matches. With a
    case-insensitive flag, letters whose only change is their case are fine."""
    ignore_case = regex.search(r"\(\?[a-zA-Z]*i[a-zA-Z]*[:)]", pattern) is not None
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1 : i + 2]
            i += 2
            if e in _BRACED_ESCAPES and pattern[i : i + 1] == _BRACED_ESCAPES[e][0]:
                close = pattern.find(_BRACED_ESCAPES[e][1], i)
                i = n if close < 0 else close + 1
            elif e in _HEX_ESCAPES:
                i += _HEX_ESCAPES[e]
            continue
        if c == "[":
            try:
                i = class_end(pattern, i)
            except IndexError:  # ('[[]x': a '[' the regex reads as a member, class_end as a
                i = n  # nested class; the rest is not read: no literal reported from it)
            continue
        if c == "(" and pattern[i + 1 : i + 2] == "?":
            i += 2
            named = pattern[i : i + 1] == "<" and pattern[i + 1 : i + 2] not in ("=", "!")
            if pattern[i : i + 2] in ("P<", "P=") or named:  # a group's name: skipped
                i = pattern.find(")" if pattern[i + 1] == "=" else ">", i) + 1 or n
            elif pattern[i : i + 1] == "#":
                i = pattern.find(")", i) + 1 or n
            else:  # flags and the group's kind: letters, '-', then ':' or ')' (or '=', '!', '>', '|')
                while i < n and (pattern[i].isalpha() or pattern[i] == "-"):
                    i += 1
            continue
        if c == "{" and regex.match(r"\{\d*(?:,\d*)?\}", pattern[i:]):  # a counted repeat
            i = pattern.index("}", i) + 1
            continue
        folded = fold(c)
        if folded != c and not (ignore_case and folded == c.lower()):
            out.append(c)
        i += 1
    return out


def _structural_probes(pattern: str) -> list[str]:
    """Probe lines made of the pattern's own pieces: a word, blanks, one of its literal
    symbols, blanks, over and over -- or one of its own words and blanks, over and over --
    then a failing tail. A pattern whose repeated parts and blanks can split such a line
    many ways is caught here; the fixed probes above hold no symbols and no words of the
    pattern. (Two built-in rules did so until 2026-11-30: a breadcrumb chain,
    ``(?:\\s*→\\s*[^,]{1,24}){1,6}``, 8 s on one 96-character line; a counter, ``(?:赞\\s*[(]?\\s*
    [\\d]*\\s*...){1,4}``, minutes on ``赞`` and six blanks four times.)"""
    symbols = sorted({c for c in pattern if not (c.isalnum() or c.isspace() or c in _REGEX_SYNTAX)})
    # Its words: runs of up to four letters, but no lone Latin letter (class names: \p{L}).
    words = [w for w in regex.findall(r"[^\W\d_]{1,4}", pattern) if len(w) > 1 or ord(w) > 0x2E7F]
    gap = " " * 6
    units = [f"{word}{gap}{symbol}{gap}" for symbol in symbols[:_MAX_PROBE_SYMBOLS] for word in ("a", "中")]
    units += [f"{word}{gap}" for word in list(dict.fromkeys(words))[:_MAX_PROBE_SYMBOLS]]
    probes = []
    for unit in units:
        line = unit * (_STRUCTURAL_PROBE_CHARS // len(unit))
        probes += [line + "b" * 30, line + "x"]
    return probes
