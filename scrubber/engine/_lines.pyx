# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The native core's line work: cutting text into blocks, and the Result of whole-line
removals (the removed lines and the guard's counts, the text cut and laid out, the rows) --
:mod:`.fronts.text` and :mod:`scrubber._core` / :mod:`scrubber.result` in C, pinned to them
by ``tests/test_native_conformance.py``."""

from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy

from ._unicode cimport (
    Py_UNICODE_ISSPACE, PyUnicode_DATA, PyUnicode_FromKindAndData, PyUnicode_KIND, PyUnicode_READ,
    PyUnicode_Substring, PyUnicode_WRITE, _Src,
)

import numpy as np

from ._block cimport Block, line_block, text_length

cdef str _NO_TAG = ""


cdef struct _TextLine:
    Py_ssize_t start, stop   # its content, blanks stripped (start == stop: a blank line)
    Py_ssize_t end           # where the next line starts (after ``\\n``, ``\\r\\n`` or ``\\r``)
    bint last                # no line break ends it


cdef inline void _read_line(int kind, void *data, Py_ssize_t n, Py_ssize_t pos, _TextLine *line) noexcept:
    """The line starting at ``pos`` (the text front end's lines and blanks)."""
    cdef Py_ssize_t i, a, b
    cdef Py_UCS4 c = 0
    # (The search for the line break on the string's own width: PyUnicode_READ's switch on
    # the kind, per character, was most of the cutting's instructions.)
    if kind == 1:
        i = _break_at(<const uint8_t *> data, n, pos)
    elif kind == 2:
        i = _break_at(<const uint16_t *> data, n, pos)
    else:
        i = _break_at(<const uint32_t *> data, n, pos)
    if i < n:
        c = PyUnicode_READ(kind, data, i)
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


cdef inline Py_ssize_t _break_at(const _Src *src, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    """The index of the first ``\\n`` or ``\\r`` from ``i`` on, else ``n``."""
    while i < n:
        if src[i] <= 13 and (src[i] == 10 or src[i] == 13):
            return i
        i += 1
    return n


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
    cdef bint fast = block is Block  # (then its text is cut from the source when first read)
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
                out.append(line_block(source, count, a, b, pos, line.end, para, _NO_TAG) if fast
                           else block(count, PyUnicode_Substring(source, a, b), a, b, pos, line.end, para))
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


def cut(source, const int64_t[::1] ranges, list replacements=None):
    """``layout`` of ``source`` without ``source[ranges[2k]:ranges[2k + 1]]`` for every k
    (sorted, not overlapping), each replaced by ``replacements[k]`` when given (a repair's
    join: ``" "`` or ``""``): :func:`scrubber.result.replay` of those removals."""
    if not isinstance(source, str):
        raise TypeError(f"cut() takes str, got {type(source).__name__}")
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(source), pos = 0, m = 0, k, a, b, extra = 0, r
    cdef int kind = PyUnicode_KIND(source)
    cdef char *data = <char *> PyUnicode_DATA(source)
    if ranges.shape[0] % 2:
        raise ValueError("cut() takes (start, end) pairs")
    if replacements is not None:
        if 2 * len(replacements) != ranges.shape[0]:
            raise ValueError("one replacement per (start, end) pair")
        for repl in replacements:
            if not isinstance(repl, str):
                raise TypeError(f"a replacement is a str, got {type(repl).__name__}")
            if PyUnicode_KIND(repl) > kind:  # wider than the source (never a repair's): in Python
                return _cut_py(source, ranges, replacements)
            extra += PyUnicode_GET_LENGTH(repl)
    cdef char *kept = <char *> malloc(max(n + extra, 1) * kind)
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
            if replacements is not None:
                repl = replacements[k >> 1]
                for r in range(PyUnicode_GET_LENGTH(repl)):
                    PyUnicode_WRITE(kind, kept, m, PyUnicode_READ(PyUnicode_KIND(repl), PyUnicode_DATA(repl), r))
                    m += 1
        memcpy(kept + m * kind, data + pos * kind, (n - pos) * kind)
        m += n - pos
        return _layout(kind, kept, m)
    finally:
        free(kept)


def _cut_py(str source, const int64_t[::1] ranges, list replacements):
    """:func:`cut` with replacements wider than the source's characters."""
    pieces, pos = [], 0
    for k in range(0, ranges.shape[0], 2):
        a, b = ranges[k], ranges[k + 1]
        if a < pos or b < a or b > len(source):
            raise ValueError(f"overlapping or out-of-range removal at offset {a}")
        pieces.append(source[pos:a])
        pieces.append(replacements[k >> 1])
        pos = b
    pieces.append(source[pos:])
    return layout("".join(pieces))


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
    cdef bint native
    cdef object last = None
    cdef bint guarded = False
    if len(verdict) != nb:
        raise ValueError("one verdict per block")
    ranges = np.empty(2 * nb, dtype=np.int64)
    cdef int64_t[::1] out = ranges
    cdef list kinds = []
    for i in range(nb):
        block = blocks[i]
        native = isinstance(block, Block)
        if ((<Block> block).dom_verdict if native else block.dom_verdict) is None:
            total += text_length(block)
        v = verdict[i]
        if v is None:
            continue
        if native:
            a, b = (<Block> block).line_start, (<Block> block).line_end
        else:
            a, b = block.line_start, block.line_end
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


def removal_rows(const int64_t[::1] ranges, list verdicts, list replacements=None):
    """The Result's rows of :func:`removed_lines`' output: ``(line_start, line_end,
    rule_id, category, "")`` per removed block (``replacements[k]`` in place of ``""``
    when given)."""
    cdef Py_ssize_t k
    cdef object last = None, rule_id = None, category = None
    if ranges.shape[0] != 2 * len(verdicts):
        raise ValueError("one (start, end) pair per verdict")
    if replacements is not None and len(replacements) != len(verdicts):
        raise ValueError("one replacement per verdict")
    cdef list rows = [None] * len(verdicts)
    for k in range(len(verdicts)):
        v = verdicts[k]
        if v is not last:
            last, rule_id, category = v, v.rule_id, v.category
        rows[k] = (ranges[2 * k], ranges[2 * k + 1], rule_id, category,
                   "" if replacements is None else replacements[k])
    return rows


cdef inline bint _blank(Py_UCS4 c) noexcept:
    """``c in fronts.text.BLANK``."""
    if c == 0x200B or c == 0xFEFF:
        return True
    return c <= 0x3000 and c != 10 and c != 13 and Py_UNICODE_ISSPACE(c)
