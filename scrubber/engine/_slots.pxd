# Reading (and setting) the fields of a slots dataclass (``document.Block``) from C at its
# slots' offsets.
#
# From C, ``block.line_start`` through the attribute protocol costs about as much as it does
# in Python (a type lookup and a descriptor call); the helpers that walk every block of a
# document read the slot directly. ``member_offset`` takes the offset from the class's own
# member descriptor (checked to be a plain object slot), and ``field`` reads it only from an
# instance of exactly that class whose slot is set -- anything else (a subclass, a duck-typed
# block, an unset slot) goes through ``getattr``, so the result is always the attribute's value.

from cpython.object cimport PyObject, PyTypeObject
from cpython.ref cimport Py_INCREF, Py_XDECREF

cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        const char *name
        int type
        Py_ssize_t offset
    ctypedef struct PyMemberDescrObject:
        PyMemberDef *d_member
    PyTypeObject *Py_TYPE(object)
    PyTypeObject PyMemberDescr_Type

cdef extern from "structmember.h":
    int T_OBJECT_EX


cdef inline Py_ssize_t member_offset(type cls, str name) except -1:
    """Where the slot ``name`` of ``cls`` lives in its instances."""
    descr = cls.__dict__.get(name)
    if Py_TYPE(descr) != &PyMemberDescr_Type or (<PyMemberDescrObject *> descr).d_member.type != T_OBJECT_EX:
        raise TypeError(f"{cls.__name__}.{name} is not a plain slot")
    return (<PyMemberDescrObject *> descr).d_member.offset


cdef inline object field(object obj, PyTypeObject *cls, Py_ssize_t offset, str name):
    """``getattr(obj, name)``, read at ``offset`` when ``obj`` is exactly a ``cls``."""
    cdef PyObject *value
    if Py_TYPE(obj) == cls:
        value = (<PyObject **> (<char *> <PyObject *> obj + offset))[0]
        if value != NULL:
            return <object> value
    return getattr(obj, name)


cdef inline void set_slot(object obj, Py_ssize_t offset, object value) noexcept:
    """Store ``value`` in the slot at ``offset`` of ``obj`` (an instance of the class the
    offset was taken from, made by its ``__new__``): what the slot's ``__set__`` does."""
    cdef PyObject **slot = <PyObject **> (<char *> <PyObject *> obj + offset)
    cdef PyObject *old = slot[0]
    Py_INCREF(value)
    slot[0] = <PyObject *> value
    Py_XDECREF(old)
