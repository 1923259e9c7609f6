# The automaton's record and character hash, shared by its build (_automaton.pyx) and its walk
# (_native.pyx).

from libc.stdint cimport int32_t, uint32_t, uint64_t


cdef struct _State:
    # What the walk reads of a state, in one 32-byte record (one cache line, not five).
    uint64_t emask      # bit _char_bit(c) of each character of its run of transitions
    uint64_t sbits      # OR of the anchor bits of every phrase ending here
    int32_t estart      # its run of transitions: echar/enext[estart:eend]
    int32_t eend
    int32_t fail
    int32_t ostart      # its special phrases start at ophrase[ostart] (-1: it has none)


cdef inline int _char_bit(Py_UCS4 c) noexcept nogil:
    """A character's bit of 64 (a multiplicative hash: CJK and Latin letters spread)."""
    return <int> (((<uint32_t> c) * <uint32_t> 0x9E3779B1) >> 26)
