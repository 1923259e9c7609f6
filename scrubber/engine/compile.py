"""Packs + Config -> CompiledRules: immutable combined matchers, built once.

Rules are never looped over per line. A line is matched by:

* one dict lookup of its folded key for every ``exact`` phrase of every rule;
* one Aho-Corasick pass over its key for every ``prefix``/``contains`` phrase (and the
  literal anchors of regex rules, which then run only where an anchor occurs);
* the few anchor-less regex rules, only on lines under their ``max_chars``.

Both stages run in :meth:`CompiledRules.match_lines` in Python, or in the native
:class:`._native.LineMatcher` over a whole document when it is built (the same gates in the
same order; the regex searches always by the ``regex`` module).
"""

from __future__ import annotations

import fnmatch
import functools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import regex

from ..config import Config
from ..rules.schema import Pack, Rule, load_builtin_packs, load_pack
from .charset import DOMAIN, CharMasks, common_blocked, consumed_atoms
from .docscan import ScanTables
from .fold import core as core_key
from .fold import edge_classes, variants
from .matcher import phrase_matcher
from .pattern import LazyPattern
from .prefilter import DIGIT, SPACE, START_DIGIT, required_chars, required_literals, start_literals

_PREFIX, _CONTAINS, _ANCHOR = 0, 1, 2
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")
#: The classes a required-characters set may name (:func:`.prefilter.required_chars`).
_CLASSES = {DIGIT: r"\d", SPACE: r"\s"}
_NO_LIMIT = 1 << 62


@dataclass(slots=True)
class Budget:
    """The per-document regex time budget.

    A rule whose search times out is recorded and skipped for the rest of the document;
    once the whole budget is spent no regex runs any more (``exhausted``).
    """

    remaining: float
    timed_out: list[str] = field(default_factory=list)
    exhausted: bool = False

    def _skip(self, rule: Rule) -> bool:
        if self.remaining <= 0:
            self.exhausted = True
            return True
        return rule.id in self.timed_out

    def search(self, rule: Rule, pattern: Regex, text: str) -> regex.Match[str] | None:
        if rule.builtin:
            # Built-in patterns are vetted (the test-suite's probes, examples and corpus
            # runs); a timeout costs ~1.7 µs a call, more than the search itself.
            return pattern.search(text)
        if self._skip(rule):
            return None
        pattern = _ready(pattern)  # (a first use compiles: not on the document's clock)
        start = time.perf_counter()
        try:
            return pattern.search(text, timeout=self.remaining)
        except (TimeoutError, RecursionError, MemoryError):
            # (MemoryError: the regex module's answer to a recursive pattern, '(?R)?x',
            # whose backtracking outgrows its stack: the rule goes, as one that timed out.)
            self.timed_out.append(rule.id)
            return None
        finally:
            self.remaining -= time.perf_counter() - start

    def finditer(self, rule: Rule, pattern: Regex, text: str) -> list[regex.Match[str]]:
        if rule.builtin:
            return list(pattern.finditer(text))
        if self._skip(rule):
            return []
        pattern = _ready(pattern)
        start = time.perf_counter()
        try:
            return list(pattern.finditer(text, timeout=self.remaining))
        except (TimeoutError, RecursionError, MemoryError):
            self.timed_out.append(rule.id)
            return []
        finally:
            self.remaining -= time.perf_counter() - start


#: A rule's regex: compiled, or compiled on first use.
Regex: TypeAlias = "LazyPattern | regex.Pattern[str]"

#: Rule categories of the lines a share or tool bar is made of ("Facebook", "Print", "Email").
TOOLBAR = ("share", "control")


def _ready(pattern: Regex) -> regex.Pattern[str]:
    return pattern.compiled if isinstance(pattern, LazyPattern) else pattern


def select_rules(packs: Sequence[Pack], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """The rules of ``packs`` in order, filtered by ``select``/``ignore`` selectors."""

    def hit(rule: Rule, selectors: Sequence[str]) -> bool:
        return any(
            s == rule.category or fnmatch.fnmatchcase(rule.id, s) or fnmatch.fnmatchcase(rule.name, s)
            for s in selectors
        )

    out = []
    selected = False
    for pack in packs:
        for rule in pack.rules:
            if select and not hit(rule, select):
                continue
            selected = True
            if ignore and hit(rule, ignore):
                continue
            out.append(rule)
    if select and not selected:
        # (a typo -- select=("shrae",) -- turned every rule off, silently)
        from ..errors import PackError

        raise PackError(f"Config.select {tuple(select)!r} matches no rule id, name or category",
                        pack=f"the packs {', '.join(p.name for p in packs)}", field="select")
    return out


def load_packs(config: Config) -> list[Pack]:
    """The built-in and extra packs named by ``config``; rule ids must be unique across them."""
    from ..errors import PackError

    packs = load_builtin_packs(config.packs)
    packs += [load_pack(path) for path in config.extra_packs]
    owner: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in owner:
                raise PackError(
                    f"rule id already defined in {owner[rule.id]}",
                    pack=pack.source, rule_id=rule.id, field="id",
                )
            owner[rule.id] = pack.source
    return packs


class CompiledRules:
    """The combined matchers of an ordered list of rules (earlier rules win ties)."""

    def __init__(self, rules: Sequence[Rule], *, pure: bool = False, native: bool = True,
                 line_cache: int = 0) -> None:
        """``pure``: no compiled code at all (the pure-Python phrase matcher too); ``native=False``:
        no native core (what an install without a C compiler runs); ``line_cache``: the native
        matcher's cache of line results across documents (``Config.line_cache``)."""
        native = native and not pure
        self.rules: tuple[Rule, ...] = tuple(rules)
        exact: dict[str, list[int]] = {}
        phrase_index: dict[str, int] = {}
        entries: list[list[tuple[int, int]]] = []
        #: Anchor-less line regex rules: (rule index, pattern, condition bit).
        self.free_regex: list[tuple[int, LazyPattern, int]] = []
        self.anchored: dict[int, LazyPattern] = {}
        #: Line regex rules -> literals (symbols included) one of which every line the rule
        #: matches contains: tested with ``in`` on the folded line before the search (rules
        #: whose anchors imply the test have none; a necessary condition left out never
        #: changes a result, only the searches run).
        self.symbols: dict[int, tuple[str, ...]] = {}
        self.span_rules: list[tuple[int, LazyPattern, regex.Pattern[str] | None]] = []
        span_chars: list[str | None] = []
        by_char: dict[int, tuple[LazyPattern, str, tuple[str, ...]]] = {}
        for i, rule in enumerate(self.rules):
            if rule.unit == "span":
                # Anchors of a span rule prefilter the *raw* line by their first characters.
                first = sorted({v for p in rule.phrases for v in variants(p[0])})
                chars = "".join(regex.escape(c) for c in first)
                prefilter = regex.compile(f"[{chars}]") if first else None
                self.span_rules.append((i, LazyPattern(rule.pattern or ""), prefilter))
                span_chars.append("".join(first) if first else None)
                continue
            if rule.match == "exact":
                for p in rule.phrases:
                    exact.setdefault(p, []).append(i)
                continue
            mode = {"prefix": _PREFIX, "contains": _CONTAINS}.get(rule.match, _ANCHOR)
            phrases = rule.phrases
            if rule.match == "regex":
                compiled = LazyPattern(rule.pattern or "")
                if phrases and all(_LETTER_OR_DIGIT.fullmatch(p) for p in phrases):
                    # Single letter/digit anchors: core() never strips letters and digits, so
                    # one occurs in the core iff it occurs in the folded line -- a character
                    # condition (below), instead of a flood of Aho-Corasick hits.
                    by_char[i] = (compiled, "".join(sorted(set(phrases))), phrases)
                    continue
                # No anchors given: derive the literals every match must contain, if provable.
                phrases = phrases or required_literals(rule.pattern or "") or ()
                if not phrases:
                    self.free_regex.append((i, compiled, 0))
                    continue
                self.anchored[i] = compiled
            for p in phrases:
                if p not in phrase_index:
                    phrase_index[p] = len(entries)
                    entries.append([])
                entries[phrase_index[p]].append((i, mode))
        self.exact = {k: tuple(v) for k, v in exact.items()}
        #: Raw code point -> bit k when it is an anchor character of span rule k (None: no filter).
        self.span_table = _span_table(span_chars)
        free = [i for i, *_ in self.free_regex]
        needs = {i: chars for i, (_, chars, _) in by_char.items()}
        self.masks, self.condition = _conditions(self.rules, free, set(self.anchored), needs)
        for i, (compiled, _, phrases) in by_char.items():
            if i in self.condition and self.condition[i].bit_length() - 1 in self.masks.needs:
                self.free_regex.append((i, compiled, 0))
                continue
            self.anchored[i] = compiled  # no condition bit left: Aho-Corasick anchors after all
            for p in phrases:
                if p not in phrase_index:
                    phrase_index[p] = len(entries)
                    entries.append([])
                entries[phrase_index[p]].append((i, _ANCHOR))
        self.free_regex = [(i, p, self.condition.get(i, 0)) for i, p, _ in self.free_regex]
        self.scan_tables = ScanTables(self.masks, self.span_table, pure=not native)
        # Longest max_chars first, so the scan of a line stops at the first rule too short for it.
        self.free_regex.sort(key=lambda entry: -(self.rules[entry[0]].max_chars or 10**9))
        self.entries = tuple(tuple(e) for e in entries)
        #: Per rule: its max_chars (0 or None: no limit) and whether it is built in.
        self.limit = tuple(r.max_chars or _NO_LIMIT for r in self.rules)
        self.builtin = tuple(r.builtin for r in self.rules)
        #: Per rule: a hit decides the line -- the junk pass applies the first rule of a line's
        #: hits (in rule order) whose scope admits it, and this one is admitted everywhere and
        #: always applies (not ``cut_rest``, which may not): no later rule is ever reached, so
        #: the matcher searches none (:meth:`match_lines`' ``decided``).
        self.decisive = tuple(r.scope == "anywhere" and r.action != "cut_rest" for r in self.rules)
        #: Per phrase: the rules it is a ``contains`` phrase, a ``prefix`` phrase, an anchor
        #: of (without a condition bit), and the condition bits of the rules it anchors.
        self.by_phrase = tuple(
            (
                tuple(i for i, m in e if m == _CONTAINS),
                tuple(i for i, m in e if m == _PREFIX),
                tuple(i for i, m in e if m == _ANCHOR and i not in self.condition),
                sum(self.condition[i] for i in {i for i, m in e if m == _ANCHOR and i in self.condition}),
            )
            for e in self.entries
        )
        #: Per line regex rule: literals one of which the core of a matching line starts with
        #: (:data:`~.prefilter.START_DIGIT` in one: any ``\\d`` character there).
        self.starts = {
            i: lits for i in (*self.anchored, *free) if (lits := start_literals(self.rules[i].pattern or ""))
        }
        #: The Python path's test of those holding START_DIGIT (``str.startswith`` the others').
        self.start_re = {i: _start_regex(lits) for i, lits in self.starts.items()
                         if any(START_DIGIT in lit for lit in lits)}
        #: The same, split for the per-occurrence loop: the condition bits of every phrase,
        #: and the rest only for phrases that have any.
        self.anchor_bits = tuple(bits for *_, bits in self.by_phrase)
        self.special = {pi: (c, p, a) for pi, (c, p, a, _) in enumerate(self.by_phrase) if c or p or a}
        #: Condition bit position -> rule index.
        self.bit_rule = {bit.bit_length() - 1: i for i, bit in self.condition.items()}
        self.phrases: tuple[str, ...] = tuple(phrase_index)
        self.matcher = phrase_matcher(list(phrase_index), pure=pure)
        self._occurrences = self.matcher.occurrences
        from .state import Verdict  # (state imports this module)

        #: Per rule, the verdict its removals carry (one object per rule, not per removal);
        #: sections cut by ``cut_rest`` rules are outside the over-removal guard.
        self.verdicts = [Verdict(r.id, r.category, r.action == "cut_rest") for r in self.rules]
        #: Per rule, for the native junk pass: scope (0 anywhere, 1 head, 2 tail), action (0 drop
        #: or strip, 1 drop_list, 2 cut_rest) and cut_rest's min_body_chars (None: the share).
        self.scope_code = bytes({"head": 1, "tail": 2}.get(r.scope, 0) for r in self.rules)
        self.action_code = bytes({"drop_list": 1, "cut_rest": 2}.get(r.action, 0) for r in self.rules)
        #: ... and the same where reader comments are kept (``Config.include_comments``, a
        #: discussion page): a comment thread's header (a ``cut_rest`` of the comments
        #: category) then takes itself only, not the thread below it.
        self.action_code_comments_kept = bytes(
            0 if r.action == "cut_rest" and r.category == "comments" else code
            for r, code in zip(self.rules, self.action_code, strict=True))
        self.min_body = [r.min_body_chars for r in self.rules]
        #: Per rule: 1 when its category is a toolbar's (:data:`TOOLBAR`): a cut_rest marker with
        #: such lines on both sides is a button in a share bar, not a section's header.
        self.toolbar = bytes(r.category in TOOLBAR for r in self.rules)
        self.line_max = max((r.max_chars or 0 for r in self.rules if r.unit == "line"), default=0)
        #: Per line length up to line_max: the anchor-less regex rules admitting it, in order.
        self.free_by_len = tuple(
            [e for e in self.free_regex if n <= self.limit[e[0]]] for n in range(self.line_max + 1)
        )
        #: Rule index -> its compiled regex (line regex rules, anchored or not).
        self.pattern = {**self.anchored, **{i: p for i, p, _ in self.free_regex}}
        # (A cheap test worth having: ``in`` costs a tenth of a search; measured on the dev
        # texts it leaves 28k of 41k searches, COM-LGL-001's "©" and ZH-CMT-004's "re:" among them.)
        # An anchored rule is searched only where one of its anchors occurs in the core; when
        # each anchor holds one of its symbols (whitespace-free, so found in the folded line
        # wherever the anchor is in the core), the test is already passed: measured, EN-CRD-005,
        # DE-DAT-001 and seven more passed it on every line they were tested on.
        anchors_of: dict[int, list[str]] = {}
        for p, e in zip(phrase_index, entries, strict=True):
            for i, m in e:
                if m == _ANCHOR:
                    anchors_of.setdefault(i, []).append(p)
        for i in self.pattern:
            symbols = required_literals(self.rules[i].pattern or "", symbols=True)
            if symbols and not (i in self.anchored and i in anchors_of and all(
                    any(sym in anchor for sym in symbols) for anchor in anchors_of[i])):
                self.symbols[i] = symbols
        #: Line regex rules -> characters one of which every line the rule matches holds
        #: (:func:`.prefilter.required_chars`; ``DIGIT``: any ``\\d``, ``SPACE``: any ``\\s``),
        #: tested after the symbols: the literal gates pass "photo: ..." and "photos of the day" alike, the
        #: characters do not (measured on the dev texts: 5.6k of 24k searches left out).
        self.chars = {
            i: chars for i in self.pattern if (chars := required_chars(self.rules[i].pattern or ""))
        }
        #: Lines longer than line_max: the longest line an anchor-less regex rule admits.
        self.far_free = max((self.limit[i] for i, *_ in self.free_regex), default=-1)
        #: Per line length: the condition bits of those rules (all bits if one has none), so
        #: that a line failing all of them skips the loop.
        self.free_gate = tuple(
            -1 if any(bit == 0 for *_, bit in entries) else sum(bit for *_, bit in entries)
            for entries in self.free_by_len
        )
        #: The native stage one over whole documents (:class:`._native.LineMatcher`), or None
        #: (not built, or not asked for): same results as :meth:`match_lines`, pinned by tests.
        self.line_matcher = _native_line_matcher(self, line_cache) if native else None
        #: dedup's verdicts on many texts (:func:`.passes.dedup.repeats`, or the native one).
        self.repeats: Callable[..., list[int]] = _repeats(native)
        if self.line_matcher is not None:
            _native_pass_tables()

    @functools.cached_property
    def symbol_re(self) -> dict[int, regex.Pattern[str]]:
        """:attr:`symbols` as one regex per rule (an alternation of the escaped literals):
        the Python path's form of the test, one C-level scan instead of a loop of ``in``
        tests. Made on first use: the native core never needs it (23 ms of compile time)."""
        return {i: regex.compile("|".join(map(regex.escape, lits))) for i, lits in self.symbols.items()}

    @functools.cached_property
    def char_re(self) -> dict[int, regex.Pattern[str]]:
        """:attr:`chars` as one regex per rule (the Python path's form; made on first use)."""
        return {
            i: regex.compile("|".join(_CLASSES.get(c) or regex.escape(c) for c in chars))
            for i, chars in self.chars.items()
        }

    def line_rules(
        self, text: str, folded: str, core: str, budget: Budget, blocked: int | None = None
    ) -> list[int]:
        """Indices of the line rules matching one block, best first (scope not yet applied).

        ``blocked``: bits of :attr:`condition` the block fails (from :class:`~.docscan.DocScan`;
        computed here when not given); the regex of such a rule cannot match the block (or,
        for rules anchored by single letters/digits, none of its anchors occurs) and is not run.
        """
        if blocked is None:
            blocked = self.blocked(folded)
        return self.match_lines([(folded, core, blocked)], budget)[0]

    def match_lines(
        self, lines: Iterable[tuple[str, str, int]], budget: Budget | None, *, stage_one: bool = False,
        decided: bool = False,
    ) -> list[Any]:
        """:meth:`line_rules` of many lines at once: ``(folded, core, blocked)`` each.

        Stage one finds the rules a line matches without a regex (exact phrases, ``prefix`` /
        ``contains`` phrases) and the regex rules to search, in order: anchored rules whose
        anchors occur in the core (or whose condition bit the line passes), then anchor-less
        ones its length and condition bits admit -- each only if not hit yet, admitted by its
        ``max_chars``, its start literals, its :attr:`symbols` and :attr:`chars`. Stage two runs those
        searches. With ``stage_one=True`` the result per line is ``(sorted hits, rules to
        search)``: what the native :attr:`line_matcher` must return (the conformance tests).

        With ``decided=True`` (the junk pass; the native matcher always) a line's regex rules
        after its first :attr:`decisive` hit are not searched: its hits are then complete up
        to that rule, which is all the junk pass reads (whether there is a hit, and the first
        one that applies). ``line_rules`` lists every rule that matches.

        One loop, everything it reads held in locals: attribute lookups and calls per line
        were a good part of the time of a line that matches nothing.
        """
        limit, exact_rules, entries, line_max = self.limit, self.exact, self.entries, self.line_max
        anchor_bits, special, bit_rule = self.anchor_bits, self.special, self.bit_rule
        occurrences, starts, start_re = self._occurrences, self.starts, self.start_re
        symbol_re = self.symbol_re
        char_re = self.char_re
        free_gate, free_by_len, free_regex = self.free_gate, self.free_by_len, self.free_regex
        far_free = self.far_free
        pattern, builtin, search = self.pattern, self.builtin, self._search
        decisive, no_cap = self.decisive, len(self.rules)
        out: list[Any] = []
        for folded, core, blocked in lines:
            n = len(folded)
            exact = exact_rules.get(core)
            hits = {i for i in exact if n <= limit[i]} if exact else set()
            anchors: set[int] = set()
            if core and entries:
                live = 0  # condition bits of anchored rules whose anchors occur
                for pi, start, _ in occurrences(core):
                    live |= anchor_bits[pi]
                    if pi in special:
                        contains, prefix, plain = special[pi]
                        if contains:
                            hits.update(i for i in contains if n <= limit[i])
                        if prefix and start == 0:
                            hits.update(i for i in prefix if n <= limit[i])
                        if plain:
                            anchors.update(plain)
                live &= ~blocked
                while live:
                    low = live & -live
                    anchors.add(bit_rule[low.bit_length() - 1])
                    live ^= low
            todo = [
                i for i in sorted(anchors)
                if i not in hits and n <= limit[i]
                and (i not in starts or (core.startswith(starts[i]) if i not in start_re
                                         else start_re[i].match(core) is not None))
                and (i not in symbol_re or symbol_re[i].search(folded))
                and (i not in char_re or char_re[i].search(folded))
            ]
            if n > line_max:
                free = [entry for entry in free_regex if n <= limit[entry[0]]] if n <= far_free else ()
            else:
                gate = free_gate[n]
                free = free_by_len[n] if gate == -1 or gate & ~blocked else ()
            for i, _, bit in free:
                if bit & blocked or (i in starts and not (core.startswith(starts[i]) if i not in start_re
                                                          else start_re[i].match(core))):
                    continue
                if (i not in symbol_re or symbol_re[i].search(folded)) and (
                        i not in char_re or char_re[i].search(folded)):
                    todo.append(i)
            if stage_one:
                out.append((sorted(hits), todo))
                continue
            cap = min((i for i in hits if decisive[i]), default=no_cap) if decided else no_cap
            for i in todo:
                if i >= cap:
                    continue
                if pattern[i].search(folded) if builtin[i] else search(i, pattern[i], folded, budget):
                    hits.add(i)
                    if decided and decisive[i]:
                        cap = i
            out.append(sorted(hits))
        return out

    def blocked(self, folded: str) -> int:
        """The condition bits one folded line fails (what DocScan computes for every line)."""
        if not folded:
            return 0
        table = self.masks.table
        reduced = 0
        for ch in folded:
            reduced |= int(table[min(ord(ch), DOMAIN)])
        return int(self.masks.blocked(np.array([reduced], dtype=np.uint64))[0])

    def _search(self, i: int, pattern: Regex, folded: str, budget: Budget) -> bool:
        if self.builtin[i]:
            return pattern.search(folded) is not None
        return budget.search(self.rules[i], pattern, folded) is not None

    def spans(self, text: str, fold_text: Callable[[], str], budget: Budget,
              bits: int | None = None) -> list[tuple[int, int, int]]:
        """``(rule_index, start, end)`` of span-rule matches inside one block, in order.

        ``fold_text`` returns the block's folded text; it is called only when a rule's
        anchors occur in ``text``, so most blocks are never folded for span rules.
        ``bits``: the block's ``DocScan.span_bits`` when :attr:`span_table` exists (bit k:
        ``text`` holds an anchor character of ``span_rules[k]``, the very test of its
        prefilter regex, already made by the document scan).
        """
        out: list[tuple[int, int, int]] = []
        n = len(text)
        folded = None
        for k, i, rule, pattern, anchors, max_chars in self.span_plan:
            if n > max_chars:
                continue
            if bits is not None:
                if not (bits >> k) & 1:
                    continue
            elif anchors is not None and not anchors.search(text):
                continue
            if folded is None:
                folded = fold_text()
            # (Built-in patterns run without the budget, as Budget.finditer would run them.)
            found = pattern.finditer(folded) if rule.builtin else budget.finditer(rule, pattern, folded)
            out += [(i, m.start(), m.end()) for m in found if m.end() > m.start()]
        if len(out) > 1:
            out.sort(key=lambda t: (t[1], t[2]))
        return out

    @functools.cached_property
    def span_plan(self) -> tuple[tuple[int, int, Rule, Regex, regex.Pattern[str] | None, int], ...]:
        """:attr:`span_rules` with what :meth:`spans` reads of each, in one tuple a rule."""
        return tuple((k, i, self.rules[i], pattern, anchors,
                      _NO_LIMIT if self.rules[i].max_chars is None else self.rules[i].max_chars)
                     for k, (i, pattern, anchors) in enumerate(self.span_rules))


def _start_regex(literals: tuple[str, ...]) -> regex.Pattern[str]:
    """Start literals holding :data:`~.prefilter.START_DIGIT` as one regex to ``match`` a
    core with (the character itself or any ``\\d``, as the native gate reads it)."""
    any_digit = f"(?:\\d|{START_DIGIT})"
    return regex.compile("|".join(regex.escape(lit).replace(START_DIGIT, any_digit) for lit in literals))


def _repeats(native: bool) -> Callable[..., list[int]]:
    from .passes import dedup

    if not native:
        return dedup.repeats
    try:
        from ._dedup import repeats
    except ImportError:
        return dedup.repeats
    return functools.partial(repeats, casefold=dedup.casefold_table(), edge=dedup.EDGE,
                             max_candidates=dedup.MAX_CANDIDATES, norm_py=dedup.norm)


def _native_pass_tables() -> None:
    """Make the native passes' character tables now, not at the first document: a worker
    forked after the compile then shares them instead of building its own copy (and the
    transient arrays that take: ~5 MB of peak RSS a worker)."""
    from .passes import context, repair

    context.weak_table()
    repair.repair_table()


def _native_line_matcher(rules: CompiledRules, line_cache: int) -> object | None:
    try:
        from ._native import LineMatcher
    except ImportError:
        return None
    return LineMatcher(rules, edge_classes(), core_key, line_cache)


def _conditions(
    rules: Sequence[Rule], free: list[int], anchored: set[int], needs: dict[int, str]
) -> tuple[CharMasks, dict[int, int]]:
    """Character conditions of the line regex rules (:mod:`.charset`), one bit each.

    A rule's condition: every character of a matching line is one the pattern can consume
    (patterns anchored ``^...$``) and, for rules without Aho-Corasick anchors, the line holds
    one of its needed characters (``needs``; else the first character of one of the
    pattern's required literals). Rules without anchors first: they run on most lines.
    """
    allowed: list[list[str] | None] = []
    needed: list[str | None] = []
    condition: dict[int, int] = {}
    for i in [*sorted(free), *sorted(needs), *sorted(anchored)]:
        pattern = rules[i].pattern or ""
        atoms = consumed_atoms(pattern, valid=True)
        need = needs.get(i)
        if need is None and i not in anchored:
            literals = required_literals(pattern, symbols=True)
            need = "".join(sorted({lit[0] for lit in literals})) if literals else None
        if need is not None and any(ord(ch) >= DOMAIN for ch in need):
            need = None
        if atoms is None and need is None:
            continue
        if need is None and atoms is not None and common_blocked(pattern, valid=True) == "":
            continue  # (every common character passes it: a bit that would block no line)
        sets = {chars for chars in [*needed, need] if chars}
        if len(sets) > CharMasks.MAX_NEEDS:
            need = None
            if atoms is None:
                continue
        if len(allowed) + 1 + len({chars for chars in [*needed, need] if chars}) > 64:
            break
        condition[i] = 1 << len(allowed)
        allowed.append(atoms)
        needed.append(need)
    return CharMasks(allowed, needed), condition


def _span_table(span_chars: list[str | None]) -> np.ndarray | None:
    """The anchor characters of the span rules as a code point -> bit table, if all have some."""
    if not span_chars or len(span_chars) > 8 or any(
        chars is None or any(ord(ch) >= DOMAIN for ch in chars) for chars in span_chars
    ):
        return None
    table = np.zeros(DOMAIN + 1, dtype=np.uint8)
    for k, chars in enumerate(span_chars):
        for ch in chars or ():
            table[ord(ch)] |= 1 << k
    table.flags.writeable = False
    return table
