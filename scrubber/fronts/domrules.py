"""DOM rules: class/id/tag/role signals of boilerplate containers, loaded from TOML data.

The format is described at the top of ``scrubber/rules/packs/dom.toml``. Loading validates
every field (unknown keys, bad ids, empty rules) and raises :class:`PackError` naming the
file, rule id and field. :class:`DomRules` matches an element in one dict lookup per
class/id token plus one combined regex search for the substrings.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..errors import PackError

try:  # pragma: no cover - exercised by whichever path the machine has
    import ahocorasick_rs as _ac
except ImportError:  # pragma: no cover
    _ac = None

_KEYS = {"id", "category", "description", "tags", "roles", "tokens", "substrings", "examples"}
_LISTS = ("tags", "roles", "tokens", "substrings")
_ID = re.compile(r"^DOM-[A-Z0-9]+-\d{3}$")
_CATEGORY = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_WORD = re.compile(r"[a-z0-9]+")
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_UPPER = re.compile(r"[A-Z]")
_UNSEEN = object()
#: The category of rules that mark content (an embedded post) rather than boilerplate: their
#: element ends the match of any container around it.
CONTENT = "content"


@dataclass(frozen=True, slots=True)
class DomRule:
    """One validated DOM rule."""

    id: str
    category: str
    description: str
    tags: frozenset[str]
    roles: frozenset[str]
    tokens: frozenset[str]
    substrings: tuple[str, ...]
    examples_remove: tuple[str, ...]
    examples_keep: tuple[str, ...]


def attr_tokens(value: str) -> list[str]:
    """Class/id words: cut at non-alphanumerics and camelCase humps, lowercased."""
    if _UPPER.search(value):  # no humps without an ASCII capital (the sub is the slow part)
        value = _HUMP.sub(" ", value)
    return _WORD.findall(value.lower())


class DomRules:
    """The compiled rules: ``match(tag, attrs)`` gives the first matching rule or None."""

    def __init__(self, rules: list[DomRule]) -> None:
        self.rules = tuple(rules)
        self._by_tag: dict[str, DomRule] = {}
        self._by_role: dict[str, DomRule] = {}
        self._by_token: dict[str, DomRule] = {}
        subs: dict[str, DomRule] = {}
        for rule in rules:
            for name, table in ((rule.tags, self._by_tag), (rule.roles, self._by_role),
                                (rule.tokens, self._by_token)):
                for word in name:
                    table.setdefault(word, rule)
            for sub in rule.substrings:
                subs.setdefault(sub, rule)
        self._by_sub = subs
        #: Rule order (``min`` by it is "the first rule"): ``rules.index`` by object id.
        self._rank = {id(rule): self.rules.index(rule) for rule in self.rules}
        self._cache: dict[tuple[str, str, str], DomRule | None] = {}
        self._attr_cache: dict[tuple[str, str | None, str | None, str | None], DomRule | None] = {}
        self._parts: dict[str, tuple[DomRule | None, DomRule | None]] = {}
        # The leftmost substring, the longest there: a regex alternation (longest first), or
        # the same leftmost-longest match from an Aho-Corasick automaton, 5x faster.
        self._subs = sorted(subs, key=len, reverse=True)
        alternation = "|".join(re.escape(s) for s in self._subs)
        self._sub_re = re.compile(alternation) if alternation else None
        self._sub_ac = (
            _ac.AhoCorasick(self._subs, matchkind=_ac.MatchKind.LeftmostLongest)
            if _ac is not None and self._subs else None
        )
        # class and id can be matched one at a time (and ids are unique, classes repeat) as
        # long as no substring could straddle the space that joins them.
        self._by_part = not any(" " in sub for sub in subs)

    def match(self, tag: str, class_id: str, role: str) -> DomRule | None:
        """The rule matching an element (tag, its class and id joined, its role), or None."""
        key = (tag, class_id, role)
        if key in self._cache:
            return self._cache[key]
        rule = self._match(tag, class_id, role)
        if len(self._cache) < 100_000:
            self._cache[key] = rule
        return rule

    def match_attrs(self, tag: str, cls: str | None, ident: str | None,
                    role: str | None) -> DomRule | None:
        """``match`` from an element's raw attributes (None: absent), memoised on them: the
        renderer's per-element call, with no string joined on the common path."""
        key = (tag, cls, ident, role)
        rule = self._attr_cache.get(key, _UNSEEN)
        if rule is not _UNSEEN:
            return rule  # type: ignore[return-value]
        if self._by_part:
            # The tokens of "class id" are those of class then id; the leftmost substring
            # match is class's if it has one, else id's.
            cls_token, cls_sub = self._part(cls)
            id_token, id_sub = self._part(ident)
            rule = self._first((
                self._by_tag.get(tag), self._by_role.get(role.strip().lower()) if role else None,
                cls_token, id_token, cls_sub if cls_sub is not None else id_sub,
            ))
        else:
            rule = self.match(tag, " ".join(filter(None, (cls, ident))), role or "")
        if len(self._attr_cache) < 100_000:
            self._attr_cache[key] = rule
        return rule

    def _part(self, value: str | None) -> tuple[DomRule | None, DomRule | None]:
        """(first rule of the tokens, rule of the leftmost substring) of a class or id value."""
        if not value:
            return None, None
        got = self._parts.get(value)
        if got is None:
            got = (self._first(map(self._by_token.get, attr_tokens(value))), self._sub(value))
            if len(self._parts) < 100_000:
                self._parts[value] = got
        return got

    def _sub(self, value: str) -> DomRule | None:
        """The rule of the leftmost (then longest) substring in ``value``, or None."""
        value = value.lower()
        if self._sub_ac is not None:
            try:
                found = self._sub_ac.find_matches_as_indexes(value)
            except UnicodeEncodeError:  # lone surrogates: the regex takes them
                pass
            else:
                return self._by_sub[self._subs[found[0][0]]] if found else None
        m = self._sub_re.search(value) if self._sub_re is not None else None
        return self._by_sub[m.group()] if m else None

    def _first(self, found: Iterable[DomRule | None]) -> DomRule | None:
        """The earliest rule (in rule order) among ``found``; None if there is none."""
        rank = self._rank
        best: DomRule | None = None
        for rule in found:
            if rule is not None and (best is None or rank[id(rule)] < rank[id(best)]):
                best = rule
        return best

    def _match(self, tag: str, class_id: str, role: str) -> DomRule | None:
        found = [self._by_tag.get(tag)]
        if role:
            found.append(self._by_role.get(role.strip().lower()))
        if class_id:
            found.extend(self._by_token.get(t) for t in attr_tokens(class_id))
            found.append(self._sub(class_id))
        return self._first(found)


def _fail(where: str, rule: str | None, field: str | None, msg: str) -> PackError:
    return PackError(msg, pack=where, rule_id=rule, field=field)


def _strings(entry: dict[str, Any], key: str, where: str, rid: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, rid, key, f"{key} must be a list of non-empty strings")
    return tuple(v.strip().lower() for v in value)


def parse_rules(data: dict[str, Any], where: str) -> list[DomRule]:
    """Validate a parsed DOM rule file."""
    if set(data) - {"pack", "rule"}:
        raise _fail(where, None, None, f"unknown top-level key(s): {sorted(set(data) - {'pack', 'rule'})}")
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise _fail(where, None, "rule", "'rule' must be an array of tables ([[rule]])")
    rules: list[DomRule] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise _fail(where, None, "rule", "each rule must be a table")
        rid = entry.get("id")
        if not isinstance(rid, str) or not _ID.match(rid):
            raise _fail(where, str(rid), "id", "id must look like DOM-NAME-001")
        if any(r.id == rid for r in rules):
            raise _fail(where, rid, "id", "duplicate rule id")
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise _fail(where, rid, unknown[0], f"unknown field(s): {', '.join(unknown)}")
        category = entry.get("category")
        if not isinstance(category, str) or not _CATEGORY.match(category):
            raise _fail(where, rid, "category", "category must be a lowercase word")
        lists = {key: _strings(entry, key, where, rid) for key in _LISTS}
        if not any(lists.values()):
            raise _fail(where, rid, "tokens", "a rule needs tags, roles, tokens or substrings")
        examples = entry.get("examples", {})
        if not isinstance(examples, dict) or set(examples) - {"remove", "keep"}:
            raise _fail(where, rid, "examples", "examples must be a table with remove/keep lists")
        if category == CONTENT and examples.get("remove"):
            raise _fail(where, rid, "examples", "a content rule removes nothing: keep examples only")
        rules.append(DomRule(
            id=rid, category=category, description=str(entry.get("description", "")),
            tags=frozenset(lists["tags"]), roles=frozenset(lists["roles"]),
            tokens=frozenset(lists["tokens"]), substrings=lists["substrings"],
            examples_remove=tuple(examples.get("remove", ())),
            examples_keep=tuple(examples.get("keep", ())),
        ))
    return rules


def load_rules(path: str | Path) -> DomRules:
    """Load and validate a DOM rule file."""
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _fail(where, None, None, f"cannot load DOM rules: {exc}") from None
    return DomRules(parse_rules(data, where))


@functools.lru_cache(maxsize=1)
def builtin_rules() -> DomRules:
    """The built-in DOM rules (``scrubber/rules/packs/dom.toml``), loaded once."""
    return load_rules(Path(str(resources.files("scrubber.rules") / "packs" / "dom.toml")))
