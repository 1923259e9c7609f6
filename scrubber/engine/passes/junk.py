"""The pack rules: every line rule, scoped to head/tail/anywhere, then the span rules."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator

from ...document import DISCUSSION_FLAG
from ...rules.schema import Rule
from ..docscan import DocScan
from ..fold import core
from ..seq import find_is, truthy_bounds
from ..state import State

try:
    from .. import _passes as _NATIVE
except ImportError:  # no compiler at install: the Python loop
    _NATIVE = None

#: A ``drop_list`` header takes with it at most this many following short lines ...
LIST_MAX_ITEMS = 40
#: ... each at most this long.
LIST_ITEM_MAX_CHARS = 120
#: ``CompiledRules.action_code``'s codes.
_DROP_LIST, _CUT_REST = 1, 2


def run(state: State) -> None:
    """Match every block once, find the body, then apply the first rule whose scope admits it."""
    blocks = state.doc.blocks
    rules = state.rules
    verdict = state.verdict  # HTML mode: blocks the DOM layer already took are not matched
    scan = DocScan(state.doc.source, blocks, rules.scan_tables, state.config, state.doc.bounds)
    state.folded_doc = scan.folded
    hits = _match_native(state, scan) if rules.line_matcher is not None else _match(state, scan)
    # Body: prose (DocScan's count, or is_prose where it could not tell) matched by no rule.
    body = state.body = scan.prose[:]
    for index in hits:
        body[index] = False
    if any(verdict):
        body[:] = [False if v is not None else is_body for is_body, v in zip(body, verdict, strict=True)]
    if find_is(body, None) >= 0:
        body[:] = [state.is_prose(b.text) if body[b.index] is None else body[b.index] for b in blocks]
    first, last = truthy_bounds(body)
    if first < 0:
        first = len(blocks)
    keep_comments = state.config.include_comments or DISCUSSION_FLAG in state.flags
    actions = rules.action_code_comments_kept if keep_comments else rules.action_code
    if _NATIVE is not None and rules.line_matcher is not None:
        _NATIVE.apply_hits(hits, verdict, body, blocks, rules.scope_code, actions, rules.min_body,
                           rules.verdicts, first, last, state.config.cut_rest_min_share, LIST_MAX_ITEMS,
                           LIST_ITEM_MAX_CHARS, rules.toolbar)
    else:
        _apply_hits(state, hits, first, last, actions)
    _spans(state, scan)


def _apply_hits(state: State, hits: dict[int, list[int]], first: int, last: int, actions: bytes) -> None:
    """Per matched block in order, not removed yet: the first of its rules whose scope admits
    it and that applies (``_passes.apply_hits`` in the native core)."""
    blocks, rules, verdict, body = state.doc.blocks, state.rules, state.verdict, state.body
    # body_before[i]: characters of body text in blocks[:i] (for cut_rest's share test).
    body_before: list[int] | None = None
    for index in sorted(hits):
        if verdict[index] is not None:
            continue
        uncut = None
        for ri in hits[index]:
            rule = rules.rules[ri]
            if not _in_scope(rule, index, first, last):
                continue
            if actions[ri] == _CUT_REST and body_before is None:
                body_before = list(itertools.accumulate((len(b.text) if body[b.index] else 0 for b in blocks),
                                                        initial=0))
            if _apply(state, rule, ri, actions[ri], index, body_before or [], hits):
                break
            if actions[ri] == _CUT_REST and uncut is None:
                uncut = ri
        else:
            # A comment header or counter that cannot cut (too little body above it, or a
            # share bar's button): the line itself goes, as its own rule's removal.
            if uncut is not None:
                verdict[index] = rules.verdicts[uncut]


def _match(state: State, scan: DocScan) -> dict[int, list[int]]:
    """Block index -> the rules matching it, best first, for blocks the line rules may take."""
    rules, verdict = state.rules, state.verdict
    hits: dict[int, list[int]] = {}
    seen: dict[str, list[int]] = {}  # menus and footers repeat lines: match each text once
    blocked = scan.blocked
    folded_doc, line_max = scan.folded, rules.line_max
    todo: list[tuple[str, str, int]] = []
    matched: list[tuple[int, str]] = []  # (block index, folded text) of the blocks matched
    for block in state.doc.blocks:
        if len(block.text) <= line_max and verdict[block.index] is None:
            folded = folded_doc[block.start : block.end]
            matched.append((block.index, folded))
            if folded not in seen:
                seen[folded] = []
                todo.append((folded, core(folded), blocked[block.index]))
    for (folded, _, _), found in zip(todo, rules.match_lines(todo, state.budget, decided=True), strict=True):
        seen[folded] = found
    for index, folded in matched:
        found = seen[folded]
        if found:
            hits[index] = found
    return hits


def _match_native(state: State, scan: DocScan) -> dict[int, list[int]]:
    """:func:`_match` in the native core (which calls the regex searches itself)."""
    rules, verdict = state.rules, state.verdict
    line_max = rules.line_max
    # (None: every block up to line_max, picked in C; text mode has no removals yet.)
    candidates = [b.index for b, v in zip(state.doc.blocks, verdict, strict=True)
                  if v is None and b.end - b.start <= line_max] if any(verdict) else None
    return dict(rules.line_matcher.match(
        scan.folded, scan.starts, scan.ends, scan.bits, candidates, state.budget))


def _in_scope(rule: Rule, index: int, first: int, last: int) -> bool:
    if rule.scope == "head":
        return index < first
    if rule.scope == "tail":
        return index > last
    return True


def _apply(state: State, rule: Rule, ri: int, action: int, index: int, body_before: list[int],
           hits: dict[int, list[int]]) -> bool:
    """Apply rule ``ri`` to block ``index`` by its ``action`` code (``action_code``)."""
    verdict = state.rules.verdicts[ri]
    blocks = state.doc.blocks
    if action == _CUT_REST:
        if in_toolbar(hits, state.rules.toolbar, index):
            return False
        total = body_before[-1]
        enough = (
            body_before[index] >= rule.min_body_chars
            if rule.min_body_chars
            else total > 0 and body_before[index] >= state.config.cut_rest_min_share * total
        )
        if not enough:
            return False
        per_block = state.verdict
        for i in range(index, len(blocks)):
            if per_block[i] is None:
                per_block[i] = verdict
        return True
    state.verdict[index] = verdict
    if action == _DROP_LIST:
        for b in blocks[index + 1 : index + 1 + LIST_MAX_ITEMS]:
            if state.body[b.index] or len(b.text) > LIST_ITEM_MAX_CHARS:
                break
            if state.verdict[b.index] is None:
                state.verdict[b.index] = verdict
    return True


def in_toolbar(hits: dict[int, list[int]], toolbar: bytes, index: int) -> bool:
    """Both blocks beside block ``index`` match a rule of a toolbar category (share,
    control): ``Facebook / Twitter / Comments / Print / Email`` is a share bar, and its
    "Comments" a button, not the header of a comment section (whose ``cut_rest`` would take
    the article below the bar)."""
    return all(any(toolbar[ri] for ri in hits.get(i, ())) for i in (index - 1, index + 1))


def _spans(state: State, scan: DocScan) -> None:
    """Span rules on every kept block holding one of their anchor characters."""
    rules = state.rules
    if not rules.span_rules or not any(scan.span_bits):  # (no block holds an anchor character)
        return
    blocks = state.doc.blocks
    for index, found in _span_matches(state, scan):
        block = blocks[index]
        found = _non_overlapping(found)
        rest, pos = [], 0
        for _, s, e in found:
            rest.append(block.text[pos:s])
            pos = e
        rest.append(block.text[pos:])
        if not "".join(rest).strip():
            state.verdict[block.index] = rules.verdicts[found[0][0]]
            continue
        verdicts = rules.verdicts
        state.spans[block.index] = [(block.start + s, block.start + e, verdicts[ri]) for ri, s, e in found]


def _span_matches(state: State, scan: DocScan) -> Iterator[tuple[int, list[tuple[int, int, int]]]]:
    """``(index, rules.spans(...))`` of the kept blocks holding an anchor character of some
    span rule (a few percent of them) where a span rule matches; in the native core when it
    is built (one call a document: ~1,000 blocks a pass of the development texts reach it)."""
    rules, budget = state.rules, state.budget
    if _NATIVE is not None and rules.line_matcher is not None and rules.span_table is not None:
        bind = functools.partial  # (a user rule: its finditer under this document's budget)
        plan = tuple((k, i, pattern.finditer if rule.builtin else bind(budget.finditer, rule, pattern),
                      limit) for k, i, rule, pattern, _, limit in rules.span_plan)
        yield from _NATIVE.span_matches(scan.span_bits, state.verdict, scan.starts, scan.ends, scan.folded,
                                        plan)
        return
    blocks, span_bits = state.doc.blocks, scan.span_bits
    for index in itertools.compress(range(len(span_bits)), span_bits):
        if state.verdict[index] is not None:
            continue
        block = blocks[index]
        found = rules.spans(block.text, lambda b=block: state.folded(b), budget,
                            span_bits[index] if rules.span_table is not None else None)
        if found:
            yield index, found


def _non_overlapping(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    for ri, s, e in found:
        if out and s < out[-1][2]:
            continue
        out.append((ri, s, e))
    return out
