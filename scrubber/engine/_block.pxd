# The native Block (scrubber.document.Block when the native core is built): its fields in C,
# and inline readers for the helpers that walk every block of a document. The readers take
# any object: a Block (or subclass) is read in C, anything else through its attributes.

from cpython.unicode cimport PyUnicode_GET_LENGTH

from ._unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_Substring


cdef class Block:
    cdef public Py_ssize_t index, start, end, line_start, line_end, para
    cdef object _text    # the text; None until first read for a block cut from a source ...
    cdef object _source  # ... whose text is then _source[start:end]
    cdef public str tag
    cdef public double link_density
    cdef public object dom_verdict
    cdef public object _folded


cdef inline Block line_block(object source, Py_ssize_t index, Py_ssize_t start, Py_ssize_t end,
                             Py_ssize_t line_start, Py_ssize_t line_end, Py_ssize_t para, str tag):
    """A Block whose text is ``source[start:end]``, cut when first read (``source`` a str,
    ``0 <= start <= end <= len(source)``: the caller's promise); ``tag``: ``""``."""
    cdef Block block = Block.__new__(Block)
    block.index, block.start, block.end = index, start, end
    block.line_start, block.line_end, block.para = line_start, line_end, para
    block._source, block.tag = source, tag
    return block


cdef inline object text_of(object block):
    """``block.text``."""
    cdef Block b
    if isinstance(block, Block):
        b = <Block> block
        if b._text is None:
            b._text = PyUnicode_Substring(b._source, b.start, b.end)
            b._source = None
        return b._text
    return block.text


cdef inline Py_ssize_t text_length(object block) except -1:
    """``len(block.text)``, without cutting a text not read yet."""
    cdef Block b
    if isinstance(block, Block):
        b = <Block> block
        return b.end - b.start if b._text is None else PyUnicode_GET_LENGTH(b._text)
    return len(block.text)


cdef inline Py_ssize_t start_of(object block) except? -1:
    """``block.start``."""
    return (<Block> block).start if isinstance(block, Block) else block.start


cdef inline Py_ssize_t end_of(object block) except? -1:
    """``block.end``."""
    return (<Block> block).end if isinstance(block, Block) else block.end


cdef inline object text_view(object block, int *kind, char **data, Py_ssize_t *n):
    """The characters of ``block.text`` (or of ``block`` itself, a str) without cutting a
    text not read yet: ``kind``, ``data`` (its first character) and ``n``; returns the str
    they lie in (the caller holds it while it reads them)."""
    cdef Block b
    cdef object owner
    cdef Py_ssize_t start = 0
    if isinstance(block, Block) and (<Block> block)._text is None:
        b = <Block> block
        owner, start, n[0] = b._source, b.start, b.end - b.start
    else:
        owner = block if isinstance(block, str) else text_of(block) if isinstance(block, Block) else getattr(
            block, "text", None)
        if not isinstance(owner, str):
            raise TypeError(f"a str or a block with a str text, got {type(block).__name__}")
        n[0] = PyUnicode_GET_LENGTH(owner)
    kind[0] = PyUnicode_KIND(owner)
    data[0] = <char *> PyUnicode_DATA(owner) + start * kind[0]
    return owner
