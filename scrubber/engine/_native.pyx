# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The optional native core of line matching: the same results as the pure-Python path, faster.

Built at install when a C compiler is present (``setup.py``); when it is missing the engine
runs :mod:`.docscan` and :meth:`.compile.CompiledRules.match_lines` in Python instead, and
``tests/test_native_conformance.py`` pins the paths to identical Results. The core's other
modules: :mod:`._scan` (the document scan this module's matcher reads), :mod:`._lines`
(cutting lines, the weak-line test, layout), :mod:`._passes` (the passes' loops) and
:mod:`._dedup` (dedup's keys and verdicts).

Here, :class:`LineMatcher`: stage one of line matching -- ``fold.core`` by tables, the
exact-phrase lookup, an Aho-Corasick automaton over code points, the condition bits and
every gate in front of a regex search, then the searches (the ``regex`` module's, called
from here) of the rules the gates leave.

Every character class is a table computed in Python from the very predicates the Python
path uses (``str.isalnum``, the ``regex`` classes), so the two cannot disagree on a code
point of the tables; a line holding a character above them takes the Python function.
"""

from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcmp, memcpy, memset


cdef extern from *:
    int __builtin_ctzll(unsigned long long) nogil

import numpy as np
import regex

from ._automaton import _STATE_DTYPE, _automaton, _state_records
from .prefilter import DIGIT, SPACE, START_DIGIT, top_branches

from ._automaton cimport _char_bit, _State
from ._unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ, PyUnicode_Substring, _Src


cdef enum:  # (compile-time constants: the walk's loop reads them as immediates)
    # How many of the shallowest automaton states get a row of ASCII transitions: for the
    # built-in packs 44 columns of 2 bytes, 360 KB, built in ~1.5 ms (the 1,024 shallowest take
    # 96% of the walk's steps on the development texts; 4,096 measured ~4% faster than 1,024,
    # 256 ~15% slower; 2-byte entries ~4% faster in the whole pipeline than 4-byte ones, whose
    # table the other passes push out of the L2 cache between documents).
    _DENSE_STATES = 4096
    # In a dense row: a target state too far for the entry's 15 bits (the walk takes its own
    # steps there) ...
    _FAR = 0xFFFF
    # ... else the target, with this bit set when it reports something (the walk reads its record
    # only then: most steps are one read, with no second load of a per-state flag).
    _REPORTS = 0x8000
    # Bits of the filter in front of the exact-phrase dict (2**17: 16 KB, ~3% false hits for
    # the built-in packs' 3,911 phrases).
    _EXACT_BITS = 1 << 17


cdef class _Stamps:
    """One match call's scratch: per rule, the id of the last line that added it to the hits
    and to the anchors (sets without sets), then three buffers of rule indices for one line
    (hits, anchors, rules to search). ``last``: the last line id given out; the next call
    goes on from it, so the buffer is zeroed once, not every call."""

    cdef int32_t *buf
    cdef public int32_t last

    def __cinit__(self, Py_ssize_t nrules):
        self.buf = <int32_t *> calloc(5 * nrules, sizeof(int32_t))
        if self.buf == NULL:
            raise MemoryError()
        self.last = 0

    def __dealloc__(self):
        free(self.buf)


cdef class LineMatcher:
    """Stage one of ``match_lines`` for many blocks of one document, in C.

    Built from a :class:`~.compile.CompiledRules`; :meth:`match` returns, per block with
    anything to report, ``(index, hits)``; with no budget, stage one alone:
    ``(index, hits, todo, folded)`` -- the rules matched without a regex, the regex rules to
    search (the gates and order of :meth:`~.compile.CompiledRules.match_lines`) and the
    block's folded text.

    A line's result depends on its text alone -- unless a user pattern was searched for it
    (the document's regex budget may cut that short) -- so those results are kept across
    documents too, up to ``line_cache`` lines in each of two generations (a line found in the
    older one moves to the newer; the older is dropped when the newer fills). Dict reads and
    writes under the GIL: threads sharing the matcher share the cache safely.
    """

    cdef const int32_t[::1] root        # code point < nroot -> root's goto (-1: none; -2: in no phrase)
    cdef const int32_t[::1] estart      # per state: where its run of transitions starts ...
    cdef const uint32_t[::1] echar      # ... their characters (sorted within the run)
    cdef const uint64_t[::1] emask      # per state: bit _char_bit(c) of each of its characters
    cdef const int32_t[::1] enext       # ... and targets
    cdef const int32_t[::1] fail
    cdef const uint64_t[::1] sbits      # per state: OR of the anchor bits of every phrase ending here
    cdef const int32_t[::1] ostart      # per state: its special phrases (ending here) ...
    cdef const int32_t[::1] ophrase
    cdef const uint8_t[::1] states     # per state: a _State record (emask, sbits, its run, fail, ostart)
    cdef const int32_t[::1] plen        # per phrase: length
    cdef const int32_t[::1] pstart      # per phrase: rule lists as [contains | prefix | plain]
    cdef const int32_t[::1] pmid1
    cdef const int32_t[::1] pmid2
    cdef const int32_t[::1] pend
    cdef const int32_t[::1] prules
    cdef const int64_t[::1] limit       # per rule
    cdef const int32_t[::1] bit_rule    # condition bit -> rule index (or -1)
    cdef const int64_t[::1] free_gate   # per line length up to line_max
    cdef const uint8_t[::1] edge        # per code point < domain: bit 1 common edge, 2 isalnum, 4 L|N, 8 L|N|M
    cdef int64_t line_max, far_free
    cdef int domain
    cdef int32_t nroot
    cdef const uint8_t[::1] dcls      # ASCII character -> its column in ``dense`` (0: in no phrase)
    cdef const uint16_t[::1] dense    # the first ndense states (the shallowest: the walk's usual
    cdef int32_t ndense, dwidth       # ones) x those columns -> the state the walk goes to (low
                                      # 15 bits), _REPORTS set when that state reports; _FAR: too
                                      # far (2 bytes an entry: twice the rows in a cache)
    cdef object _dense_rows           # (dense's array)
    cdef bint dense_ready
    cdef dict exact
    cdef Py_ssize_t exact_max
    cdef const uint64_t[::1] exact_filter  # bit (hash(phrase) % _EXACT_BITS) of every exact phrase
    cdef object core_py
    cdef bint has_phrases
    cdef Py_ssize_t nrules
    cdef const int32_t[::1] slit_start  # per rule: its start literals (literals its core must
    cdef const int32_t[::1] slit_off    # start with) slit_start[r]..slit_start[r + 1], each
    cdef const uint32_t[::1] slit_code  # slit_code[slit_off[k] : slit_off[k + 1]]
    cdef const uint64_t[::1] slit_first # per rule: the bits (_char_bit) of its literals' first characters
    cdef const uint8_t[::1] has_symbols  # per rule: it has prefilter literals (one must occur) ...
    cdef const int32_t[::1] sym_start   # ... symbol_text[sym_start[r] : sym_start[r + 1]]
    cdef list symbol_text
    cdef const uint64_t[::1] symbol_mask  # per literal: its characters' bits (see _char_bit)
    cdef const int32_t[::1] chr_start   # per rule: its required characters (required_chars) ...
    cdef const uint32_t[::1] chr_code   # ... chr_code[chr_start[r] : chr_start[r + 1]] (_DIGIT: any \d)
    cdef const uint64_t[::1] chr_mask   # per rule: those characters' bits (0 when _DIGIT is one)
    cdef object digit_py              # regex ``\d``'s search: lines holding characters beyond the tables
    cdef object space_py              # ... and ``\s``'s
    cdef list patterns                # per rule: its line regex (a LazyPattern), or None
    cdef list searches                # ... and its compiled search method, once used
    cdef const uint8_t[::1] builtin   # per rule: built in (searched without the budget)
    cdef const uint8_t[::1] decisive  # per rule: a hit decides the line (CompiledRules.decisive)
    cdef object search_py             # CompiledRules._search: a user pattern under the budget
    cdef const int32_t[::1] fstart    # per line length (and one row for longer lines) ...
    cdef const int32_t[::1] frule     # ... the anchor-less regex rules to try, in order,
    cdef const uint64_t[::1] fbit     # ... and their condition bits
    cdef Py_ssize_t nfree_len
    cdef Py_ssize_t cache_max         # lines per generation of the cache (0: none)
    cdef dict young, old              # line text -> its result, across documents
    cdef public list spare            # _Stamps that no call holds now

    def __init__(self, rules, edge_table, core_py, Py_ssize_t line_cache=0):
        self.core_py = core_py
        self.cache_max = line_cache
        self.young, self.old = {}, {}
        self.spare = []
        self.exact = dict(rules.exact)
        self.exact_max = max(map(len, self.exact), default=-1)
        # Most lines are no exact phrase: a bit of their hash (which the str keeps, and the
        # dict would compute anyway) says so from a 16 KB table, not two probes of the dict's.
        filt = np.zeros(_EXACT_BITS // 64, dtype=np.uint64)
        for phrase in self.exact:
            bit = hash(phrase) % _EXACT_BITS
            filt[bit >> 6] |= np.uint64(1) << np.uint64(bit & 63)
        self.exact_filter = filt
        self.line_max = rules.line_max
        self.domain = len(edge_table)
        self.edge = edge_table
        nrules = len(rules.rules)
        self.limit = np.asarray(rules.limit, dtype=np.int64)
        self.nrules = max(nrules, 1)
        bit_rule = np.full(64, -1, dtype=np.int32)
        for bit, i in rules.bit_rule.items():
            bit_rule[bit] = i
        self.bit_rule = bit_rule
        self.free_gate = np.asarray(rules.free_gate, dtype=np.int64)
        slit_start, slit_off, slit_code, slit_first = [], [0], [], []
        for i in range(nrules):
            slit_start.append(len(slit_off) - 1)
            first = 0
            # (sorted by their first characters: _starts looks for the line's by halving)
            for lit in sorted(rules.starts.get(i) or (), key=lambda lit: ord(lit[0])):
                slit_code += map(ord, lit)
                slit_off.append(len(slit_code))
                # (a literal opening with START_DIGIT: any first character may be its digit)
                first |= 0xFFFFFFFFFFFFFFFF if lit[0] == START_DIGIT else 1 << _py_char_bit(ord(lit[0]))
            slit_first.append(first)
        slit_start.append(len(slit_off) - 1)
        self.slit_first = np.asarray(slit_first or [0], dtype=np.uint64)
        self.slit_start = np.asarray(slit_start, dtype=np.int32)
        self.slit_off = np.asarray(slit_off, dtype=np.int32)
        self.slit_code = np.asarray(slit_code or [0], dtype=np.uint32)
        sym_start, symbol_text, symbol_mask = [], [], []
        for i in range(nrules):
            sym_start.append(len(symbol_text))
            for sym in rules.symbols.get(i) or ():
                symbol_text.append(sym)
                symbol_mask.append(_chars_mask(sym))
        sym_start.append(len(symbol_text))
        self.has_symbols = np.asarray([i in rules.symbols for i in range(nrules)] or [False], dtype=np.uint8)
        self.sym_start = np.asarray(sym_start, dtype=np.int32)
        self.symbol_text = symbol_text
        self.symbol_mask = np.asarray(symbol_mask or [0], dtype=np.uint64)
        chr_start, chr_code, chr_mask = [], [], []
        for i in range(nrules):
            chr_start.append(len(chr_code))
            chars = rules.chars.get(i) or ()
            chr_code += [_DIGIT if c == DIGIT else _SPACE if c == SPACE else ord(c) for c in chars]
            chr_mask.append(0 if DIGIT in chars or SPACE in chars else _chars_mask("".join(chars)))
        chr_start.append(len(chr_code))
        self.chr_start = np.asarray(chr_start, dtype=np.int32)
        self.chr_code = np.asarray(chr_code or [0], dtype=np.uint32)
        self.chr_mask = np.asarray(chr_mask or [0], dtype=np.uint64)
        self.digit_py = regex.compile(r"\d").search
        self.space_py = regex.compile(r"\s").search
        self.patterns = [rules.pattern.get(i) for i in range(nrules)]
        self.searches = [None] * nrules  # (bound on first use: patterns compile lazily)
        self.builtin = np.asarray([bool(b) for b in rules.builtin] or [False], dtype=np.uint8)
        self.decisive = np.asarray([bool(b) for b in rules.decisive] or [False], dtype=np.uint8)
        self.search_py = rules._search
        rows = [*rules.free_by_len, rules.free_regex]  # the last row: lines over line_max
        fstart, frule, fbit = [], [], []
        for row in rows:
            fstart.append(len(frule))
            for i, _, bit in row:
                frule.append(i)
                fbit.append(bit)
        fstart.append(len(frule))
        self.nfree_len = len(rules.free_by_len)
        self.fstart = np.asarray(fstart, dtype=np.int32)
        self.frule = np.asarray(frule or [0], dtype=np.int32)
        self.fbit = np.asarray(fbit or [0], dtype=np.uint64)
        self.far_free = rules.far_free
        phrases = rules.phrases
        self.has_phrases = bool(phrases)
        # Per phrase: contains rules, prefix rules, plain anchors (no condition bit).
        lists = [rules.special.get(pi, ((), (), ())) for pi in range(len(phrases))]
        pstart, pmid1, pmid2, pend, prules = [], [], [], [], []
        for contains, prefix, plain in lists:
            pstart.append(len(prules))
            prules += contains
            pmid1.append(len(prules))
            prules += prefix
            pmid2.append(len(prules))
            prules += plain
            pend.append(len(prules))
        self.pstart = np.asarray(pstart, dtype=np.int32)
        self.pmid1 = np.asarray(pmid1, dtype=np.int32)
        self.pmid2 = np.asarray(pmid2, dtype=np.int32)
        self.pend = np.asarray(pend, dtype=np.int32)
        self.prules = np.asarray(prules or [0], dtype=np.int32)
        self.plen = np.asarray([len(p) for p in phrases] or [0], dtype=np.int32)
        self._build(phrases, rules.anchor_bits, set(rules.special))

    def _build(self, phrases, anchor_bits, special):
        # (Built in typed code: the dict-per-state build in Python took 40 ms of every start.)
        nroot = 0x30000
        root, estart, echar, emask, enext, fail, sbits, ostart, ophrase = _automaton(
            phrases, anchor_bits, special, nroot)
        self.nroot = nroot
        self.root, self.estart, self.echar, self.emask, self.enext = root, estart, echar, emask, enext
        self.fail, self.sbits, self.ostart, self.ophrase = fail, sbits, ostart, ophrase
        self.states = _state_records(estart, emask, fail, sbits, ostart).view(np.uint8)
        self._build_dense(phrases)

    def _build_dense(self, phrases):
        """The walk's transitions from its shallowest states on ASCII characters, worked out
        once (goto, failure links and all): English lines then take one table read a
        character instead of a search of a state's run and a failure chain of them, whose
        varying length the CPU cannot predict."""
        cdef _Auto A
        cdef int32_t s, k, width, t
        cdef uint32_t c
        cdef uint16_t[::1] out
        self._auto_tables(&A)
        if A.st[0].sbits != 0 or A.st[0].ostart >= 0:
            raise ValueError("the automaton's root reports a phrase")  # (phrases are never empty)
        used = sorted({ord(ch) for p in phrases for ch in p if ord(ch) < 128})
        cls = np.zeros(128, dtype=np.uint8)
        for k, c in enumerate(used):
            cls[c] = k + 1
        width = len(used) + 1
        nd = min(len(self.fail), _DENSE_STATES)
        dense = np.zeros(max(nd * width, 1), dtype=np.uint16)  # (column 0: every state goes to the root)
        out = dense
        # (From the records: their ostart is -1 for a state without special phrases, where the
        # automaton's own ostart is a running offset, never negative.)
        records = np.asarray(self.states).view(_STATE_DTYPE)
        sflag = (records["sbits"] != 0) | (records["ostart"] >= 0)
        for s in range(nd):
            for k, c in enumerate(used):
                t = _delta(&A, s, c)
                # _REPORTS marks a target that reports (the walk then reads its record);
                # _FAR, a target past the entry's 15 bits (the walk's own steps).
                out[s * width + k + 1] = (t | (_REPORTS if sflag[t] else 0)) if t < _REPORTS else _FAR
        self.dcls, self.dense, self.ndense, self.dwidth = cls, dense, nd, width
        self._dense_rows = dense
        self.dense_ready = True

    def _far_every(self, Py_ssize_t step):
        """Mark every ``step``-th dense entry as too far (for the tests: the walk's own steps
        from a dense state, which real automata take only past 32,767 states)."""
        self._dense_rows[::step] = _FAR

    def dense_table(self):
        """``(columns, rows)``: ASCII code point -> column (0: in no phrase), and the
        ``(ndense, width)`` array of the states the walk goes to, ``_REPORTS`` (0x8000) set on
        those that report, ``_FAR`` (0xFFFF) where too far (for the tests)."""
        return np.asarray(self.dcls), np.asarray(self.dense).reshape(self.ndense, self.dwidth)

    cdef object _core(self, str folded, Py_ssize_t s, Py_ssize_t e, object line_text):
        """``fold.core(folded[s:e])`` (``line_text``) by the tables; the Python function
        beyond them."""
        cdef int kind = PyUnicode_KIND(folded)
        cdef void *data = PyUnicode_DATA(folded)
        cdef Py_ssize_t a = s, b = e
        # strip(_COMMON_EDGE): edge characters (bit 1) off both ends.
        if self._trim(kind, data, &a, &b, 1, 1, True) < 0:
            return self.core_py(line_text)
        if a < b and not ((self.edge[PyUnicode_READ(kind, data, a)] & 2)
                          and (self.edge[PyUnicode_READ(kind, data, b - 1)] & 2)):
            # _EDGES.sub: the leading run of non letters/digits (bit 4), the trailing one of
            # non letters/digits/marks (bit 8); the first takes everything when no letter or
            # digit is left.
            if self._trim(kind, data, &a, &b, 4, 8, False) < 0:
                return self.core_py(line_text)
        out = line_text if a == s and b == e else PyUnicode_Substring(folded, a, b)
        if _double_space(kind, data, a, b):  # ("  " in out, without the substring search)
            return " ".join(out.split())
        return out

    cdef int _trim(self, int kind, void *data, Py_ssize_t *a, Py_ssize_t *b, uint8_t lead, uint8_t tail,
                   bint strip_set) noexcept:
        """Move ``a`` up over the characters whose classes have bit ``lead`` (``strip_set``) or
        lack it, then ``b`` down likewise with bit ``tail``. -1: a character beyond the tables
        was met (the caller takes the Python function)."""
        cdef Py_UCS4 c
        cdef uint32_t dom = self.domain
        while a[0] < b[0]:
            c = PyUnicode_READ(kind, data, a[0])
            if c >= dom:
                return -1
            if ((self.edge[c] & lead) != 0) != strip_set:
                break
            a[0] += 1
        while b[0] > a[0]:
            c = PyUnicode_READ(kind, data, b[0] - 1)
            if c >= dom:
                return -1
            if ((self.edge[c] & tail) != 0) != strip_set:
                break
            b[0] -= 1
        return 0

    def match(self, str folded, const int64_t[::1] starts, const int64_t[::1] ends, const uint64_t[::1] blocked,
              object todo, object budget=None):
        """The blocks ``todo`` (indices; None: every block up to ``line_max`` characters) of a
        document folded as ``folded`` (``blocked``: :attr:`.docscan.DocScan.bits`).

        With a ``budget`` (:class:`~.compile.Budget`), both stages: ``(index, hits)`` of every
        block some rule matches, the regex searches run from here (built-in patterns called
        directly, user patterns through ``CompiledRules._search`` and the budget), none past
        the line's first decisive hit (``match_lines(..., decided=True)``). Without,
        stage one only: ``(index, hits, todo, folded)`` (for the conformance tests).
        """
        cdef list out = []
        # The call's scratch (_Stamps): one a call, as a Scrubber (and its matcher) may serve
        # many threads, but taken from the ones earlier calls left (list.pop and append are
        # atomic under the GIL) rather than allocated and zeroed each time (20 KB a call).
        stamps = self.spare.pop() if self.spare else _Stamps(self.nrules)
        try:
            self._match(folded, starts, ends, blocked, todo, out, <_Stamps> stamps, budget)
        finally:
            self.spare.append(stamps)
        return out

    cdef _match(self, str folded, const int64_t[::1] starts, const int64_t[::1] ends, const uint64_t[::1] blocked,
                object todo, list out, _Stamps stamps, object budget):
        cdef Py_ssize_t k, index, s, e, slot
        cdef _Line L
        cdef object line_text, core, known
        cdef int32_t *stamp = stamps.buf
        cdef Py_ssize_t lines = starts.shape[0] if todo is None else len(<list> todo)
        cdef int kind = PyUnicode_KIND(folded)
        cdef const char *data = <const char *> PyUnicode_DATA(folded)
        cdef uint64_t h
        # Line ids go on from the last call's, so no stamp left in the buffer equals one of
        # this call's; zeroed only when they would run out.
        if stamps.last > 0x7FFFFFF0 - lines:
            memset(stamp, 0, 2 * self.nrules * sizeof(int32_t))
            stamps.last = 0
        L.id = stamps.last
        L.stamp, L.astamp = stamp, stamp + self.nrules
        L.hbuf, L.abuf, L.tbuf = stamp + 2 * self.nrules, stamp + 3 * self.nrules, stamp + 4 * self.nrules
        # Menus and footers repeat lines: each distinct text is matched once per document (its
        # result depends on nothing else) and repeats share the result's lists. The distinct
        # texts are found by a table of their own (hashes of the folded characters, compared
        # where they lie), not a dict of str: a line repeated in the document is never cut
        # into a str, and the others are not hashed twice.
        cdef _Seen seen
        cdef list results = []  # per distinct text, its result (the table holds the index)
        if _seen_init(&seen, lines) < 0:
            raise MemoryError()
        cdef bint every = todo is None
        cdef bint caching = budget is not None and self.cache_max > 0
        try:
            for k in range(starts.shape[0] if every else len(<list> todo)):
                if every:
                    index = k
                    if ends[k] - starts[k] > self.line_max:
                        continue
                else:
                    index = (<list> todo)[k]
                s, e = starts[index], ends[index]
                h = _hash_span(kind, data, s, e)
                slot = _seen_find(&seen, h, kind, data, s, e)
                line_text = None
                if seen.result[slot] >= 0:
                    known = results[seen.result[slot]]
                else:
                    line_text = PyUnicode_Substring(folded, s, e)
                    known = self._cached(line_text) if caching else None
                    if known is None:
                        L.id += 1
                        L.budgeted = False
                        L.n, L.blk = e - s, blocked[index]
                        L.nh = L.na = L.nt = 0
                        L.chars_known = False
                        core = self._core(folded, s, e, line_text)
                        self._phrases(core, &L)
                        self._gates(core, line_text, &L)
                        if budget is not None:
                            self._search(line_text, budget, &L)
                        _sort(L.hbuf, L.nh)
                        if budget is not None:
                            known = [L.hbuf[j] for j in range(L.nh)] if L.nh else _NOTHING
                        elif L.nh or L.nt:
                            known = ([L.hbuf[j] for j in range(L.nh)], [L.tbuf[j] for j in range(L.nt)])
                        else:
                            known = _NOTHING
                        if caching and not L.budgeted:
                            self._remember(line_text, known)  # (for the documents after this one)
                    if _seen_add(&seen, slot, h, s, e, <int32_t> len(results)) < 0:
                        raise MemoryError()
                    results.append(known)
                if known is _NOTHING:
                    continue
                if budget is not None:
                    out.append((index, known))
                else:
                    if line_text is None:
                        line_text = PyUnicode_Substring(folded, s, e)
                    out.append((index, (<tuple> known)[0], (<tuple> known)[1], line_text))
        finally:
            stamps.last = L.id
            _seen_free(&seen)

    cdef object _cached(self, object line_text):
        """The line's result from an earlier document, or None."""
        known = self.young.get(line_text)
        if known is None:
            known = self.old.get(line_text)
            if known is not None:
                self._remember(line_text, known)
        return known

    cdef int _remember(self, object line_text, object known) except -1:
        if len(self.young) >= self.cache_max:
            self.old, self.young = self.young, {}
        self.young[line_text] = known
        return 0

    def cache_size(self):
        """Lines whose results are kept across documents (both generations)."""
        return len(self.young) + len(self.old)

    cdef inline void _hit(self, _Line *L, int32_t r) noexcept:
        _record_hit(&self.limit[0], L, r)

    cdef int _phrases(self, object core, _Line *L) except -1:
        """Exact phrases, then the automaton over the core: hits and regex anchors."""
        cdef Py_ssize_t ncore = PyUnicode_GET_LENGTH(core)
        cdef uint64_t live = 0, bits
        cdef int kind
        cdef void *data
        cdef _Auto A
        cdef Py_hash_t h
        cdef uint64_t bit
        found = None
        if ncore <= self.exact_max:  # (no exact phrase is longer: longer cores skip hashing)
            h = hash(core)
            bit = (<uint64_t> h) % _EXACT_BITS
            if (self.exact_filter[bit >> 6] >> (bit & 63)) & 1:
                found = self.exact.get(core)
        if found is not None:
            for r in found:
                self._hit(L, r)
        if not (ncore and self.has_phrases):
            return 0
        kind = PyUnicode_KIND(core)
        data = PyUnicode_DATA(core)
        self._auto_tables(&A)
        # The walk on the core's own width (``_Src``), every table a plain pointer.
        if kind == 1:
            live = _walk(<const uint8_t *> data, ncore, &A, L)
        elif kind == 2:
            live = _walk(<const uint16_t *> data, ncore, &A, L)
        else:
            live = _walk(<const uint32_t *> data, ncore, &A, L)
        live &= ~L.blk
        while live:
            bits = live & (~live + 1)
            _record_anchor(L, self.bit_rule[_bit_index(bits)])
            live ^= bits
        return 0

    cdef inline void _auto_tables(self, _Auto *A) noexcept:
        """The automaton's tables as plain pointers (for :func:`_walk`)."""
        A.root, A.nroot = &self.root[0], self.nroot
        A.estart, A.echar, A.emask, A.enext = &self.estart[0], &self.echar[0], &self.emask[0], &self.enext[0]
        A.fail, A.sbits, A.ostart, A.ophrase = &self.fail[0], &self.sbits[0], &self.ostart[0], &self.ophrase[0]
        A.st = <const _State *> &self.states[0]
        A.plen, A.pstart, A.pmid1, A.pmid2 = &self.plen[0], &self.pstart[0], &self.pmid1[0], &self.pmid2[0]
        A.pend, A.prules, A.limit = &self.pend[0], &self.prules[0], &self.limit[0]
        if self.dense_ready:  # (not while _build_dense itself reads the tables)
            A.dcls, A.dense, A.ndense, A.dwidth = &self.dcls[0], &self.dense[0], self.ndense, self.dwidth
        else:
            A.dcls, A.dense, A.ndense, A.dwidth = NULL, NULL, 0, 0

    cdef int _gates(self, object core, object line_text, _Line *L) except -1:
        """The rules to search, in match_lines' order: anchored ones not hit yet, admitted
        by their max_chars, start literals, required characters and symbol literals; then
        the anchor-less ones the line's length and condition bits admit, with the same tests."""
        cdef int32_t j, r
        cdef Py_ssize_t lo, hi
        cdef int64_t n = L.n
        _sort(L.abuf, L.na)
        for j in range(L.na):
            r = L.abuf[j]
            if L.stamp[r] != L.id and n <= self.limit[r] and self._admits(r, core, line_text, L):
                L.tbuf[L.nt] = r
                L.nt += 1
        if n > self.line_max:
            if n > self.far_free:
                return 0
            lo, hi = self.fstart[self.nfree_len], self.fstart[self.nfree_len + 1]
        elif self.free_gate[n] == -1 or (self.free_gate[n] & ~(<int64_t> L.blk)) != 0:
            lo, hi = self.fstart[n], self.fstart[n + 1]
        else:
            return 0
        for j in range(lo, hi):
            r = self.frule[j]
            if not (self.fbit[j] & L.blk) and n <= self.limit[r] and self._admits(r, core, line_text, L):
                L.tbuf[L.nt] = r
                L.nt += 1
        return 0

    cdef inline bint _admits(self, int32_t r, object core, object line_text, _Line *L) except -1:
        """The core starts with one of rule ``r``'s start literals and the line holds one of
        its symbol literals and one of its required characters (where it has such)."""
        cdef int32_t k
        if self.slit_start[r] != self.slit_start[r + 1] and not self._starts(r, core):
            return False
        if self.has_symbols[r]:
            if not L.chars_known:  # the line's character bits, once a rule needs them
                L.chars = _chars_mask(line_text)
                L.chars_known = True
            for k in range(self.sym_start[r], self.sym_start[r + 1]):
                # A literal holding a character whose bit the line lacks is not in it.
                if (self.symbol_mask[k] & ~L.chars) == 0 and self.symbol_text[k] in line_text:
                    break
            else:
                return False
        if self.chr_start[r] == self.chr_start[r + 1]:
            return True
        if self.chr_mask[r]:
            if not L.chars_known:
                L.chars = _chars_mask(line_text)
                L.chars_known = True
            if (self.chr_mask[r] & L.chars) == 0:  # no bit of theirs: none of the characters
                return False
        return self._holds_char(r, line_text)

    cdef bint _starts(self, int32_t r, object core) except -1:
        """``core`` starts with one of rule ``r``'s start literals, ``_START_DIGIT`` in one
        standing for itself or any ``\\d`` character (by the tables; by the regex beyond)."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(core)
        cdef int kind = PyUnicode_KIND(core)
        cdef void *data = PyUnicode_DATA(core)
        cdef int32_t lo = self.slit_start[r], hi = self.slit_start[r + 1]
        cdef Py_UCS4 c0
        if n == 0:
            return False
        c0 = PyUnicode_READ(kind, data, 0)
        if not (self.slit_first[r] >> _char_bit(c0)) & 1:
            return False  # (no literal begins with its first character: most lines, at once)
        # The literals are sorted by their first characters: those beginning with the line's,
        # then those beginning with START_DIGIT.
        return (self._run_starts(lo, hi, c0, kind, data, n)
                or (c0 != _START_DIGIT and self._run_starts(lo, hi, _START_DIGIT, kind, data, n)))

    cdef bint _run_starts(self, int32_t lo, int32_t hi, uint32_t c, int kind, void *data,
                          Py_ssize_t n) except -1:
        """One of the start literals of ``[lo, hi)`` (sorted by first character) whose first
        character is ``c`` (their run found by halving) starts the core."""
        cdef int32_t mid, k = lo, end = hi
        while k < end:
            mid = (k + end) >> 1
            if self.slit_code[self.slit_off[mid]] < c:
                k = mid + 1
            else:
                end = mid
        while k < hi and self.slit_code[self.slit_off[k]] == c:
            if self._starts_with(k, kind, data, n):
                return True
            k += 1
        return False

    cdef bint _starts_with(self, int32_t k, int kind, void *data, Py_ssize_t n) except -1:
        """The core (``n`` characters of ``kind`` at ``data``) starts with start literal ``k``."""
        cdef int32_t a = self.slit_off[k], b = self.slit_off[k + 1]
        cdef Py_ssize_t i
        cdef uint32_t want
        cdef Py_UCS4 c
        if b - a > n:
            return False
        for i in range(b - a):
            c = PyUnicode_READ(kind, data, i)
            want = self.slit_code[a + i]
            if c == want:
                continue
            if want != _START_DIGIT:
                return False
            if c < <Py_UCS4> self.domain:
                if not (self.edge[c] & 16):
                    return False
            elif self.digit_py(chr(c)) is None:
                return False
        return True

    cdef bint _holds_char(self, int32_t r, object line_text) except -1:
        """The line holds one of rule ``r``'s required characters (``_DIGIT``: a ``\\d``,
        ``_SPACE``: a ``\\s``, by the tables, or by the regex for a line with characters
        beyond them)."""
        cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(line_text)
        cdef int kind = PyUnicode_KIND(line_text)
        cdef void *data = PyUnicode_DATA(line_text)
        cdef int32_t k, lo = self.chr_start[r], hi = self.chr_start[r + 1]
        cdef Py_UCS4 c
        cdef uint8_t classes = 0  # edge bits of the classes asked for: 16 \d, 32 \s
        cdef bint beyond = False
        for k in range(lo, hi):
            if self.chr_code[k] == _DIGIT:
                classes |= 16
            elif self.chr_code[k] == _SPACE:
                classes |= 32
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            for k in range(lo, hi):
                if self.chr_code[k] == c:
                    return True
            if classes:
                if c >= <Py_UCS4> self.domain:
                    beyond = True
                elif self.edge[c] & classes:
                    return True
        if not beyond:
            return False
        return ((classes & 16 and self.digit_py(line_text) is not None)
                or (classes & 32 and self.space_py(line_text) is not None))

    cdef int _search(self, object line_text, object budget, _Line *L) except -1:
        """Stage two, in match_lines' order (so a user rule's budget is spent as there), up to
        the line's first decisive hit (match_lines' ``decided``)."""
        cdef int32_t j, r, cap = <int32_t> len(self.patterns)
        for j in range(L.nh):
            r = L.hbuf[j]
            if self.decisive[r] and r < cap:
                cap = r
        for j in range(L.nt):
            r = L.tbuf[j]
            if r >= cap:
                continue
            if self.builtin[r]:
                search = self.searches[r]
                if search is None:  # the first search: compile (a LazyPattern) and bind
                    search = self.searches[r] = builtin_search(self.patterns[r])
                # (pos, endpos, concurrent=False: lines are short, releasing and taking
                # back the GIL around each search cost 7% of its instructions, measured.)
                if type(search) is tuple:
                    for part in <tuple> search:
                        m = part(line_text, None, None, False)
                        if m is not None:
                            break
                else:
                    m = search(line_text, None, None, False)
            else:
                L.budgeted = True  # the budget may cut this search short: not cached
                m = self.search_py(r, self.patterns[r], line_text, budget)
            if m is not None and m is not False:
                self._hit(L, r)
                if self.decisive[r]:
                    cap = r
        return 0


_GLOBAL_FLAGS = regex.compile(r"\(\?[a-zA-Z]+\)")
_BACKREFERENCE = regex.compile(r"\\[1-9]|\(\?P=|\\g<|\(\?&|\(\?R\)|\(\?[0-9]")


def builtin_search(pattern):
    """The search method of a built-in line pattern (a LazyPattern, compiled here) -- or,
    when its top-level branches mix ``^``-anchored and unanchored ones, a tuple of the two
    groups' search methods, the anchored group first. The ``regex`` engine tries an
    alternation at every position, and with a ``^`` branch in it loses its fast scan for
    the other branches' first characters (EN-CRD-005 took 2x the time as one pattern). A
    line matches the alternation iff it matches one of the groups: only whether a built-in
    line pattern matches is read, never where."""
    compiled = getattr(pattern, "compiled", pattern)
    source = compiled.pattern
    if _GLOBAL_FLAGS.match(source) or _BACKREFERENCE.search(source):
        return compiled.search
    branches = top_branches(source)
    anchored = [b for b in branches if b.startswith("^")]
    if not anchored or len(anchored) == len(branches):
        return compiled.search
    free = [b for b in branches if not b.startswith("^")]
    return (regex.compile("|".join(anchored)).search, regex.compile("|".join(free)).search)


cdef struct _Seen:
    # One match call's distinct lines: open addressing, slot -> the hash of the line's folded
    # characters, where they lie and the index of its result (-1: an empty slot).
    uint64_t *key
    int64_t *start
    int64_t *end
    int32_t *result
    Py_ssize_t mask
    Py_ssize_t count


cdef int _seen_init(_Seen *t, Py_ssize_t lines) noexcept:
    """A table for a document's distinct lines, sized for ``lines`` of them up to 4,096 (it
    grows past that: a huge document of a few distinct lines keeps a small table)."""
    cdef Py_ssize_t cap = 16
    while cap < 2 * min(lines, 4096):
        cap <<= 1
    return _seen_alloc(t, cap)


cdef int _seen_alloc(_Seen *t, Py_ssize_t cap) noexcept:
    """An empty table of ``cap`` slots (a power of two). -1: out of memory."""
    cdef Py_ssize_t k
    t.mask, t.count = cap - 1, 0
    t.key = <uint64_t *> malloc(cap * sizeof(uint64_t))
    t.start = <int64_t *> malloc(cap * sizeof(int64_t))
    t.end = <int64_t *> malloc(cap * sizeof(int64_t))
    t.result = <int32_t *> malloc(cap * sizeof(int32_t))
    if t.key == NULL or t.start == NULL or t.end == NULL or t.result == NULL:
        _seen_free(t)
        return -1
    for k in range(cap):
        t.result[k] = -1
    return 0


cdef int _seen_add(_Seen *t, Py_ssize_t slot, uint64_t h, int64_t s, int64_t e, int32_t result) noexcept:
    """Put a line in the empty ``slot`` :func:`_seen_find` gave; the table doubles (its
    entries placed again) once more than half full. -1: out of memory."""
    cdef _Seen grown
    cdef Py_ssize_t k, at
    t.key[slot], t.start[slot], t.end[slot], t.result[slot] = h, s, e, result
    t.count += 1
    if 2 * t.count <= t.mask + 1:
        return 0
    if _seen_alloc(&grown, 2 * (t.mask + 1)) < 0:
        return -1
    for k in range(t.mask + 1):
        if t.result[k] >= 0:
            at = <Py_ssize_t> (t.key[k] & <uint64_t> grown.mask)
            while grown.result[at] >= 0:
                at = (at + 1) & grown.mask
            grown.key[at], grown.start[at], grown.end[at], grown.result[at] = (
                t.key[k], t.start[k], t.end[k], t.result[k])
    grown.count = t.count
    _seen_free(t)
    t[0] = grown
    return 0


cdef void _seen_free(_Seen *t) noexcept:
    free(t.key)
    free(t.start)
    free(t.end)
    free(t.result)
    t.key = t.start = t.end = NULL
    t.result = NULL


cdef inline Py_ssize_t _seen_find(const _Seen *t, uint64_t h, int kind, const char *data, int64_t s,
                                  int64_t e) noexcept nogil:
    """The slot of the line ``[s, e)`` of the folded text (``kind``, ``data``) hashing to
    ``h``: its own if a line with the same characters is in the table, else the empty slot
    where it goes."""
    cdef Py_ssize_t slot = <Py_ssize_t> (h & <uint64_t> t.mask)
    while t.result[slot] >= 0:
        if (t.key[slot] == h and t.end[slot] - t.start[slot] == e - s
                and memcmp(data + t.start[slot] * kind, data + s * kind, (e - s) * kind) == 0):
            return slot
        slot = (slot + 1) & t.mask
    return slot


cdef inline uint64_t _hash_span(int kind, const char *data, int64_t s, int64_t e) noexcept nogil:
    """A hash of the bytes of ``[s, e)`` of a str's data, eight at a time (multiply, then
    fold the high half down: every byte reaches every bit of the table's slot)."""
    cdef uint64_t h = 0xCBF29CE484222325
    cdef const char *p = data + s * kind
    cdef const char *end = data + e * kind
    cdef uint64_t w
    h ^= <uint64_t> (e - s)
    while p + 8 <= end:
        memcpy(&w, p, 8)
        h = (h ^ w) * <uint64_t> 0x9E3779B97F4A7C15
        h ^= h >> 32
        p += 8
    while p < end:
        h = (h ^ (<const uint8_t *> p)[0]) * <uint64_t> 0x9E3779B97F4A7C15
        h ^= h >> 32
        p += 1
    return h


cdef struct _Auto:
    # LineMatcher's automaton and rule tables, as pointers (see the attributes there).
    const _State *st
    const int32_t *root
    int32_t nroot
    const int32_t *estart
    const uint32_t *echar
    const uint64_t *emask
    const int32_t *enext
    const int32_t *fail
    const uint64_t *sbits
    const int32_t *ostart
    const int32_t *ophrase
    const int32_t *plen
    const int32_t *pstart
    const int32_t *pmid1
    const int32_t *pmid2
    const int32_t *pend
    const int32_t *prules
    const int64_t *limit
    const uint8_t *dcls
    const uint16_t *dense
    int32_t ndense, dwidth


cdef inline int32_t _delta(const _Auto *A, int32_t state, Py_UCS4 c) noexcept nogil:
    """Where :func:`_walk` goes from ``state`` on ``c``: its goto, else its failure links' in
    turn, down to the root's dense table (or its own run beyond the table); a character in
    no phrase goes straight to the root."""
    cdef int32_t rooted = A.root[c] if c < <Py_UCS4> A.nroot else -1, nxt = -1
    cdef uint64_t cbit
    if rooted == -2:
        return 0
    cbit = (<uint64_t> 1) << _char_bit(c)
    while state != 0:
        nxt = _step(A, state, c, cbit)
        if nxt >= 0:
            return nxt
        state = A.st[state].fail
    nxt = rooted if c < <Py_UCS4> A.nroot else _step(A, 0, c, cbit)
    return nxt if nxt >= 0 else 0


cdef inline int32_t _step(const _Auto *A, int32_t state, Py_UCS4 c, uint64_t cbit) noexcept nogil:
    """The goto transition of ``state`` on ``c`` from its own run (-1: none); ``cbit``:
    ``1 << _char_bit(c)``."""
    cdef int32_t lo, hi, mid, k
    cdef const _State *S = &A.st[state]
    if not S.emask & cbit:  # (most lookups fail: answered without a search)
        return -1
    lo, hi = S.estart, S.eend
    while hi - lo > 8:  # the run is sorted: halve it while long, then scan
        mid = (lo + hi) >> 1
        if A.echar[mid] > c:
            hi = mid
        else:
            lo = mid
    for k in range(lo, hi):
        if A.echar[k] == c:
            return A.enext[k]
    return -1


cdef uint64_t _walk(const _Src *src, Py_ssize_t n, const _Auto *A, _Line *L) noexcept nogil:
    """Aho-Corasick over ``src[:n]`` (a core): hits of ``contains``/``prefix`` phrases and the
    anchors without a condition bit recorded in ``L``; returns the OR of the condition bits
    of the phrases found."""
    cdef Py_ssize_t pos
    cdef int32_t state = 0, j, j2, p, o, t
    cdef uint64_t live = 0
    cdef Py_UCS4 c
    for pos in range(n):
        c = src[pos]
        t = _FAR
        if c < 128 and state < A.ndense:  # (the usual step of an English line: one read)
            t = A.dense[state * A.dwidth + A.dcls[c]]
            if t < _REPORTS:  # (most states report nothing: the entry says so, no record read)
                state = t
                continue
        if t != _FAR:
            state = t & ~_REPORTS
        elif c < <Py_UCS4> A.nroot and A.root[c] == -2:
            state = 0  # (a character in no phrase: back to the root, which reports nothing)
            continue
        else:
            state = _delta(A, state, c)  # (the root, where it lands, reports nothing: checked at build)
        live |= A.st[state].sbits
        o = A.st[state].ostart
        if o < 0:
            continue
        for j in range(o, A.ostart[state + 1]):
            p = A.ophrase[j]
            for j2 in range(A.pstart[p], A.pmid1[p]):  # contains
                _record_hit(A.limit, L, A.prules[j2])
            if pos + 1 == A.plen[p]:  # prefix: the occurrence starts the core
                for j2 in range(A.pmid1[p], A.pmid2[p]):
                    _record_hit(A.limit, L, A.prules[j2])
            for j2 in range(A.pmid2[p], A.pend[p]):  # anchors without a condition bit
                _record_anchor(L, A.prules[j2])
    return live


cdef inline void _record_hit(const int64_t *limit, _Line *L, int32_t r) noexcept nogil:
    """Rule ``r`` matches the line, if its max_chars admits the line (once)."""
    if L.n <= limit[r] and L.stamp[r] != L.id:
        L.stamp[r] = L.id
        L.hbuf[L.nh] = r
        L.nh += 1


cdef inline void _record_anchor(_Line *L, int32_t r) noexcept nogil:
    """Regex rule ``r`` is to be searched, unless a gate says otherwise (once)."""
    if L.astamp[r] != L.id:
        L.astamp[r] = L.id
        L.abuf[L.na] = r
        L.na += 1


cdef inline bint _double_space(int kind, const void *data, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """Two U+0020 in a row in ``[a, b)`` of a str's data (one loop per character width)."""
    cdef Py_ssize_t i
    cdef const uint8_t *p1
    cdef const uint16_t *p2
    cdef const uint32_t *p4
    if kind == 1:
        p1 = <const uint8_t *> data
        for i in range(a + 1, b):
            if p1[i] == 32 and p1[i - 1] == 32:
                return True
    elif kind == 2:
        p2 = <const uint16_t *> data
        for i in range(a + 1, b):
            if p2[i] == 32 and p2[i - 1] == 32:
                return True
    else:
        p4 = <const uint32_t *> data
        for i in range(a + 1, b):
            if p4[i] == 32 and p4[i - 1] == 32:
                return True
    return False


cdef inline uint64_t _chars_mask(object text) noexcept:
    """Bit ``_char_bit(c)`` of every character of ``text`` (a str; a loop per string width)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == 1:
        return _mask_of(<const uint8_t *> data, n)
    if kind == 2:
        return _mask_of(<const uint16_t *> data, n)
    return _mask_of(<const uint32_t *> data, n)


cdef inline uint64_t _mask_of(const _Src *src, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    cdef uint64_t mask = 0
    for i in range(n):
        mask |= (<uint64_t> 1) << _char_bit(src[i])
    return mask


def _py_char_bit(c: int) -> int:
    """:func:`_char_bit` for Python callers (the tables made at init)."""
    return _char_bit(c)


cdef struct _Line:
    # One line being matched: its stamp, length and failed condition bits, and per-call
    # buffers of rule indices (hits, anchors, rules to search) with their counts.
    int32_t id
    int64_t n
    uint64_t blk
    int32_t nh, na, nt
    bint budgeted       # a user pattern was searched (under the budget)
    bint chars_known    # ``chars`` is computed
    uint64_t chars      # bits of the line's characters (_chars_mask), for the symbol gate
    int32_t *stamp
    int32_t *astamp
    int32_t *hbuf
    int32_t *abuf
    int32_t *tbuf


cdef inline void _sort(int32_t *a, int32_t n) noexcept nogil:
    """Insertion sort: the lists are a few rules long."""
    cdef int32_t i, j, x
    for i in range(1, n):
        x = a[i]
        j = i - 1
        while j >= 0 and a[j] > x:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = x


cdef uint32_t _DIGIT = 0xFFFFFFFF  # in chr_code: any character ``\d`` matches (no code point)
cdef uint32_t _SPACE = 0xFFFFFFFE  # ... and any character ``\s`` matches
cdef uint32_t _START_DIGIT = ord(START_DIGIT)  # in a start literal: itself or any ``\d``


cdef object _NOTHING = object()  # a line with nothing to report (in LineMatcher's per-call cache)


cdef inline int _bit_index(uint64_t bit) noexcept nogil:
    """The index of the set bit of ``bit`` (one bit set)."""
    return __builtin_ctzll(bit)
