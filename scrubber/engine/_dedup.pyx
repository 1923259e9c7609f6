# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The native core's dedup work: the blocks compared, their comparison keys and repeat
verdicts -- :mod:`.passes.dedup` in C, pinned to it by ``tests/test_native_conformance.py``."""

from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdint cimport int32_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free
from libc.string cimport memcmp

from ._unicode cimport PyUnicode_DATA, PyUnicode_FromKindAndData, PyUnicode_KIND, PyUnicode_READ

from ._block cimport text_length, text_of, text_view

def candidates(list blocks, list verdict, Py_ssize_t min_chars, tuple skip, bint cut=True):
    """The blocks :mod:`.passes.dedup` compares: ``(indices, texts)`` of the blocks not
    removed yet (``verdict[i] is None``) whose text is at least ``min_chars`` long and does
    not start with one of the ``skip`` prefixes (list and table items). ``cut=False``: the
    blocks themselves rather than their texts (:func:`repeats` reads a block's characters
    from its source: most are never cut into a str)."""
    cdef Py_ssize_t i, k, nb = len(blocks), n
    cdef list indices = [], texts = []
    cdef int kind
    cdef char *data
    if len(verdict) != nb:
        raise ValueError("one verdict per block")
    for prefix in skip:
        if not isinstance(prefix, str):
            raise TypeError("skip holds str prefixes")
    for i in range(nb):
        if verdict[i] is not None:
            continue
        if text_length(blocks[i]) < min_chars:
            continue
        owner = text_view(blocks[i], &kind, &data, &n)
        for prefix in skip:
            if PyUnicode_GET_LENGTH(prefix) <= n:
                for k in range(PyUnicode_GET_LENGTH(prefix)):
                    if PyUnicode_READ(kind, data, k) != PyUnicode_READ(PyUnicode_KIND(prefix), PyUnicode_DATA(prefix), k):
                        break
                else:
                    break
        else:
            indices.append(i)
            texts.append(text_of(blocks[i]) if cut else blocks[i])
    return indices, texts


# passes.dedup.casefold_table's markers: a blank; no one-character casefold.
cdef uint32_t _BLANK = 0xFFFFFFFE
cdef uint32_t _MULTI = 0xFFFFFFFF


def norms(list texts, const uint32_t[::1] casefold):
    """``" ".join(t.casefold().split())`` of every text: dedup's comparison key, as
    :func:`repeats` makes it (the conformance tests compare the two paths' keys here).

    ``casefold``: code point -> its casefold when that is one character and no blank,
    0xFFFFFFFE when it is a blank, else 0xFFFFFFFF (a text holding such a character, or
    one beyond the table, takes the Python expression): ``passes.dedup.casefold_table``.
    """
    cdef uint32_t dom = casefold.shape[0]
    cdef const uint32_t *cf = &casefold[0]
    out = []
    for t in texts:
        if not isinstance(t, str):
            raise TypeError(f"norms() takes str, got {type(t).__name__}")
        key = _fold_key(t, cf, dom)
        out.append(" ".join(t.casefold().split()) if key is None else key)
    return out


def repeats(list texts, Py_ssize_t contained_min, const uint32_t[::1] casefold, Py_ssize_t edge,
            Py_ssize_t max_candidates, object norm_py, list firsts=None):
    """:func:`~.passes.dedup.repeats` in C: per text 0 (kept), 1 (its key, ``norm_py(text)``,
    equals an earlier kept one's, whose index goes in ``firsts[i]`` when a list is given) or
    2 (its key, at least ``contained_min`` long, begins or ends an earlier, longer kept key).
    A text may be given as its block (:func:`candidates` with ``cut=False``): its characters
    are read where they lie, and the str is cut only to confirm a candidate.

    Keys are hashed as they are made (no string per text) into three small hash tables of
    earlier kept texts (by whole key, by first and by last ``edge`` characters); a string is
    built only to confirm a candidate the hashes found. A bucket is keyed by the hash of the
    characters rather than the characters: two buckets merge only on a 64-bit collision, which
    can change which ``max_candidates`` earlier keys a bucket keeps, never a verdict on the
    keys compared.
    """
    cdef Py_ssize_t count = len(texts), i
    cdef uint32_t dom = casefold.shape[0]
    cdef const uint32_t *cf = &casefold[0]
    cdef _Keys key
    cdef _Map seen, heads, tails
    cdef uint64_t ss, hs, ts
    cdef int32_t j
    cdef bint repeated
    cdef int kind
    cdef char *data
    cdef Py_ssize_t n
    cdef list verdicts = [0] * count
    cdef list keys = [None] * count   # each text's key string, once it was needed
    if firsts is not None and len(firsts) != count:
        raise ValueError("firsts holds one entry per text")
    cdef uint32_t *ring = <uint32_t *> calloc(max(edge, 1), sizeof(uint32_t))
    _map_init(&seen, count)
    _map_init(&heads, count)
    _map_init(&tails, count)
    try:
        if ring == NULL or seen.nxt == NULL or heads.nxt == NULL or tails.nxt == NULL:
            raise MemoryError()
        for i in range(count):
            owner = text_view(texts[i], &kind, &data, &n)
            if _hash_key(kind, data, n, cf, dom, edge, ring, True, &key):
                keys[i] = norm_py(_str_of(texts[i]))
                _hash_key(PyUnicode_KIND(keys[i]), <char *> PyUnicode_DATA(keys[i]), PyUnicode_GET_LENGTH(keys[i]),
                          cf, dom, edge, ring, False, &key)
            ss = _map_slot(&seen, key.full)
            repeated = False
            j = seen.first[ss]
            while j >= 0:
                if _key_of(j, texts, keys, cf, dom, norm_py) == _key_of(i, texts, keys, cf, dom, norm_py):
                    repeated = True
                    break
                j = seen.nxt[j]
            if repeated:
                verdicts[i] = 1
                if firsts is not None:
                    firsts[i] = j
                continue
            hs = _map_slot(&heads, key.head)
            ts = _map_slot(&tails, key.tail)
            if key.n >= contained_min and (heads.first[hs] >= 0 or tails.first[ts] >= 0) and _contained_in(
                    i, key.n, heads.first[hs], heads.nxt, tails.first[ts], tails.nxt, texts, keys, cf, dom,
                    norm_py):
                verdicts[i] = 2
                continue
            _map_add(&seen, ss, key.full, i, count)
            _map_add(&heads, hs, key.head, i, max_candidates)
            _map_add(&tails, ts, key.tail, i, max_candidates)
        return verdicts
    finally:
        free(ring)
        _map_free(&seen)
        _map_free(&heads)
        _map_free(&tails)


cdef struct _Map:
    # Open addressing: slot -> key and the first of its bucket's texts (-1: empty slot), the
    # bucket's size; per text, the next text of its bucket (-1: last).
    uint64_t *keys
    int32_t *first
    int32_t *size
    int32_t *nxt
    uint64_t mask


cdef int _map_init(_Map *m, Py_ssize_t count) noexcept:
    cdef Py_ssize_t cap = 16, k
    while cap < 2 * count:
        cap <<= 1
    m.mask = cap - 1
    m.keys = <uint64_t *> calloc(cap, sizeof(uint64_t))
    m.first = <int32_t *> calloc(cap, sizeof(int32_t))
    m.size = <int32_t *> calloc(cap, sizeof(int32_t))
    m.nxt = <int32_t *> calloc(max(count, 1), sizeof(int32_t))
    if m.keys == NULL or m.first == NULL or m.size == NULL or m.nxt == NULL:
        _map_free(m)
        return -1
    for k in range(cap):
        m.first[k] = -1
    return 0


cdef void _map_free(_Map *m) noexcept:
    free(m.keys)
    free(m.first)
    free(m.size)
    free(m.nxt)
    m.keys = NULL
    m.first = NULL
    m.size = NULL
    m.nxt = NULL


cdef inline uint64_t _map_slot(_Map *m, uint64_t key) noexcept nogil:
    """The slot holding ``key``, or the empty slot where it would go."""
    cdef uint64_t slot = ((key ^ (key >> 29)) * <uint64_t> 0x9E3779B97F4A7C15) >> 17 & m.mask
    while m.first[slot] >= 0 and m.keys[slot] != key:
        slot = (slot + 1) & m.mask
    return slot


cdef inline void _map_add(_Map *m, uint64_t slot, uint64_t key, Py_ssize_t i, Py_ssize_t cap) noexcept nogil:
    """Text ``i`` into the bucket of ``slot`` (found by :func:`_map_slot`), unless it holds
    ``cap`` texts already."""
    if m.first[slot] < 0:
        m.keys[slot] = key
    elif m.size[slot] >= cap:
        return
    m.nxt[i] = m.first[slot]
    m.first[slot] = <int32_t> i
    m.size[slot] += 1


cdef struct _Keys:
    uint64_t full, head, tail
    Py_ssize_t n


cdef inline uint64_t _mix(uint64_t h, uint64_t c) noexcept nogil:
    return (h ^ c) * <uint64_t> 0x100000001B3  # FNV-1a over code points


cdef inline object _str_of(object item):
    """:func:`repeats`' item as a str (a block's text, cut when first needed)."""
    return item if isinstance(item, str) else text_of(item)


cdef int _hash_key(int kind, const char *data, Py_ssize_t n, const uint32_t *cf, uint32_t dom, Py_ssize_t edge,
                   uint32_t *ring, bint fold, _Keys *key) except -1:
    """Hash ``" ".join(text.casefold().split())`` (``fold``) or ``text`` itself (a key made
    in Python), ``text`` the ``n`` characters of ``kind`` at ``data``: the whole key, its
    first and its last ``edge`` characters, and its length. 1: ``text`` holds a character
    whose casefold the table lacks (make the key in Python).

    The last ``edge`` characters are read backwards from the end once the whole key is
    hashed (into ``ring``, last first): the forward loop keeps no window."""
    cdef Py_ssize_t i, m = 0, got = 0
    cdef uint32_t c, f
    cdef uint64_t full = 0xCBF29CE484222325, head = 0xCBF29CE484222325, tail = 0xCBF29CE484222325
    cdef bint space = False
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if fold:
            if c >= dom:
                return 1
            f = cf[c]
            if f >= _BLANK:
                if f == _MULTI:
                    return 1
                space = m > 0
                continue
            if space:  # one space between two runs of non-blanks
                full = _mix(full, 32)
                if m < edge:
                    head = _mix(head, 32)
                m += 1
                space = False
        else:
            f = c
        full = _mix(full, f)
        if m < edge:
            head = _mix(head, f)
        m += 1
    # The key's last ``edge`` characters, last first: blanks before a kept character are
    # one space, trailing blanks none (as the forward loop made them).
    i = n - 1
    space = False
    while i >= 0 and got < edge:
        c = PyUnicode_READ(kind, data, i)
        i -= 1
        if fold:
            f = cf[c]  # (every character passed the forward loop: in the table, one casefold)
            if f == _BLANK:
                space = got > 0
                continue
            if space:
                ring[got] = 32
                got += 1
                space = False
                if got == edge:
                    break
        else:
            f = c
        ring[got] = f
        got += 1
    while got > 0:
        got -= 1
        tail = _mix(tail, ring[got])
    key.full, key.head, key.tail, key.n = full, head, tail, m
    return 0


cdef object _key_of(Py_ssize_t i, list texts, list keys, const uint32_t *cf, uint32_t dom, object norm_py):
    """Text ``i``'s key string, made once."""
    key = keys[i]
    if key is None:
        key = _fold_key(_str_of(texts[i]), cf, dom)
        if key is None:
            key = norm_py(_str_of(texts[i]))
        keys[i] = key
    return key


cdef bint _contained_in(Py_ssize_t i, Py_ssize_t n, int32_t by_head, const int32_t *head_next,
                        int32_t by_tail, const int32_t *tail_next, list texts, list keys,
                        const uint32_t *cf, uint32_t dom, object norm_py) except -1:
    """Key ``i`` ends an earlier, longer key of its tail's bucket or begins one of its head's
    (each bucket a chain of text indices from its first)."""
    mine = _key_of(i, texts, keys, cf, dom, norm_py)
    while by_tail >= 0:
        earlier = _key_of(by_tail, texts, keys, cf, dom, norm_py)
        if PyUnicode_GET_LENGTH(earlier) > n and earlier.endswith(mine):
            return True
        by_tail = tail_next[by_tail]
    while by_head >= 0:
        earlier = _key_of(by_head, texts, keys, cf, dom, norm_py)
        if PyUnicode_GET_LENGTH(earlier) > n and earlier.startswith(mine):
            return True
        by_head = head_next[by_head]
    return False


cdef object _fold_key(object t, const uint32_t *cf, uint32_t dom):
    """``" ".join(t.casefold().split())`` by the table, or None where it has no single-character
    casefold (the caller takes the Python expression)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(t), i, m = 0
    cdef int kind = PyUnicode_KIND(t)
    cdef void *data = PyUnicode_DATA(t)
    cdef uint32_t c, f
    cdef bint space = False
    cdef Py_UCS4 *buf = <Py_UCS4 *> calloc(max(n, 1), sizeof(Py_UCS4))
    if buf == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if c >= dom or cf[c] == _MULTI:
                return None
            f = cf[c]
            if f == _BLANK:
                space = m > 0
                continue
            if space:
                buf[m] = 32
                m += 1
                space = False
            buf[m] = f
            m += 1
        return PyUnicode_FromKindAndData(4, buf, m)
    finally:
        free(buf)


def keep_templates(list found, list firsts, Py_ssize_t min_copies, Py_ssize_t min_lines, list between=None):
    """:func:`~.passes.dedup.keep_templates` in C (``min_copies``, ``min_lines``: its
    ``TEMPLATE_MIN_COPIES`` and ``TEMPLATE_MIN_LINES``; ``between``: its unique blocks not
    compared, as a count before each compared one): ``found`` with the repeats of every
    template line made kept (0), or ``found`` itself when there is none."""
    cdef Py_ssize_t n = len(found), i, f, j, templates = 0
    if len(firsts) != n or (between is not None and len(between) != n):
        raise ValueError("firsts (and between) hold one entry per text")
    cdef int32_t *copies = <int32_t *> calloc(max(n, 1), sizeof(int32_t))  # per first copy: its repeats
    cdef int32_t *uniques = <int32_t *> calloc(n + 1, sizeof(int32_t))     # unique blocks among the first i
    cdef int32_t *last = <int32_t *> calloc(max(n, 1), sizeof(int32_t))     # per group: its latest copy
    cdef char *alive = <char *> calloc(max(n, 1), sizeof(char))             # per group: a template so far
    cdef list out
    try:
        if copies == NULL or uniques == NULL or last == NULL or alive == NULL:
            raise MemoryError()
        for i in range(n):
            f = firsts[i]
            if f >= 0:
                if f >= n:
                    raise ValueError("a first copy out of range")
                copies[f] += 1
        for i in range(n):
            if copies[i] + 1 >= min_copies:
                alive[i] = 1
                last[i] = <int32_t> i
                templates += 1
        if not templates:
            return found
        for i in range(n):
            uniques[i + 1] = uniques[i] + (found[i] == 0 and copies[i] == 0)
        for i in range(n):
            f = firsts[i]
            if f >= 0 and copies[f] + 1 >= min_copies:  # a copy of a group's text
                j = last[f]
                if alive[f] and uniques[i] == uniques[j + 1] and (
                        between is None or between[i] == between[j]):  # no unique block since the last
                    alive[f] = 0
                    templates -= 1
                last[f] = <int32_t> i
        if templates < min_lines:
            return found
        out = list(found)
        for i in range(n):
            f = firsts[i]
            if f >= 0 and alive[f]:
                out[i] = 0
        return out
    finally:
        free(copies)
        free(uniques)
        free(last)
        free(alive)


def uncompared_uniques(list blocks, list verdict, list indices):
    """:func:`~.passes.dedup.uncompared_uniques` in C: per block of ``indices`` (the blocks
    compared, in order), how many blocks before it are not compared, not removed
    (``verdict[i] is None``) and hold a text that comes once among all ``blocks``. The texts
    are read where they lie (a block's text not read yet is not cut) and told apart by a
    hash of their code points, equal hashes compared character by character."""
    cdef Py_ssize_t nb = len(blocks), i, j, k, cap = 16, mask, slot, n
    cdef uint64_t h
    if len(verdict) != nb:
        raise ValueError("one verdict per block")
    while cap < 2 * nb:
        cap <<= 1
    mask = cap - 1
    cdef uint64_t *hs = <uint64_t *> calloc(max(nb, 1), sizeof(uint64_t))
    cdef int *kinds = <int *> calloc(max(nb, 1), sizeof(int))
    cdef char **datas = <char **> calloc(max(nb, 1), sizeof(char *))
    cdef Py_ssize_t *lens = <Py_ssize_t *> calloc(max(nb, 1), sizeof(Py_ssize_t))
    cdef int32_t *table = <int32_t *> calloc(cap, sizeof(int32_t))    # slot -> 1 + its first block
    cdef int32_t *first = <int32_t *> calloc(max(nb, 1), sizeof(int32_t))  # block -> the first with its text
    cdef int32_t *times = <int32_t *> calloc(max(nb, 1), sizeof(int32_t))  # first block -> copies of its text
    cdef char *is_compared = <char *> calloc(max(nb, 1), sizeof(char))
    cdef list owners = []  # (the strs the texts lie in, held while they are read)
    cdef list out = []
    cdef Py_ssize_t before = 0
    try:
        if (hs == NULL or kinds == NULL or datas == NULL or lens == NULL or table == NULL or first == NULL
                or times == NULL or is_compared == NULL):
            raise MemoryError()
        for i in range(nb):
            owners.append(text_view(blocks[i], &kinds[i], &datas[i], &lens[i]))
            n = lens[i]
            h = 14695981039346656037ULL ^ <uint64_t> n
            for k in range(n):
                h = (h ^ <uint64_t> PyUnicode_READ(kinds[i], datas[i], k)) * 1099511628211ULL
            hs[i] = h
            slot = <Py_ssize_t> (h & mask)
            while table[slot]:
                j = table[slot] - 1
                if hs[j] == h and _same_text(kinds[i], datas[i], lens[i], kinds[j], datas[j], lens[j]):
                    break
                slot = (slot + 1) & mask
            if table[slot]:
                first[i] = table[slot] - 1
            else:
                table[slot] = <int32_t> (i + 1)
                first[i] = <int32_t> i
            times[first[i]] += 1
        for k in range(len(indices)):
            i = indices[k]
            if not 0 <= i < nb:
                raise ValueError("a compared block out of range")
            is_compared[i] = 1
        for i in range(nb):
            if is_compared[i]:
                out.append(before)
            elif verdict[i] is None and times[first[i]] == 1:
                before += 1
        return out
    finally:
        free(hs)
        free(kinds)
        free(datas)
        free(lens)
        free(table)
        free(first)
        free(times)
        free(is_compared)


cdef bint _same_text(int ka, const char *a, Py_ssize_t na, int kb, const char *b, Py_ssize_t nb) noexcept:
    cdef Py_ssize_t k
    if na != nb:
        return False
    if ka == kb:
        return memcmp(a, b, na * ka) == 0
    for k in range(na):
        if PyUnicode_READ(ka, a, k) != PyUnicode_READ(kb, b, k):
            return False
    return True
