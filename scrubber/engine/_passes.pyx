# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The native core's share of two passes: the context pass's block kinds, body clusters and
removals, and the repair pass's choice of the pairs worth testing -- :mod:`.passes.context`
and :mod:`.passes.repair` in C, pinned to them by ``tests/test_native_conformance.py``."""

from cpython.list cimport PyList_GET_ITEM
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t

from operator import itemgetter

from ._unicode cimport (
    Py_UNICODE_ISALPHA, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISSPACE, PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ,
    PyUnicode_Substring, _Src,
)

from ._block cimport end_of, start_of, text_length, text_of


def context_kinds(source, list blocks, list verdict, list body, const uint8_t[::1] table):
    """``passes.context.classify``: per block, NOISE (2) when removed, else BODY (0) when
    ``body``, else WEAK (1) when ``passes.context.weak(block.text)`` (the text being
    ``source[block.start:block.end]``: an item mark and a blank, or one to three digits, a
    number's end and (after at most one blank) a non-blank, at the start; or a sentence end,
    then at most one closer, at the end), else DATA (3) when ``passes.context.data_row``
    (a labelled value holding a digit, or three numbers) and a block beside it is DATA too,
    else NOISE -- as bytes. ``table``:
    ``context.weak_table()``."""
    if not isinstance(source, str):
        raise TypeError(f"context_kinds() takes str, got {type(source).__name__}")
    cdef int kind = PyUnicode_KIND(source)
    cdef void *data = PyUnicode_DATA(source)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(source), b, nb = len(blocks)
    if len(verdict) != nb or len(body) != nb:
        raise ValueError("one verdict and one body flag per block")
    out = bytearray(nb)
    cdef unsigned char[::1] kinds = out
    for b in range(nb):
        if verdict[b] is not None:
            kinds[b] = 2
        elif body[b]:
            kinds[b] = 0
        else:
            kinds[b] = 1 if _weak_block(kind, data, length, blocks[b], b, table) else 4  # (4: noise or data)
    # Data needs data beside it: only a block next to another candidate is tested (in a
    # full-page scrape most lines around a candidate are menu entries the rules took).
    for b in range(nb):
        if kinds[b] == 4:
            kinds[b] = 3 if (((b > 0 and kinds[b - 1] >= 3) or (b + 1 < nb and kinds[b + 1] == 4))
                             and _data_block(kind, data, blocks[b])) else 2
    for b in range(nb):  # (a data line with no data line beside it is noise)
        if kinds[b] == 3 and (b == 0 or kinds[b - 1] != 3) and (b == nb - 1 or kinds[b + 1] != 3):
            kinds[b] = 2
    return bytes(out)


def demote_headlines(source, list blocks, kinds, const uint8_t[::1] table, Py_ssize_t max_chars):
    """``passes.context.demote_headlines``: ``kinds`` (bytes) with every BODY block (0)
    shorter than ``max_chars`` whose text ends in no sentence or clause end (bits 16, 64 of
    ``table``) before its closers (bit 32) made WEAK (1, when ``_weak_block``) or NOISE (2)."""
    if not isinstance(source, str):
        raise TypeError(f"demote_headlines() takes str, got {type(source).__name__}")
    cdef int kind = PyUnicode_KIND(source)
    cdef void *data = PyUnicode_DATA(source)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(source), b, nb = len(blocks), s, e
    cdef uint32_t dom = table.shape[0]
    out = bytearray(kinds)
    cdef unsigned char[::1] k = out
    if k.shape[0] != nb:
        raise ValueError("one kind per block")
    for b in range(nb):
        if k[b] != 0:
            continue
        s, e = start_of(blocks[b]), end_of(blocks[b])
        if not 0 <= s <= e <= length:
            raise ValueError(f"block {b} is outside the source")
        if e - s >= max_chars:
            continue
        while e > s and _weak_bits(kind, data, e - 1, dom, table) & 32:  # closers
            e -= 1
        if e > s and _weak_bits(kind, data, e - 1, dom, table) & (16 | 64):
            continue
        k[b] = 1 if _weak_block(kind, data, length, blocks[b], b, table) else 2
    return bytes(out)


def body_clusters(const unsigned char[::1] kinds, list blocks, Py_ssize_t max_gap):
    """``passes.context.clusters``: ``(first, last, body_chars)`` of each run of BODY blocks
    (0) that at most ``max_gap`` NOISE blocks (2) separate; chars are ``len(block.text)``."""
    cdef Py_ssize_t i, gap = 0, first = -1, last = -1, chars = 0
    cdef list out = []
    if kinds.shape[0] != len(blocks):
        raise ValueError("one kind per block")
    for i in range(kinds.shape[0]):
        if kinds[i] == 2:
            gap += 1
        if kinds[i] != 0:
            continue
        if first >= 0 and gap > max_gap:
            out.append((first, last, chars))
            first = -1
        if first < 0:
            first, chars = i, 0
        last = i
        chars += text_length(blocks[i])
        gap = 0
    if first >= 0:
        out.append((first, last, chars))
    return out


def mark_context(list verdict, const unsigned char[::1] kinds, Py_ssize_t run, Py_ssize_t lo,
                 Py_ssize_t hi, runs, outside):
    """The context pass's removals, each block only if not removed yet: ``runs`` for every
    run of ``run`` or more NOISE blocks (2), then ``outside`` for every block before ``lo``
    or after ``hi``."""
    cdef Py_ssize_t i, j, n = kinds.shape[0]
    if len(verdict) != n:
        raise ValueError("one kind per block")
    i = 0
    while i < n:
        if kinds[i] != 2:
            i += 1
            continue
        j = i
        while j < n and kinds[j] == 2:
            j += 1
        if j - i >= run:
            for i in range(i, j):
                if verdict[i] is None:
                    verdict[i] = runs
        i = j
    for i in range(n):
        if (i < lo or i > hi) and verdict[i] is None:
            verdict[i] = outside


cdef bint _toolbar_hit(dict hits, const unsigned char[::1] toolbar, Py_ssize_t index) except -1:
    """Block ``index`` matches a rule flagged in ``toolbar``."""
    found = hits.get(index)
    if found is None:
        return False
    for ri in <list> found:
        if toolbar[<Py_ssize_t> ri]:
            return True
    return False


def repair_pairs(source, list blocks, list verdict, list body, dict spans, const uint8_t[::1] table,
                 Py_ssize_t min_chars):
    """The pairs ``(a, b)`` of consecutive kept blocks (``verdict`` None) that the repair
    pass's test may join: every pair but those it certainly rejects -- ``a``'s text (its
    end stripped of whitespace) shorter than ``min_chars``, or ending in neither a comma (bit
    1 of ``table``) nor, when ``a`` is body and ``b`` at least ``min_chars`` long, a letter
    (bit 2) before ``b``'s lowercase first character (bit 4). A block with spans, or a
    character beyond the table, is left to the test. ``table``: ``repair.repair_table()``."""
    if not isinstance(source, str):
        raise TypeError(f"repair_pairs() takes str, got {type(source).__name__}")
    cdef int kind = PyUnicode_KIND(source)
    cdef void *data = PyUnicode_DATA(source)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(source), nb = len(blocks), i, prev = -1
    cdef uint32_t dom = table.shape[0]
    cdef list out = []
    if len(verdict) != nb or len(body) != nb:
        raise ValueError("one verdict and one body flag per block")
    for i in range(nb):
        if verdict[i] is not None:
            continue
        if prev >= 0:
            a, b = blocks[prev], blocks[i]
            if _may_join(kind, data, n, a, b, prev, body[prev], spans, table, dom, min_chars):
                out.append((a, b))
        prev = i
    return out


cdef bint _may_join(int kind, void *data, Py_ssize_t n, object a, object b, Py_ssize_t ai, object a_body,
                    dict spans, const uint8_t[::1] table, uint32_t dom, Py_ssize_t min_chars) except -1:
    cdef Py_ssize_t s, stop
    cdef Py_UCS4 c, d
    if spans and ai in spans:
        return True
    s, stop = start_of(a), end_of(a)
    if not 0 <= s <= stop <= n:
        raise ValueError(f"block {ai} is outside the source")
    while stop > s and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, stop - 1)):
        stop -= 1
    if stop - s < min_chars:
        return False
    c = PyUnicode_READ(kind, data, stop - 1)
    if c >= dom or table[c] & 1:
        return True
    if not (a_body and table[c] & 2):
        return False
    text = text_of(b)
    if PyUnicode_GET_LENGTH(text) < min_chars:
        return False
    d = PyUnicode_READ(PyUnicode_KIND(text), PyUnicode_DATA(text), 0)
    return d >= dom or table[d] & 4


cdef bint _weak_block(int kind, void *data, Py_ssize_t length, object block, Py_ssize_t b,
                      const uint8_t[::1] table) except -1:
    """:func:`context_kinds`' weak test of one block."""
    cdef Py_ssize_t s = start_of(block), e = end_of(block), k
    cdef uint32_t dom = table.shape[0]
    if not 0 <= s <= e <= length:
        raise ValueError(f"block {b} is outside the source")
    if s == e:  # an empty block (a Document built by hand): weak('') is False
        return False
    if _weak_bits(kind, data, s, dom, table) & 4 and e - s >= 2 and _weak_bits(kind, data, s + 1, dom, table) & 1:
        return True
    k = 0
    while k < 4 and s + k < e and _weak_bits(kind, data, s + k, dom, table) & 2:
        k += 1
    if 1 <= k <= 3 and s + k < e and _weak_bits(kind, data, s + k, dom, table) & 8:
        k += 1  # then \s?\S
        if s + k < e and not _weak_bits(kind, data, s + k, dom, table) & 1:
            return True
        if s + k + 1 < e and not _weak_bits(kind, data, s + k + 1, dom, table) & 1:
            return True
    return bool(_weak_bits(kind, data, e - 1, dom, table) & 16 or (
        _weak_bits(kind, data, e - 1, dom, table) & 32 and e - s >= 2
        and _weak_bits(kind, data, e - 2, dom, table) & 16))


cdef int _data_block(int kind, void *data, object block) except -1:
    """``passes.context.data_row`` of a block that :func:`_weak_block` checked to lie in the
    source: a letter, letters or spaces (at most 12 in all), ``:`` or ``：`` not followed by
    ``//``, and a decimal digit within the 61 characters after it; or three numbers or more
    among its blank-separated words (:func:`_number`); at most 100 characters long."""
    cdef Py_ssize_t s = start_of(block), e = end_of(block)
    cdef Py_ssize_t i = s, k, numbers = 0
    cdef Py_UCS4 c
    if e - s > 100:  # (context.DATA_MAX_CHARS)
        return False
    # The labelled form needs its colon within the first 13 characters: most lines have none
    # there, and their letters are then not tested one by one.
    for k in range(s, min(e, s + 13)):
        c = PyUnicode_READ(kind, data, k)
        if c == 0x3A or c == 0xFF1A:
            break
    else:
        i = e
    while i < e and i - s <= 12:
        c = PyUnicode_READ(kind, data, i)
        if not (c == 32 or _alpha(c)):
            break
        i += 1
    if 0 < i - s <= 12 and i < e and _alpha(PyUnicode_READ(kind, data, s)):
        c = PyUnicode_READ(kind, data, i)
        if (c == 0x3A or c == 0xFF1A) and not (  # ':' or '：', not opening '//'
                i + 2 < e and PyUnicode_READ(kind, data, i + 1) == 0x2F and PyUnicode_READ(kind, data, i + 2) == 0x2F):
            for k in range(i + 1, min(e, i + 62)):
                if _decimal(PyUnicode_READ(kind, data, k)):
                    return True
    # Three numbers need three digits: most lines (menu entries, link titles) have none, and
    # this count, on the string's own width, is a compare a character for ASCII and CJK
    # ideographs, not a call.
    if kind == 1:
        k = _digits(<const uint8_t *> data, s, e)
    elif kind == 2:
        k = _digits(<const uint16_t *> data, s, e)
    else:
        k = _digits(<const uint32_t *> data, s, e)
    if k < 3:
        return False
    i = s
    while i < e:  # the words (str.split): runs of characters that are not whitespace
        while i < e and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
            i += 1
        k = i
        while k < e and not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
            k += 1
        if k > i and _number(kind, data, i, k):
            numbers += 1
            if numbers >= 3:
                return True
        i = k
    return False


cdef inline bint _alpha(uint32_t c) noexcept:
    """``str.isalpha`` of one character: ASCII letters and the CJK ideographs of Unicode 1.1
    (U+4E00-U+9FA5) by compares, the rest by CPython's table."""
    if c < 0x80:
        return (c | 0x20) - 0x61 < 26
    return (_FAST_ALPHA and 0x4E00 <= c <= 0x9FA5) or Py_UNICODE_ISALPHA(c)


cdef bint _none_decimal(uint32_t lo, uint32_t hi) noexcept:
    cdef uint32_t c
    for c in range(lo, hi):
        if Py_UNICODE_ISDECIMAL(c):
            return False
    return True


cdef bint _all_alpha(uint32_t lo, uint32_t hi) noexcept:
    cdef uint32_t c
    for c in range(lo, hi):
        if not Py_UNICODE_ISALPHA(c):
            return False
    return True


# Unicode has no decimal digit (Nd) but ASCII's below U+0660, and none from U+1C5A (after
# the Ol Chiki digits) to U+A620 (the Vai digits): Latin, Greek, Cyrillic, CJK and their
# punctuation are answered by a compare there. The CJK ideographs of Unicode 1.1 are all
# letters. Both checked against this Python's own tables when the module loads (a few
# hundred microseconds), so that a future Unicode cannot make the shortcuts wrong.
cdef bint _FAST_DECIMAL = _none_decimal(0x80, 0x660) and _none_decimal(0x1C5A, 0xA620)
cdef bint _FAST_ALPHA = _all_alpha(0x4E00, 0x9FA6)


cdef inline bint _decimal(uint32_t c) noexcept:
    """``str.isdecimal`` of one character."""
    if c < 0x80:
        return c - 0x30 <= 9  # (unsigned: below '0' wraps past 9)
    if _FAST_DECIMAL and (c < 0x660 or 0x1C5A <= c < 0xA620):
        return False
    return Py_UNICODE_ISDECIMAL(c)


cdef Py_ssize_t _digits(const _Src *p, Py_ssize_t s, Py_ssize_t e) noexcept:
    """The decimal digits in ``p[s:e]``, counted up to 3."""
    cdef Py_ssize_t i, k = 0
    for i in range(s, e):
        k += _decimal(p[i])
        if k >= 3:
            break
    return k


cdef bint _number(int kind, void *data, Py_ssize_t i, Py_ssize_t e) noexcept:
    """``passes.context.number`` of the word ``[i, e)``: ``[-+(]?[$€£¥]?\\d[\\d.,:/%-]*[%)]?``."""
    cdef Py_UCS4 c
    if i < e:
        c = PyUnicode_READ(kind, data, i)
        if c == 0x2D or c == 0x2B or c == 0x28:  # - + (
            i += 1
    if i < e:
        c = PyUnicode_READ(kind, data, i)
        if c == 0x24 or c == 0x20AC or c == 0xA3 or c == 0xA5:  # $ € £ ¥
            i += 1
    if i == e or not _decimal(PyUnicode_READ(kind, data, i)):
        return False
    i += 1
    while i < e:
        c = PyUnicode_READ(kind, data, i)
        # . , : / % -
        if not (_decimal(c) or c == 0x2E or c == 0x2C or c == 0x3A or c == 0x2F or c == 0x25
                or c == 0x2D):
            break
        i += 1
    if i < e:
        c = PyUnicode_READ(kind, data, i)
        if c == 0x25 or c == 0x29:  # % )
            i += 1
    return i == e


cdef inline uint8_t _weak_bits(int kind, void *data, Py_ssize_t i, uint32_t dom, const uint8_t[::1] table) noexcept:
    cdef Py_UCS4 c = PyUnicode_READ(kind, data, i)
    return table[c] if c < dom else 0


def apply_hits(dict hits, list verdict, list body, list blocks, const unsigned char[::1] scope,
               const unsigned char[::1] action, list min_body, list verdicts, Py_ssize_t first,
               Py_ssize_t last, double cut_share, Py_ssize_t list_items, Py_ssize_t item_chars,
               const unsigned char[::1] toolbar):
    """``passes.junk``'s loop over the line rules' hits: per block in order, not removed yet,
    the first of its rules whose scope admits it (``scope``: 0 anywhere, 1 head -- above
    ``first`` --, 2 tail -- below ``last``) and that applies: ``action`` 0 removes the block,
    1 (drop_list) also the following short non-body blocks (at most ``list_items``, each at
    most ``item_chars`` long), 2 (cut_rest) the block and all after it, if enough body text
    comes before it (``min_body[ri]`` characters, or else ``cut_share`` of the document's)
    and the blocks on both sides of it do not both match a rule flagged in ``toolbar``
    (``passes.junk.in_toolbar``); a block none of whose rules applies but that a cut_rest
    rule matched is removed by the first such rule alone. ``verdicts``: per rule, its
    Verdict; ``verdict`` is updated in place."""
    cdef Py_ssize_t nb = len(blocks), index, i, j, r, end, uncut
    cdef list before = None
    cdef object v, need
    if len(verdict) != nb or len(body) != nb:
        raise ValueError("one verdict and one body flag per block")
    for index in sorted(hits):
        if verdict[index] is not None:
            continue
        uncut = -1
        for ri in <list> hits[index]:
            r = ri
            if (scope[r] == 1 and index >= first) or (scope[r] == 2 and index <= last):
                continue
            v = verdicts[r]
            if action[r] == 2:
                if uncut < 0:
                    uncut = r  # (if nothing applies, the line goes by the first that could not cut)
                if _toolbar_hit(hits, toolbar, index - 1) and _toolbar_hit(hits, toolbar, index + 1):
                    continue
                if before is None:  # characters of body text above each block
                    before = [0] * (nb + 1)
                    for i in range(nb):
                        before[i + 1] = before[i] + (text_length(blocks[i])
                                                     if body[i] else 0)
                need = min_body[r]
                if need:
                    if before[index] < need:
                        continue
                elif not (before[nb] > 0 and before[index] >= cut_share * before[nb]):
                    continue
                for i in range(index, nb):
                    if verdict[i] is None:
                        verdict[i] = v
                break
            verdict[index] = v
            if action[r] == 1:
                end = min(nb, index + 1 + list_items)
                for j in range(index + 1, end):
                    if body[j] or text_length(blocks[j]) > item_chars:
                        break
                    if verdict[j] is None:
                        verdict[j] = v
            break
        else:
            if uncut >= 0:
                verdict[index] = verdicts[uncut]


def span_matches(list span_bits, list verdict, const int64_t[::1] starts, const int64_t[::1] ends,
                 str folded, tuple plan):
    """``passes.junk._spans``' calls of :meth:`.compile.CompiledRules.spans`: per block not
    removed yet whose ``span_bits`` are set, ``(index, found)`` when some span rule matches
    in it -- ``found`` the ``(rule_index, start, end)`` of its non-empty matches in the
    block's folded text (``folded[starts[i]:ends[i]]``), in order of position, rules in
    ``plan`` order at a tie. ``plan``: per span rule, ``(k, rule_index, finditer,
    max_chars)`` (bit ``k`` of a block's span bits: the block holds one of the rule's anchor
    characters; ``finditer(text)``: its matches, under the budget for a user rule)."""
    cdef Py_ssize_t nb = len(span_bits), index, n, s, e
    cdef list out = [], found
    cdef object bits, text
    cdef int64_t max_chars
    if len(verdict) != nb or starts.shape[0] != nb or ends.shape[0] != nb:
        raise ValueError("one verdict, start and end per block")
    for index in range(nb):
        bits = span_bits[index]
        if not bits or verdict[index] is not None:
            continue
        s, e = starts[index], ends[index]
        n = e - s
        text = None
        found = []
        for k, ri, finditer, limit in plan:
            max_chars = limit
            if n > max_chars or not (bits >> k) & 1:
                continue
            if text is None:
                text = PyUnicode_Substring(folded, s, e)
            for m in finditer(text):
                a, b = m.span()
                if b > a:
                    found.append((ri, a, b))
        if found:
            if len(found) > 1:
                found.sort(key=_POSITION)
            out.append((index, found))
    return out


_POSITION = itemgetter(1, 2)


# The passes' scans of their per-block lists (verdicts, body flags), by identity or truth:
# ``list.index``/``count``/``in`` compare each item by ``==`` (two rich comparisons for a
# Verdict against None), ~5% of text mode's instructions. :mod:`.seq` has them in Python.

def find_is(list seq, obj, Py_ssize_t start=0):
    """The first index from ``start`` on whose item is ``obj`` (by identity), else -1."""
    cdef Py_ssize_t i
    for i in range(max(start, 0), len(seq)):
        if PyList_GET_ITEM(seq, i) == <PyObject *> obj:
            return i
    return -1


def count_is(list seq, obj):
    """How many items of ``seq`` are ``obj`` (by identity)."""
    cdef Py_ssize_t i, n = 0
    for i in range(len(seq)):
        if PyList_GET_ITEM(seq, i) == <PyObject *> obj:
            n += 1
    return n


def truthy_bounds(list seq):
    """``(first, last)``: the indices of the first and the last true item, ``(-1, -1)`` when
    none is."""
    cdef Py_ssize_t i, first = -1, last = -1, n = len(seq)
    for i in range(n):
        if seq[i]:
            first = i
            break
    if first >= 0:
        for i in range(n - 1, first - 1, -1):
            if seq[i]:
                last = i
                break
    return first, last
