"""The native Aho-Corasick build (``_automaton._automaton``, typed code) against the dict-per-state
build it replaced, kept here as the reference: the same tables, array for array."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import Scrubber

automaton = pytest.importorskip("scrubber.engine._automaton")

NAMES = ("root", "estart", "echar", "emask", "enext", "fail", "sbits", "ostart", "ophrase")
NROOT = 0x30000


def _char_bit(c: int) -> int:
    return ((c * 0x9E3779B1) & 0xFFFFFFFF) >> 26


def reference(phrases: list[str], anchor_bits: list[int], special: set[int], nroot: int = NROOT) -> list:
    goto: list[dict[int, int]] = [{}]
    own: list[list[int]] = [[]]
    for pi, phrase in enumerate(phrases):
        state = 0
        for ch in phrase:
            nxt = goto[state].get(ord(ch))
            if nxt is None:
                nxt = len(goto)
                goto[state][ord(ch)] = nxt
                goto.append({})
                own.append([])
            state = nxt
        own[state].append(pi)
    bfs = [0]
    for state in bfs:
        bfs.extend(goto[state].values())
    new_of = [0] * len(bfs)
    for new, old in enumerate(bfs):
        new_of[old] = new
    goto = [{ch: new_of[nxt] for ch, nxt in goto[old].items()} for old in bfs]
    own = [own[old] for old in bfs]
    fail = [0] * len(goto)
    outs = [list(o) for o in own]
    queue, order = list(goto[0].values()), []
    for state in queue:
        order.append(state)
        for ch, nxt in goto[state].items():
            queue.append(nxt)
            f = fail[state]
            while f and ch not in goto[f]:
                f = fail[f]
            target = goto[f].get(ch)
            fail[nxt] = target if target is not None and target != nxt else 0
    for state in order:
        if fail[state]:
            outs[state] = outs[state] + outs[fail[state]]
    sbits, ostart, ophrase = [], [], []
    for state in range(len(goto)):
        bits = 0
        for pi in outs[state]:
            bits |= anchor_bits[pi]
        sbits.append(bits)
        ostart.append(len(ophrase))
        ophrase += [pi for pi in outs[state] if pi in special]
    ostart.append(len(ophrase))
    root = np.full(nroot, -2, dtype=np.int32)
    estart, echar, enext, emask = [0], [], [], []
    for state in range(len(goto)):
        bits = 0
        for ch in goto[state]:
            bits |= 1 << _char_bit(ch)
        emask.append(bits)
        for ch, nxt in sorted(goto[state].items()):
            if ch < nroot:
                if root[ch] == -2:
                    root[ch] = -1
                if state == 0:
                    root[ch] = nxt
                    continue
            echar.append(ch)
            enext.append(nxt)
        estart.append(len(echar))
    return [root, estart, echar or [0], emask, enext or [0], fail, sbits, ostart, ophrase or [0]]


def _same(phrases: list[str], anchor_bits: list[int], special: set[int]) -> None:
    got = automaton._automaton(phrases, anchor_bits, special, NROOT)
    for name, ours, ref in zip(NAMES, got, reference(phrases, anchor_bits, special), strict=True):
        assert np.array_equal(ours, np.asarray(ref, dtype=ours.dtype)), name


def test_builtin_phrases() -> None:
    rules = Scrubber().rules
    assert len(rules.phrases) > 1000
    _same(list(rules.phrases), list(rules.anchor_bits), set(rules.special))


# Few distinct characters (shared prefixes, suffixes that are prefixes: long failure chains),
# characters beyond the root table, and a surrogate.
_CHARS = st.sampled_from(["a", "b", "ab", "ba", "中", "文", "\U00030001", "\U0001f600", "\ud800", "é"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CHARS, min_size=1, max_size=8).map("".join), max_size=30, unique=True), st.data())
def test_random_phrase_sets(phrases: list[str], data: st.DataObject) -> None:
    n = len(phrases)
    bits = data.draw(st.lists(st.integers(0, 2**64 - 1), min_size=n, max_size=n))
    special = data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=n)) if n else set()
    _same(phrases, bits, special)


def test_dense_rows_are_the_walks_own_steps() -> None:
    """The walk's table of ASCII transitions from its shallowest states (one read a
    character) holds, for each, where the goto and failure steps lead (the reference
    automaton's, followed here in Python): for every state it covers and every ASCII
    character, whether in a phrase or not, with the top bit set when the target reports
    something (a phrase's condition bits or a special phrase ending there)."""
    rules = Scrubber().rules
    phrases = list(rules.phrases)
    root, estart, echar, _emask, enext, fail, sbits, ostart, _ = reference(
        phrases, list(rules.anchor_bits), set(rules.special))
    goto = [dict(zip(echar[estart[s]:estart[s + 1]], enext[estart[s]:estart[s + 1]], strict=True))
            for s in range(len(fail))]

    def step(state: int, c: int) -> int:
        while state:
            if c in goto[state]:
                return goto[state][c]
            state = fail[state]
        return max(int(root[c]), 0)

    columns, rows = rules.line_matcher.dense_table()
    assert 0 < rows.shape[0] <= len(fail) and rows.shape[0] >= 1000 and rows.dtype == np.uint16
    in_phrases = {ord(ch) for p in phrases for ch in p if ord(ch) < 128}
    assert {c for c in range(128) if columns[c]} == in_phrases
    for state in range(rows.shape[0]):
        for c in range(128):
            target = step(state, c)  # (0xFFFF: a state too far for 15 bits, the walk's own steps)
            reports = bool(sbits[target]) or ostart[target + 1] > ostart[target]
            want = target | (0x8000 if reports else 0) if target < 0x8000 else 0xFFFF
            assert rows[state, columns[c]] == want, (state, chr(c))
