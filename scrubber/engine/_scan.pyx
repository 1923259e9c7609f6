# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The document scan of the native core: :class:`~.docscan.DocScan` in one loop over the
document's code points (the fold, the per-block rule-condition masks, span-rule bits and
prose counts) instead of a dozen numpy reductions.

The same results as :class:`~.docscan.DocScan`'s numpy path, pinned by
``tests/test_native_conformance.py``; :mod:`._native` matches the lines this scan describes.
"""

from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t, uint64_t

import numpy as np

from ._unicode cimport (
    PyUnicode_DATA, PyUnicode_FromKindAndData, PyUnicode_IS_ASCII, PyUnicode_KIND, PyUnicode_New, PyUnicode_READ, _Src,
)

cdef enum:  # the bits of docscan's tables
    _PUNCT = 1
    _CJK = 2
    _WORD = 4  # (read as bit 2 in _block_facts)
    _BEYOND = 16
    _FIELD = (1 << 21) - 1

cdef class Scanner:
    """:func:`scan` with its tables bound once (a rule set's :class:`~.docscan.ScanTables`):
    a call per document then takes only the document's arrays (each typed-array argument
    costs a buffer check per call, a microsecond that short documents feel)."""

    cdef const uint32_t[::1] fold_codes
    cdef const uint64_t[::1] mask_table, missing, weights
    cdef const uint16_t[::1] raw_table
    cdef uint64_t bad
    cdef int shift, domain

    def __init__(self, const uint32_t[::1] fold_codes, const uint64_t[::1] mask_table,
                 const uint64_t[::1] missing, uint64_t bad, int shift, const uint16_t[::1] raw_table,
                 const uint64_t[::1] weights, int domain):
        self.fold_codes, self.mask_table, self.missing = fold_codes, mask_table, missing
        self.bad, self.shift, self.raw_table, self.weights, self.domain = bad, shift, raw_table, weights, domain

    def __call__(self, source, const int64_t[::1] starts, const int64_t[::1] ends, int64_t min_cjk,
                 int64_t min_words):
        return scan(source, starts, ends, self.fold_codes, self.mask_table, self.missing, self.bad, self.shift,
                    self.raw_table, self.weights, min_cjk, min_words, self.domain)


cpdef scan(source, const int64_t[::1] starts, const int64_t[::1] ends, const uint32_t[::1] fold_codes,
           const uint64_t[::1] mask_table, const uint64_t[::1] missing, uint64_t bad, int shift,
           const uint16_t[::1] raw_table, const uint64_t[::1] weights, int64_t min_cjk, int64_t min_words,
           int domain):
    """``(folded, bits, span_bits, prose)`` exactly as :class:`~.docscan.DocScan` computes them
    (``bits``: its ``blocked`` as a uint64 array, which the line matcher reads).

    ``mask_table`` is empty when the rules have no character conditions (``bits`` all 0).
    """
    if not isinstance(source, str):  # (a str subclass is fine; the C calls below need a str)
        raise TypeError(f"scan() takes str, got {type(source).__name__}")
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(source), nb = starts.shape[0], i, b, s, e
    cdef int kind = PyUnicode_KIND(source), fkind
    cdef void *data = PyUnicode_DATA(source)
    cdef void *fdata
    cdef bint masked = mask_table.shape[0] > 0
    cdef const uint32_t *fold = &fold_codes[0]
    cdef const uint64_t *mask = &mask_table[0] if masked else NULL
    cdef const uint16_t *rawt = &raw_table[0]
    cdef const uint64_t *wt = &weights[0]
    cdef uint32_t c, dom = domain, top, speculated
    cdef uint64_t reduced, wsum
    cdef uint16_t seen
    cdef int64_t runs
    # The folded text is written straight into a str, in one pass, on the bet that its
    # widest character is of the source's class (ASCII, Latin-1, UCS-2, UCS-4: the folding
    # keeps most texts in theirs): a narrower result is copied into its own class (a str must
    # be in the narrowest that holds it), a wider one written again into a str of its class
    # (Latin-1 'µ' folds to U+03BC). Each loop runs on the string's own width (``_Src``).
    speculated = 127 if PyUnicode_IS_ASCII(source) else 255 if kind == 1 else 65535 if kind == 2 else 0x10FFFF
    folded = PyUnicode_New(n, speculated)
    fkind = PyUnicode_KIND(folded)
    fdata = PyUnicode_DATA(folded)
    top = _fold_to(kind, data, fkind, fdata, n, fold)
    if _class_max(top) < speculated:
        folded = PyUnicode_FromKindAndData(fkind, fdata, n)  # (finds the narrowest class)
    elif _class_max(top) > speculated:
        folded = PyUnicode_New(n, _class_max(top))
        fkind = PyUnicode_KIND(folded)
        fdata = PyUnicode_DATA(folded)
        _fold_to(kind, data, fkind, fdata, n, fold)
    bits = np.zeros(nb, dtype=np.uint64)
    cdef uint64_t[::1] blocked = bits
    span_bits = [0] * nb
    prose_out = [False] * nb
    for b in range(nb):
        s, e = starts[b], ends[b]
        if s >= e:  # an empty block: no evidence (numpy's reduceat reads the one char at s)
            c = PyUnicode_READ(kind, data, s) if s < n else 32
            span_bits[b] = 0xFF
            if rawt[c if c < dom else dom] & _BEYOND:
                prose_out[b] = None  # (else False: Config keeps body_min_cjk >= 1)
            continue
        reduced = seen = wsum = runs = 0
        if kind == 1:
            _block_facts(<const uint8_t *> data, s, e, fold, mask, rawt, wt, dom, &reduced, &seen, &wsum, &runs)
        elif kind == 2:
            _block_facts(<const uint16_t *> data, s, e, fold, mask, rawt, wt, dom, &reduced, &seen, &wsum, &runs)
        else:
            _block_facts(<const uint32_t *> data, s, e, fold, mask, rawt, wt, dom, &reduced, &seen, &wsum, &runs)
        if masked:
            blocked[b] = (reduced & bad) | missing[reduced >> shift]
        span_bits[b] = seen >> 8
        if seen & _BEYOND:
            prose_out[b] = None
        elif (e - s) >= min_cjk and (seen & _PUNCT):
            prose_out[b] = _prose(e - s, wsum, runs, min_cjk, min_words)
    return folded, bits, span_bits, prose_out


ctypedef fused _Dst:
    uint8_t
    uint16_t
    uint32_t


cdef inline uint32_t _class_max(uint32_t c) noexcept nogil:
    """The widest character of ``c``'s str class (ASCII, Latin-1, UCS-2, UCS-4)."""
    return 127 if c < 128 else 255 if c < 256 else 65535 if c < 65536 else 0x10FFFF


cdef uint32_t _fold_to(int kind, const void *data, int fkind, void *fdata, Py_ssize_t n,
                       const uint32_t *fold) noexcept nogil:
    """``fdata[i] = fold[data[i]]`` for the ``n`` characters of a str's ``data`` of
    ``kind`` into a str's ``fdata`` of ``fkind``; the widest folded character. (A folded
    character wider than ``fkind`` is written cut: the caller then writes again, wider.)"""
    if fkind == 1:
        return _fold_into(kind, data, <uint8_t *> fdata, n, fold)
    if fkind == 2:
        return _fold_into(kind, data, <uint16_t *> fdata, n, fold)
    return _fold_into(kind, data, <uint32_t *> fdata, n, fold)


cdef uint32_t _fold_into(int kind, const void *data, _Dst *dst, Py_ssize_t n, const uint32_t *fold) noexcept nogil:
    if kind == 1:
        return _fold_run(<const uint8_t *> data, dst, n, fold)
    if kind == 2:
        return _fold_run(<const uint16_t *> data, dst, n, fold)
    return _fold_run(<const uint32_t *> data, dst, n, fold)


cdef uint32_t _fold_run(const _Src *src, _Dst *dst, Py_ssize_t n, const uint32_t *fold) noexcept nogil:
    cdef Py_ssize_t i
    cdef uint32_t f, top = 0
    for i in range(n):
        f = fold[src[i]]
        dst[i] = <_Dst> f
        top |= f  # (a class bound: every class's limit is a power of two less one)
    return top


cdef void _block_facts(const _Src *src, Py_ssize_t s, Py_ssize_t e, const uint32_t *fold, const uint64_t *mask,
                       const uint16_t *rawt, const uint64_t *wt, uint32_t dom, uint64_t *reduced,
                       uint16_t *seen, uint64_t *wsum, int64_t *runs) noexcept nogil:
    """One block's facts: the OR of its folded characters' condition masks (``mask``
    NULL: none), of its raw characters' flags, their weights and its runs of word
    characters."""
    cdef Py_ssize_t i
    cdef uint32_t c, f
    cdef uint16_t flags
    cdef uint64_t red = 0, w = 0
    cdef uint16_t sn = 0
    cdef int64_t r = 0, word, prev_word = 0
    for i in range(s, e):
        c = src[i]
        if mask != NULL:
            f = fold[c]
            red |= mask[f if f < dom else dom]
        if c > dom:
            c = dom
        flags = rawt[c]
        sn |= flags
        w += wt[c]
        # A run starts where a word character follows a non-word one: counted without a
        # branch (word boundaries come every few characters, too irregular to predict).
        word = (flags >> 2) & 1  # (_WORD)
        r += word & (prev_word ^ 1)
        prev_word = word
    reduced[0], seen[0], wsum[0], runs[0] = red, sn, w, r


cdef inline bint _prose(int64_t length, uint64_t wsum, int64_t runs, int64_t min_cjk, int64_t min_words):
    cdef int64_t cjk = <int64_t> (wsum & _FIELD)
    cdef int64_t spaces = <int64_t> ((wsum >> 21) & _FIELD)
    cdef int64_t extra = <int64_t> (wsum >> 42)
    if length >= 400:
        return True
    if extra < 2 * min_cjk and spaces + 1 < min_words:
        return False
    return cjk >= min_cjk or runs >= min_words
