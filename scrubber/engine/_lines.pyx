# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The native core's line work: cutting text into blocks, the context pass (block kinds, body
clusters, its removals), the repair pass's candidate pairs, the removed lines, cut and final
layout of the Result -- :mod:`.fronts.text`, :mod:`.passes.context`, :mod:`.passes.repair` and
:mod:`scrubber._core` / :mod:`scrubber.result` in C, pinned to them by ``tests/test_native_conformance.py``."""

from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdint cimport int64_t, uint8_t, uint32_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy

from ._unicode cimport (
    Py_UNICODE_ISSPACE, PyUnicode_DATA, PyUnicode_FromKindAndData, PyUnicode_KIND, PyUnicode_READ,
    PyUnicode_Substring, PyUnicode_WRITE,
)

import numpy as np

import dataclasses

from scrubber.document import Block

from ._slots cimport PyTypeObject, field, member_offset, set_slot

cdef extern from "Python.h":
    object PyType_GenericAlloc(PyTypeObject *, Py_ssize_t)

cdef Py_ssize_t _TEXT = member_offset(Block, "text")
cdef Py_ssize_t _LINE_START = member_offset(Block, "line_start")
cdef Py_ssize_t _LINE_END = member_offset(Block, "line_end")
cdef Py_ssize_t _DOM_VERDICT = member_offset(Block, "dom_verdict")
# split_lines makes Blocks without calling the dataclass's __init__ (half its time): the
# slots of the fields it is given, then every other field's default, read from the class.
_GIVEN = ("index", "text", "start", "end", "line_start", "line_end", "para")
if tuple(f.name for f in dataclasses.fields(Block))[: len(_GIVEN)] != _GIVEN:
    raise TypeError("Block's first fields are not split_lines' (index, text, start, end, ...)")
cdef Py_ssize_t[7] _GIVEN_AT
for _k, _name in enumerate(_GIVEN):
    _GIVEN_AT[_k] = member_offset(Block, _name)
cdef list _DEFAULTS = []  # (offset, default) of the other fields
for _f in dataclasses.fields(Block)[len(_GIVEN):]:
    if _f.default is dataclasses.MISSING:
        raise TypeError(f"Block.{_f.name} has no plain default")
    _DEFAULTS.append((member_offset(Block, _f.name), _f.default))


cdef object _new_block(Py_ssize_t index, object text, Py_ssize_t start, Py_ssize_t end,
                       Py_ssize_t line_start, Py_ssize_t line_end, Py_ssize_t para):
    """``Block(index, text, start, end, line_start, line_end, para)``, its slots set directly."""
    # What object.__new__(Block) does (a Python class's tp_alloc), all slots empty.
    obj = PyType_GenericAlloc(<PyTypeObject *> Block, 0)
    set_slot(obj, _GIVEN_AT[0], index)
    set_slot(obj, _GIVEN_AT[1], text)
    set_slot(obj, _GIVEN_AT[2], start)
    set_slot(obj, _GIVEN_AT[3], end)
    set_slot(obj, _GIVEN_AT[4], line_start)
    set_slot(obj, _GIVEN_AT[5], line_end)
    set_slot(obj, _GIVEN_AT[6], para)
    for offset, default in _DEFAULTS:
        set_slot(obj, offset, default)
    return obj


cdef struct _TextLine:
    Py_ssize_t start, stop   # its content, blanks stripped (start == stop: a blank line)
    Py_ssize_t end           # where the next line starts (after ``\\n``, ``\\r\\n`` or ``\\r``)
    bint last                # no line break ends it


cdef inline void _read_line(int kind, void *data, Py_ssize_t n, Py_ssize_t pos, _TextLine *line) noexcept:
    """The line starting at ``pos`` (the text front end's lines and blanks)."""
    cdef Py_ssize_t i = pos, a, b
    cdef Py_UCS4 c = 0
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        if c == 10 or c == 13:
            break
        i += 1
    line.last = i >= n
    if line.last:
        line.end = i
    elif c == 13 and i + 1 < n and PyUnicode_READ(kind, data, i + 1) == 10:
        line.end = i + 2
    else:
        line.end = i + 1
    a, b = pos, i
    while a < b and _blank(PyUnicode_READ(kind, data, a)):
        a += 1
    while b > a and _blank(PyUnicode_READ(kind, data, b - 1)):
        b -= 1
    line.start, line.stop = a, b


def split_lines(source, block):
    """The blocks of :func:`~scrubber.fronts.text.split_text`: ``block(index, text, start, end,
    line_start, line_end, para)`` for every line holding more than blanks, with their starts
    and ends as int64 arrays: ``(blocks, starts, ends)``.

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r``; a line's text is stripped of the characters of
    ``fronts.text.BLANK`` (whitespace but line breaks, zero-width space, BOM); a blank line
    before a block starts a new paragraph.
    """
    if not isinstance(source, str):
        raise TypeError(f"split_lines() takes str, got {type(source).__name__}")
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(source), pos = 0, a, b, para = 0, count = 0, size = 64
    cdef int kind = PyUnicode_KIND(source)
    cdef void *data = PyUnicode_DATA(source)
    cdef _TextLine line
    cdef bint blank_before = False
    cdef list out = []
    cdef bint fast = block is Block
    cdef int64_t *bounds = <int64_t *> malloc(2 * size * sizeof(int64_t))  # start, end; start, end; ...
    cdef int64_t *grown
    if bounds == NULL:
        raise MemoryError()
    try:
        while True:
            _read_line(kind, data, n, pos, &line)
            a, b = line.start, line.stop
            if a < b:
                if blank_before and count:
                    para += 1
                text = PyUnicode_Substring(source, a, b)
                out.append(_new_block(count, text, a, b, pos, line.end, para) if fast
                           else block(count, text, a, b, pos, line.end, para))
                if count == size:
                    grown = <int64_t *> realloc(bounds, 4 * size * sizeof(int64_t))
                    if grown == NULL:
                        raise MemoryError()
                    bounds, size = grown, 2 * size
                bounds[2 * count] = a
                bounds[2 * count + 1] = b
                count += 1
                blank_before = False
            else:
                blank_before = True
            if line.last:
                break
            pos = line.end
        pairs = np.frombuffer(PyBytes_FromStringAndSize(<char *> bounds, 2 * count * sizeof(int64_t)),
                              dtype=np.int64)
        return out, pairs[0::2].copy(), pairs[1::2].copy()
    finally:
        free(bounds)


def context_kinds(source, list blocks, list verdict, list body, const uint8_t[::1] table):
    """``passes.context.classify``: per block, NOISE (2) when removed, else BODY (0) when
    ``body``, else WEAK (1) when ``passes.context.weak(block.text)`` (the text being
    ``source[block.start:block.end]``: an item mark and a blank, or one to three digits, a
    number's end and (after at most one blank) a non-blank, at the start; or a sentence end,
    then at most one closer, at the end), else NOISE -- as bytes. ``table``:
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
            kinds[b] = 1 if _weak_block(kind, data, length, blocks[b], b, table) else 2
    return bytes(out)


def body_clusters(const unsigned char[::1] kinds, list blocks, Py_ssize_t max_gap):
    """``passes.context.clusters``: ``(first, last, body_chars)`` of each run of BODY blocks
    (0) that at most ``max_gap`` NOISE blocks (2) separate; chars are ``len(block.text)``."""
    cdef Py_ssize_t i, gap = 0, first = -1, last = -1, chars = 0
    cdef PyTypeObject *cls = <PyTypeObject *> Block
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
        chars += len(field(blocks[i], cls, _TEXT, "text"))
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
    cdef PyTypeObject *cls = <PyTypeObject *> Block
    cdef Py_ssize_t s, stop
    cdef Py_UCS4 c, d
    if spans and ai in spans:
        return True
    s, stop = field(a, cls, _GIVEN_AT[2], "start"), field(a, cls, _GIVEN_AT[3], "end")
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
    text = field(b, cls, _TEXT, "text")
    if PyUnicode_GET_LENGTH(text) < min_chars:
        return False
    d = PyUnicode_READ(PyUnicode_KIND(text), PyUnicode_DATA(text), 0)
    return d >= dom or table[d] & 4


cdef bint _weak_block(int kind, void *data, Py_ssize_t length, object block, Py_ssize_t b,
                      const uint8_t[::1] table) except -1:
    """:func:`context_kinds`' weak test of one block."""
    cdef PyTypeObject *cls = <PyTypeObject *> Block
    cdef Py_ssize_t s = field(block, cls, _GIVEN_AT[2], "start"), e = field(block, cls, _GIVEN_AT[3], "end"), k
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


cdef inline uint8_t _weak_bits(int kind, void *data, Py_ssize_t i, uint32_t dom, const uint8_t[::1] table) noexcept:
    cdef Py_UCS4 c = PyUnicode_READ(kind, data, i)
    return table[c] if c < dom else 0


def layout(text):
    """:func:`scrubber.result.layout`: every line stripped of ``fronts.text.BLANK``, runs of
    blank lines collapsed to one, blank lines at either end dropped (lines end at ``\\n``,
    ``\\r\\n`` or ``\\r``)."""
    if not isinstance(text, str):
        raise TypeError(f"layout() takes str, got {type(text).__name__}")
    return _layout(PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))


cdef str _layout(int kind, void *data, Py_ssize_t n):
    cdef Py_ssize_t pos = 0, a, b, m = 0
    cdef _TextLine line
    cdef bint written = False, blank_between = False
    # The output is no longer than the text and holds only its characters (and line breaks):
    # a buffer of the text's own width, lines copied whole.
    cdef char *out = <char *> malloc(max(n, 1) * kind)
    if out == NULL:
        raise MemoryError()
    try:
        while True:
            _read_line(kind, data, n, pos, &line)
            a, b = line.start, line.stop
            if a < b:
                if written:  # a line break, and one blank line where any stood between
                    PyUnicode_WRITE(kind, out, m, 10)
                    m += 1
                    if blank_between:
                        PyUnicode_WRITE(kind, out, m, 10)
                        m += 1
                memcpy(out + m * kind, <char *> data + a * kind, (b - a) * kind)
                m += b - a
                written = True
                blank_between = False
            elif written:
                blank_between = True
            if line.last:
                break
            pos = line.end
        return PyUnicode_FromKindAndData(kind, out, m)
    finally:
        free(out)


def cut(source, const int64_t[::1] ranges):
    """``layout`` of ``source`` without ``source[ranges[2k]:ranges[2k + 1]]`` for every k
    (sorted, not overlapping): :func:`scrubber.result.replay` of whole-line removals."""
    if not isinstance(source, str):
        raise TypeError(f"cut() takes str, got {type(source).__name__}")
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(source), pos = 0, m = 0, k, a, b
    cdef int kind = PyUnicode_KIND(source)
    cdef char *data = <char *> PyUnicode_DATA(source)
    if ranges.shape[0] % 2:
        raise ValueError("cut() takes (start, end) pairs")
    cdef char *kept = <char *> malloc(max(n, 1) * kind)
    if kept == NULL:
        raise MemoryError()
    try:
        for k in range(0, ranges.shape[0], 2):
            a, b = ranges[k], ranges[k + 1]
            if a < pos or b < a or b > n:
                raise ValueError(f"overlapping or out-of-range removal at offset {a}")
            memcpy(kept + m * kind, data + pos * kind, (a - pos) * kind)
            m += a - pos
            pos = b
        memcpy(kept + m * kind, data + pos * kind, (n - pos) * kind)
        m += n - pos
        return _layout(kind, kept, m)
    finally:
        free(kept)


def removed_lines(source, list blocks, list verdict):
    """The blocks removed whole, for the Result: ``(ranges, verdicts, gone, total)``.

    ``ranges``: int64 ``line_start, line_end`` pairs of every block whose ``verdict`` is not
    None, in order; ``verdicts``: those verdicts; ``gone``: the over-removal guard's count,
    ``len(source[line_start:line_end].strip())`` summed over the removed blocks whose verdict
    is ``guarded``; ``total``: ``len(block.text)`` summed over the blocks without a
    ``dom_verdict``. (``scrubber._core``'s Python path computes the same.)
    """
    if not isinstance(source, str):
        raise TypeError(f"removed_lines() takes str, got {type(source).__name__}")
    cdef Py_ssize_t nb = len(blocks), n = PyUnicode_GET_LENGTH(source), i, a, b, count = 0
    cdef Py_ssize_t gone = 0, total = 0
    cdef int kind = PyUnicode_KIND(source)
    cdef void *data = PyUnicode_DATA(source)
    cdef PyTypeObject *cls = <PyTypeObject *> Block
    cdef object last = None
    cdef bint guarded = False
    if len(verdict) != nb:
        raise ValueError("one verdict per block")
    ranges = np.empty(2 * nb, dtype=np.int64)
    cdef int64_t[::1] out = ranges
    cdef list kinds = []
    for i in range(nb):
        block = blocks[i]
        if field(block, cls, _DOM_VERDICT, "dom_verdict") is None:
            total += len(field(block, cls, _TEXT, "text"))
        v = verdict[i]
        if v is None:
            continue
        a = field(block, cls, _LINE_START, "line_start")
        b = field(block, cls, _LINE_END, "line_end")
        out[2 * count], out[2 * count + 1] = a, b
        count += 1
        kinds.append(v)
        if v is not last:  # removals come in runs of one verdict
            last, guarded = v, v.guarded
        if guarded:
            if not 0 <= a <= b <= n:
                raise ValueError(f"block {i} is outside the source")
            while a < b and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a)):
                a += 1
            while b > a and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1)):
                b -= 1
            gone += b - a
    return ranges[: 2 * count], kinds, gone, total


def removal_rows(const int64_t[::1] ranges, list verdicts):
    """The Result's rows of :func:`removed_lines`' output: ``(line_start, line_end,
    rule_id, category, "")`` per removed block."""
    cdef Py_ssize_t k
    cdef object last = None, rule_id = None, category = None
    if ranges.shape[0] != 2 * len(verdicts):
        raise ValueError("one (start, end) pair per verdict")
    cdef list rows = [None] * len(verdicts)
    for k in range(len(verdicts)):
        v = verdicts[k]
        if v is not last:
            last, rule_id, category = v, v.rule_id, v.category
        rows[k] = (ranges[2 * k], ranges[2 * k + 1], rule_id, category, "")
    return rows


cdef inline bint _blank(Py_UCS4 c) noexcept:
    """``c in fronts.text.BLANK``."""
    if c == 0x200B or c == 0xFEFF:
        return True
    return c <= 0x3000 and c != 10 and c != 13 and Py_UNICODE_ISSPACE(c)
