# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The build of :class:`._native.LineMatcher`'s Aho-Corasick automaton over code points: the
trie, failure links and outputs in typed arrays (``tests/test_automaton.py`` pins them against
a dict-per-state build), and the per-state records the walk reads (``_State``, declared in
``_automaton.pxd`` with the character hash both sides use)."""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t

import numpy as np


cdef inline int32_t _run_goto(const int32_t *rstart, const uint32_t *rchar, const int32_t *rnext,
                              int32_t state, uint32_t c) noexcept nogil:
    """The target of ``state``'s transition on ``c`` (runs sorted by character), or -1."""
    cdef int32_t lo = rstart[state], hi = rstart[state + 1], mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if rchar[mid] < c:
            lo = mid + 1
        else:
            hi = mid
    return rnext[lo] if lo < rstart[state + 1] and rchar[lo] == c else -1


def _automaton(phrases, anchor_bits, special, int32_t nroot):
    """The Aho-Corasick tables of :class:`._native.LineMatcher` for ``phrases`` (see its attributes):
    ``root, estart, echar, emask, enext, fail, sbits, ostart, ophrase``.

    States are numbered breadth first, children in the order the phrases made them: the
    shallow states, which the walk visits most, and their transitions sit together.
    ``anchor_bits[pi]``: the bits a state where phrase ``pi`` ends reports; ``special``:
    the phrases whose rules are listed per state (``ophrase``), every output's own first,
    then its failure state's.
    """
    cdef Py_ssize_t nph = len(phrases), pi, k, j, pos = 0, cap = 1, head, tail
    text = "".join(phrases)
    cdef Py_ssize_t total = len(text)
    codes_a = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) if total else np.zeros(1, np.uint32)
    cdef const uint32_t[::1] codes = codes_a
    cdef int64_t[::1] plen = np.fromiter(map(len, phrases), dtype=np.int64, count=nph) if nph else np.zeros(1, np.int64)
    cdef const uint64_t[::1] pbits = np.asarray(anchor_bits or [0], dtype=np.uint64)
    cdef uint8_t[::1] is_special = np.zeros(nph + 1, dtype=np.uint8)
    for pi in special:
        is_special[pi] = 1
    # 1. The trie, states in the order phrases make them: (parent, character) -> child in an
    # open-addressing table keyed by parent << 21 | character (+1: 0 is empty).
    cdef int bits = 1
    while cap < 2 * (total + 1):
        cap <<= 1
        bits += 1
    cdef uint64_t[::1] hkey = np.zeros(cap, dtype=np.uint64)
    cdef int32_t[::1] hval = np.zeros(cap, dtype=np.int32)
    cdef int32_t[::1] parent = np.zeros(total + 1, dtype=np.int32)
    cdef uint32_t[::1] pchar = np.zeros(total + 1, dtype=np.uint32)
    cdef int32_t[::1] end_state = np.zeros(nph + 1, dtype=np.int32)
    cdef int32_t nstates = 1, state, n, old, f, t, v
    cdef uint64_t key, h, mask = <uint64_t> (cap - 1)
    cdef uint32_t c
    for pi in range(nph):
        state = 0
        for k in range(plen[pi]):
            c = codes[pos]
            pos += 1
            key = (((<uint64_t> state) << 21) | c) + 1
            h = ((key * <uint64_t> 0x9E3779B97F4A7C15) >> (64 - bits + 1)) & mask
            while hkey[h] != 0 and hkey[h] != key:
                h = (h + 1) & mask
            if hkey[h] == 0:
                hkey[h] = key
                hval[h] = nstates
                parent[nstates] = state
                pchar[nstates] = c
                nstates += 1
            state = hval[h]
        end_state[pi] = state
    # 2. Children of each state (by the trie's numbering, so in the order they were made).
    cdef int32_t[::1] cstart = np.zeros(nstates + 1, dtype=np.int32)
    cdef int32_t[::1] child = np.zeros(max(nstates - 1, 1), dtype=np.int32)
    for n in range(1, nstates):
        cstart[parent[n] + 1] += 1
    for n in range(nstates):
        cstart[n + 1] += cstart[n]
    cdef int32_t[::1] fill = np.array(cstart[:nstates], dtype=np.int32)
    for n in range(1, nstates):
        child[fill[parent[n]]] = n
        fill[parent[n]] += 1
    # 3. Breadth-first numbers.
    cdef int32_t[::1] bfs = np.zeros(nstates, dtype=np.int32)
    cdef int32_t[::1] new_of = np.zeros(nstates, dtype=np.int32)
    head, tail = 0, 1
    while head < tail:
        old = bfs[head]
        new_of[old] = <int32_t> head
        head += 1
        for j in range(cstart[old], cstart[old + 1]):
            bfs[tail] = child[j]
            tail += 1
    # 4. Per state (new numbers), its transitions sorted by character.
    cdef int32_t[::1] rstart = np.zeros(nstates + 1, dtype=np.int32)
    cdef uint32_t[::1] rchar = np.zeros(max(nstates - 1, 1), dtype=np.uint32)
    cdef int32_t[::1] rnext = np.zeros(max(nstates - 1, 1), dtype=np.int32)
    cdef Py_ssize_t at = 0, lo, i2
    cdef uint32_t cc
    cdef int32_t nn
    for n in range(nstates):
        old = bfs[n]
        rstart[n] = <int32_t> at
        lo = at
        for j in range(cstart[old], cstart[old + 1]):
            cc, nn = pchar[child[j]], new_of[child[j]]
            i2 = at
            while i2 > lo and rchar[i2 - 1] > cc:  # (insertion sort: runs are short)
                rchar[i2], rnext[i2] = rchar[i2 - 1], rnext[i2 - 1]
                i2 -= 1
            rchar[i2], rnext[i2] = cc, nn
            at += 1
    rstart[nstates] = <int32_t> at
    # 5. Failure links, breadth first (a state's own link is known before its children's).
    fail_a = np.zeros(nstates, dtype=np.int32)
    cdef int32_t[::1] fl = fail_a
    for n in range(nstates):
        for j in range(rstart[n], rstart[n + 1]):
            v, c = rnext[j], rchar[j]
            f = fl[n]
            while f and _run_goto(&rstart[0], &rchar[0], &rnext[0], f, c) == -1:
                f = fl[f]
            t = _run_goto(&rstart[0], &rchar[0], &rnext[0], f, c)
            fl[v] = t if t != -1 and t != v else 0
    # 6. Outputs: a state's phrases, then its failure state's (bits, and the special ones).
    cdef int32_t[::1] own_start = np.zeros(nstates + 1, dtype=np.int32)
    cdef int32_t[::1] own = np.zeros(nph + 1, dtype=np.int32)
    for pi in range(nph):
        own_start[new_of[end_state[pi]] + 1] += 1
    for n in range(nstates):
        own_start[n + 1] += own_start[n]
    fill = np.array(own_start[:nstates], dtype=np.int32)
    for pi in range(nph):
        n = new_of[end_state[pi]]
        own[fill[n]] = <int32_t> pi
        fill[n] += 1
    sbits_a = np.zeros(nstates, dtype=np.uint64)
    ostart_a = np.zeros(nstates + 1, dtype=np.int32)
    cdef uint64_t[::1] sb = sbits_a
    cdef int32_t[::1] osz = np.zeros(nstates, dtype=np.int32)
    cdef int32_t[::1] ost = ostart_a
    for n in range(nstates):
        for j in range(own_start[n], own_start[n + 1]):
            sb[n] |= pbits[own[j]]
            osz[n] += is_special[own[j]]
        if fl[n]:
            sb[n] |= sb[fl[n]]
            osz[n] += osz[fl[n]]
        ost[n + 1] = ost[n] + osz[n]
    ophrase_a = np.zeros(max(ost[nstates], 1), dtype=np.int32)
    cdef int32_t[::1] oph = ophrase_a
    for n in range(nstates):
        at = ost[n]
        for j in range(own_start[n], own_start[n + 1]):
            if is_special[own[j]]:
                oph[at] = own[j]
                at += 1
        if fl[n]:
            for j in range(ost[fl[n]], ost[fl[n]] + osz[fl[n]]):
                oph[at] = oph[j]
                at += 1
    # 7. Transitions as the walk reads them: from the root a dense table (-1: none; -2: the
    # character occurs in no phrase at all, so every state falls back to the root); from
    # every state (the root for characters beyond the table) its run of (character, target)
    # pairs sorted by character, the runs in state order: ~12 bytes a transition.
    root_a = np.full(nroot, -2, dtype=np.int32)
    cdef int32_t[::1] rv = root_a
    emask_a = np.zeros(nstates, dtype=np.uint64)
    estart_a = np.zeros(nstates + 1, dtype=np.int32)
    echar_a = np.zeros(max(nstates - 1, 1), dtype=np.uint32)
    enext_a = np.zeros(max(nstates - 1, 1), dtype=np.int32)
    cdef uint64_t[::1] em = emask_a
    cdef int32_t[::1] es = estart_a
    cdef uint32_t[::1] ec = echar_a
    cdef int32_t[::1] en = enext_a
    at = 0
    for n in range(nstates):
        es[n] = <int32_t> at
        for j in range(rstart[n], rstart[n + 1]):
            c = rchar[j]
            em[n] |= (<uint64_t> 1) << _char_bit(c)
            if c < <uint32_t> nroot:
                if rv[c] == -2:
                    rv[c] = -1
                if n == 0:
                    rv[c] = rnext[j]
                    continue
            ec[at], en[at] = c, rnext[j]
            at += 1
    es[nstates] = <int32_t> at
    return (root_a, estart_a, echar_a[:max(at, 1)], emask_a, enext_a[:max(at, 1)], fail_a, sbits_a,
            ostart_a, ophrase_a)


def _state_records(estart, emask, fail, sbits, ostart):
    """The automaton's per-state arrays as one array of _State records (same layout: the
    fields in order, no padding)."""
    n = len(fail)
    st = np.zeros(n, dtype=_STATE_DTYPE)
    st["emask"], st["sbits"], st["fail"] = emask[:n], sbits[:n], fail
    st["estart"], st["eend"] = estart[:n], estart[1 : n + 1]
    st["ostart"] = np.where(ostart[1 : n + 1] > ostart[:n], ostart[:n], -1)
    return st


_STATE_DTYPE = np.dtype([("emask", "<u8"), ("sbits", "<u8"), ("estart", "<i4"), ("eend", "<i4"),
                         ("fail", "<i4"), ("ostart", "<i4")])
assert _STATE_DTYPE.itemsize == sizeof(_State)
