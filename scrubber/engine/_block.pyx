# cython: language_level=3, boundscheck=False, wraparound=False
"""The native core's :class:`scrubber.document.Block`: the same fields, constructor, equality
and repr as the pure-Python dataclass (``document.PyBlock``, pinned to it by
``tests/test_block.py``), held in C.

Why: a text document has a block per line, and a dataclass block is seven Python objects
(itself, its text and five ints) made and freed per line -- about 7% of text mode's time on
the development texts. Here the integers are C fields and a block cut from a source by
``_lines.split_lines`` makes its text (``source[start:end]``) only when it is first read: most
lines are matched and judged by the native core from the source, and never read as a str.
The native helpers read the fields directly (``text_length`` without making the text).
"""

cimport cython


# A text document makes and frees a Block per line: dead Blocks wait on a free list for the
# next document instead of going back to the allocator (callgrind over the development
# texts: 462.0M -> 453.0M instructions a pass, -1.9%; 4,096 kept measured the same).
@cython.freelist(512)
cdef class Block:
    """One non-blank line of the source (or one DOM block rendered as a line).

    ``start``/``end`` delimit the stripped content in ``Document.source``;
    ``line_start``/``line_end`` the whole line including its newline, which is what a
    whole-block removal takes out. ``tag``, ``link_density``: HTML front end only (the
    element's tag and signals the text rules cannot see); ``dom_verdict``: set when a DOM rule
    or the main-content selection removed the block before the text rules run
    (``(rule_id, category)``).
    """

    def __init__(self, Py_ssize_t index, str text not None, Py_ssize_t start, Py_ssize_t end, Py_ssize_t line_start,
                 Py_ssize_t line_end, Py_ssize_t para, str tag="", double link_density=0.0,
                 object dom_verdict=None):
        self.index, self._text, self.start, self.end = index, text, start, end
        self.line_start, self.line_end, self.para = line_start, line_end, para
        self.tag, self.link_density, self.dom_verdict = tag, link_density, dom_verdict

    @property
    def text(self) -> str:
        """The block's text (stripped of blanks at both ends)."""
        if self._text is None:
            return text_of(self)
        return self._text

    @text.setter
    def text(self, str value not None):
        self._text, self._source = value, None

    def _fields(self):
        return (self.index, self.text, self.start, self.end, self.line_start, self.line_end, self.para,
                self.tag, self.link_density, self.dom_verdict)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._fields() == (<Block> other)._fields()

    __hash__ = None  # (mutable, compared by value: as the dataclass)

    def __repr__(self):
        names = ("index", "text", "start", "end", "line_start", "line_end", "para", "tag", "link_density",
                 "dom_verdict")
        inner = ", ".join(f"{name}={value!r}" for name, value in zip(names, self._fields()))
        return f"{type(self).__name__}({inner})"

    def __reduce__(self):
        return (type(self), self._fields())
