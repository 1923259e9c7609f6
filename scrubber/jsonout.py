"""JSON lines out: a record with the fields cleaning adds, written back as the input had it
where it can be (:func:`spliced`: the record's own bytes kept, the new fields written in
before its closing brace), else serialised again (:func:`rewritten`: numbers a float cannot
hold and lone surrogates written as the line had them)."""

from __future__ import annotations

import json
import math
import os
import re
from json.encoder import encode_basestring
from typing import Any


def dumps_line(obj: object) -> bytes:
    """One JSON line, UTF-8. A lone surrogate (a record's ``"\\ud800"`` escape, common in
    scraped text) cannot be UTF-8: that record is written with ``\\u`` escapes instead.
    ValueError for a number JSON cannot write (infinite or NaN: see :func:`rewritten`)."""
    try:
        return (_ENCODER.encode(obj) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(obj, allow_nan=False) + "\n").encode("ascii")


#: json.dumps(obj, ensure_ascii=False) builds an encoder a call: one, kept (stateless).
#: (allow_nan=False: Python would write 1e999 read from a record as Infinity, not JSON.)
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def rewritten(line: bytes, record: dict[str, Any], added: dict[str, Any]) -> bytes:
    """The record with ``added`` (replacing fields of the same names), serialised again. A
    number a float cannot hold (``1e999``; or ``NaN``, ``Infinity``, which Python reads
    though JSON has none) is written back as the line had it, not as ``Infinity``."""
    record.update(added)
    try:
        return dumps_line(record)
    except (ValueError, TypeError):  # (TypeError: a BigInt of loads_record)
        pass
    raw: list[str] = []

    def number(text: str) -> object:
        value = float(text)
        if math.isfinite(value):
            return value
        raw.append(text)
        return _RawNumber(len(raw) - 1)

    try:
        source: str | bytes = line.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:  # (UTF-16/32: json.loads reads the bytes, as jsonl_chunk did)
        source = line
    def integer(text: str) -> object:
        try:
            return int(text)
        except ValueError:  # (beyond int's digit limit: written back as it is)
            raw.append(text)
            return _RawNumber(len(raw) - 1)

    exact = json.loads(source, parse_float=number, parse_constant=number, parse_int=integer)
    exact.update(added)
    token = f"\x00{os.getpid()}:{id(raw)}:"
    text = json.dumps(exact, ensure_ascii=False, default=lambda o: f"{token}{o.index}")
    quoted = re.escape(json.dumps(token, ensure_ascii=False)[:-1])
    text = re.sub(quoted + r'(\d+)"', lambda m: raw[int(m.group(1))], text)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # (a lone surrogate: \u escapes, as dumps_line writes it)
        return (re.sub(r"[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n").encode("utf-8")


def loads_record(source: str | bytes) -> Any:
    """``json.loads(source)``, except that an integer longer than Python converts (4,300
    digits by default: ``sys.get_int_max_str_digits``) is read as a :class:`BigInt` rather
    than failing the line as invalid JSON (it is valid JSON)."""
    try:
        return json.loads(source)
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
    return json.loads(source, parse_int=_int_or_big)


class BigInt:
    """An integer of a record too long for ``int()``, kept as its digits (:func:`rewritten`
    writes it back as the line had it: json cannot encode this type, so the record takes
    the re-parse that keeps numbers as written -- a str subclass would be written quoted)."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits


def _int_or_big(text: str) -> int | BigInt:
    try:
        return int(text)
    except ValueError:
        return BigInt(text)


class _RawNumber:
    """A record's number that a float cannot hold, by its index in the list of their texts."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def spliced(line: bytes, record: dict[str, Any], added: dict[str, Any]) -> bytes | None:
    """``line`` (a JSON object, valid UTF-8) with ``added`` written in before its closing
    brace: the record's own fields stay byte for byte as the input had them (numbers, escapes
    and spacing included) and are not serialised again -- half of the output's bytes. None
    where a field to add is already in the record (it is replaced in place instead)."""
    if not added.keys().isdisjoint(record):
        return None
    body = line.rstrip(b" \t\r\n").removeprefix(b"\xef\xbb\xbf")
    return body[:-1] + (b", " if record else b"") + _members(added) + b"}\n"


def _members(fields: dict[str, Any]) -> bytes:
    """``dumps_line(fields)`` without its braces and newline, strings written by json's own
    string encoder directly (the encoder object's set-up cost more than short records' text)."""
    parts = []
    for key, value in fields.items():  # (our own keys: plain ASCII names)
        if value is None:
            parts.append(f'"{key}": null')
        elif type(value) is str:
            parts.append(f'"{key}": {encode_basestring(value)}')
        else:
            parts.append(f'"{key}": {_ENCODER.encode(value)}')
    try:
        return ", ".join(parts).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: as dumps_line writes it
        return dumps_line(fields)[1:-2]
