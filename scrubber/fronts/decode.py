"""Page bytes -> str, never guessing wrong silently.

Order (as browsers, WHATWG): byte-order mark; the transport's charset (an HTTP
``Content-Type: ...; charset=``, when the caller has one; with the guards of
:func:`_by_transport`, as servers send defaults); ``<meta charset>`` / ``http-equiv``
content-type / XML declaration in the head; then detection (UTF-8 first, then
charset_normalizer, which misreads short pages: a few lines of GBK as Big5, of ISO-8859-2 as
ISO-8859-10). GB2312/GBK labels are read as GB18030 (a superset); valid UTF-8 under a
single-byte label (latin-1, windows-1251, ...) is read as UTF-8. Bytes that are no text (a
binary format's magic number, or bytes no codec fits that are more than a twentieth control
characters) decode to nothing, flagged ``binary``. Undecodable bytes are otherwise replaced
(flagged), never an exception.
"""

from __future__ import annotations

import codecs
import functools
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)
#: Labels read as another codec (WHATWG: GB family -> gb18030, latin-1 -> windows-1252).
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
    "cp936": "gb18030", "euc-cn": "gb18030", "csgb2312": "gb18030", "hz-gb-2312": "gb18030",
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "big5": "big5hkscs", "shift_jis": "cp932", "euc-kr": "cp949",
    "x-sjis": "cp932", "unicode": "utf-16", "ucs-2": "utf-16",
}
#: Western single-byte labels (a server's default is one of them) ...
_WESTERN = {"cp1252", "iso8859-15", "iso8859-1", "ascii"}
#: ... under which text is rarely more than this share of non-ASCII bytes.
_WESTERN_MAX_SHARE = 0.2
#: How many bytes to scan for a declaration (a first pass, then the whole head).
_HEAD = 4096
_HEAD_MAX = 65536
#: Detection looks at this much of the page (charset_normalizer is slow on big input).
_SAMPLE = 65536
#: A declared codec that fails on at most this share of the non-ASCII bytes is kept (replaced).
_MAX_BAD_SHARE = 0.01


_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)


def content_type_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value (``text/html; charset=gbk``),
    or None."""
    match = _CHARSET_PARAM.search(content_type) if content_type else None
    return match.group(1) if match else None


def codec_for(label: str) -> str | None:
    """A Python codec name for a charset label, or None if unknown or no charset of text:
    Python's codecs include transforms (``base64``, ``zlib``, ``rot13``) and codecs that
    cannot decode a page's bytes (``idna``, ``punycode``, ``undefined``), which a page's own
    label may name."""
    label = label.strip().strip("\"'").lower()
    return _charset_codec(_ALIASES.get(label, label))


@functools.lru_cache(maxsize=256)
def _charset_codec(label: str) -> str | None:
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # (ValueError: a NUL in the label)
        return None
    if not getattr(info, "_is_text_encoding", True):  # (bytes-to-bytes and str-to-str transforms)
        return None
    try:  # every byte, and markup: a charset of text decodes them (replacing what it must)
        _PROBE.decode(info.name, errors="replace")
    except Exception:  # (UnicodeError, or anything a third-party codec raises)
        return None
    return info.name


_PROBE = bytes(range(256)) + b"<p>\xc3\xa9</p>"


def declared_charset(raw: bytes) -> str | None:
    """The charset declared in the head (meta charset, http-equiv or XML declaration)."""
    match = _DECLARED.search(raw, 0, _HEAD)
    if match is None:
        end = raw.find(b"<body", 0, _HEAD_MAX)
        end = _HEAD_MAX if end < 0 else end
        match = _DECLARED.search(raw, 0, end)
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", "ignore")
    codec = codec_for(label)
    if codec is None or _ascii_compatible(codec):
        return codec
    # A declaration read as ASCII is in no ASCII-incompatible encoding: a UTF-16 or UTF-32
    # label there means UTF-8 (as browsers read it, WHATWG), any other (EBCDIC) is ignored.
    return "utf-8" if codec.startswith(("utf-16", "utf-32")) else None


_MARKUP = b'<meta charset="x"><p class=a>Text 1, 2.</p>'


@functools.cache
def _ascii_compatible(codec: str) -> bool:
    """``codec`` reads ASCII markup as ASCII (not UTF-16/32, EBCDIC, UTF-7's '+' runs)."""
    try:
        return _MARKUP.decode(codec) == _MARKUP.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


_CLOSE_LATIN = {"cp1250", "cp1257", "cp1254", "iso8859_2", "iso8859_15", "latin_1", "iso8859_9", "mac_roman"}


def _detect(raw: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        matches = from_bytes(raw[:_SAMPLE])
        best = matches.best()
    except Exception:  # detection is a best effort; never let it raise
        return None
    if best is None:
        return None
    # Single-byte Latin guesses are close calls; windows-1252 is by far the most common on
    # the web, so it wins a near tie (cp1250 would turn "naïve" into "naďve").
    if best.encoding in _CLOSE_LATIN:
        for match in matches:
            if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.02:
                return "cp1252"
    codec = codec_for(best.encoding)
    if codec is not None and codec.startswith(("utf-16", "utf-32")) and raw.count(0) < len(raw) // 8:
        return None  # (markup in UTF-16/32 is half or more NUL bytes: a guess without them is wrong)
    return codec


def _ascii_count(raw: bytes) -> int:
    """How many bytes of ``raw`` are ASCII."""
    return len(raw) - len(raw.translate(None, bytes(range(128))))


#: Under a multi-byte label, this many non-ASCII bytes of valid UTF-8 make the page UTF-8.
_UTF8_EVIDENCE = 24


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


@functools.cache
def _single_byte(codec: str) -> bool:
    """One character a byte (cp1252, ISO-8859-*, KOI8-R ...): such a label fits bytes of any
    kind, so it is weak evidence against UTF-8 or a page's own multi-byte declaration."""
    try:
        return len(b"\xc3\xa9\xe4\xb8\xad".decode(codec, "replace")) == 5
    except LookupError:
        return False


def _as_declared(raw: bytes, declared: str) -> tuple[str | None, list[str]]:
    """``raw`` read as the charset it is said to be in: the text and flags, or None and a
    ``charset_invalid`` flag when the bytes do not fit it. Valid UTF-8 under a single-byte
    label reads as UTF-8 (genuine single-byte text is not valid UTF-8 beyond a few bytes)."""
    if declared.startswith(("utf-16", "utf-32")):
        # (markup in UTF-16/32 is a third or more NUL bytes: without them the label is
        # wrong; where they lie says the byte order a bare 'utf-16' label leaves open)
        wide = _wide_unicode(raw)
        if wide is None or not wide.startswith(declared):
            return None, [f"charset_invalid:{declared}"]
        declared = wide
    if declared == "utf-8" or _single_byte(declared) or len(raw) - _ascii_count(raw) >= _UTF8_EVIDENCE:
        # Valid UTF-8 beyond a few bytes is UTF-8, whatever the label: genuine single-byte
        # text is not valid UTF-8 beyond a few bytes, nor GBK, Big5 or Shift_JIS text beyond
        # a few characters (GB18030 decodes most UTF-8 with only a replacement or two).
        text = _strict(raw, "utf-8")
        if text is not None:
            mislabelled = declared != "utf-8" and not raw.isascii()
            return text, ["decoded:utf-8", *([f"charset_mislabelled:{declared}"] if mislabelled else [])]
    text = _strict(raw, declared) if declared != "utf-8" else None  # (UTF-8: just tried)
    if text is not None:
        return text, [f"decoded:{declared}"]
    text = raw.decode(declared, errors="replace")
    if text.count("\ufffd") <= _MAX_BAD_SHARE * (len(raw) - _ascii_count(raw)) + 2:
        return text, [f"decoded:{declared}", "decode_errors_replaced"]
    return None, [f"charset_invalid:{declared}"]


def _wide_unicode(raw: bytes) -> str | None:
    """``utf-16-le`` / ``-be`` or ``utf-32-le`` / ``-be`` for bytes that are markup in one of
    them without a byte-order mark (by where their NUL bytes lie: the high bytes of ASCII
    characters), else None."""
    sample = raw[:8192]
    n = len(sample) // 4 * 4
    if n < 16 or sample.count(0) < n // 10:
        return None
    zeros = [sample[k:n:4].count(0) for k in range(4)]
    quarter = n // 4
    if min(zeros[2], zeros[3]) > 0.9 * quarter and zeros[1] > 0.3 * quarter and zeros[0] < 0.1 * quarter:
        return "utf-32-le"
    if min(zeros[0], zeros[1]) > 0.9 * quarter and zeros[2] > 0.3 * quarter and zeros[3] < 0.1 * quarter:
        return "utf-32-be"
    even, odd = zeros[0] + zeros[2], zeros[1] + zeros[3]
    if odd > 0.15 * 2 * quarter and even < 0.01 * 2 * quarter:
        return "utf-16-le"
    if even > 0.15 * 2 * quarter and odd < 0.01 * 2 * quarter:
        return "utf-16-be"
    return None


def _mostly_utf8(text: str) -> bool:
    """``text``, decoded as UTF-8 with some bytes replaced, holds ten times as many characters
    beyond ASCII that did decode as replacements."""
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 10 * max(bad, 1)


def _by_transport(raw: bytes, sent: str, own: str | None) -> tuple[str | None, list[str]]:
    """``raw`` by the charset it came with, or None (and flags) where that is doubtful and the
    page's own declaration or detection should decide. Servers send a default label as
    readily as the right one (ISO-8859-1, UTF-8), and a single-byte label fits any bytes:

    * a single-byte HTTP label gives way to the page's own, different ``<meta>`` the bytes
      fit without a replacement (the page's author over a server's default);
    * a label under which bytes had to be replaced decides only for UTF-8 with no ``<meta>``
      and the rest showing UTF-8 (:func:`_mostly_utf8`);
    * under a Western label with no ``<meta>``, bytes mostly beyond ASCII (Western text is
      mostly ASCII) are read as detection finds, if not Western and the bytes fit it.

    ``own``: the page's own declaration (:func:`declared_charset`), if any."""
    if own is not None and own != sent and _single_byte(sent):
        text, flags = _as_declared(raw, own)
        if text is not None and "decode_errors_replaced" not in flags:
            return text, [*flags, f"charset_mislabelled:{sent}"]
    text, flags = _as_declared(raw, sent)
    if text is None:
        return None, flags
    if "decode_errors_replaced" in flags and not (sent == "utf-8" and own is None and _mostly_utf8(text)):
        return None, [f"charset_invalid:{sent}"]
    if (flags[0] != "decoded:utf-8" and sent in _WESTERN and own is None
            and _ascii_count(raw) < (1 - _WESTERN_MAX_SHARE) * len(raw)):
        found = _detect(raw)
        if found is not None and found not in _WESTERN and (other := _strict(raw, found)) is not None:
            return other, [f"decoded:{found}", "charset:detected", f"charset_mislabelled:{sent}"]
    return text, [*flags, "charset:transport"]


def decode_bytes(raw: bytes, transport: str | None = None) -> tuple[str, list[str]]:
    """Decode page bytes; return the text and flags (``decoded:<codec>`` and any warnings).

    ``transport``: the charset label the page came with (or its whole HTTP ``Content-Type``
    value), if any: tried before the page's own declaration, with the checks of
    :func:`_by_transport`."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace"), [f"decoded:{codec}", "charset:bom"]
    if is_binary(raw):
        return "", ["binary"]
    flags: list[str] = []
    declared = declared_charset(raw)
    label = (content_type_charset(transport) or transport) if transport else None
    sent = codec_for(label) if label else None
    if label and sent is None:  # (a label that names no charset of text: said, then ignored)
        flags.append("charset_unknown:" + "".join(c for c in label.strip()[:40] if c.isprintable()))
    if sent is not None:
        text, flags = _by_transport(raw, sent, declared)
        if text is not None:
            return text, flags
    if declared is not None:
        text, more = _as_declared(raw, declared)
        if text is not None:
            return text, [*more, *flags]
        flags += more
    elif (wide := _wide_unicode(raw)) is not None and (text := _strict(raw, wide)) is not None:
        # UTF-16/32 without a byte-order mark: valid UTF-8 too (NUL is a character), read as
        # such it is every other character a NUL (its declaration, wide, unseen)
        return text, [f"decoded:{wide}", "charset:detected", *flags]
    else:
        # UTF-8, or UTF-8 but for a few bytes (a page cut inside a character, as crawls cut
        # them at a size), which detection would rather read whole as something else (UTF-16,
        # even). The rest must show it is UTF-8: a Latin page with an accent or two fails on
        # as few bytes.
        text, more = _as_declared(raw, "utf-8")
        if text is not None and ("decode_errors_replaced" not in more or _mostly_utf8(text)):
            return text, [*more, *flags]
    detected = _detect(raw)
    for codec in (detected, declared):
        if codec is not None:
            text = _strict(raw, codec)
            if text is not None:
                return text, [f"decoded:{codec}", "charset:detected", *flags]
    codec = declared or detected or "utf-8"
    if len(raw) - len(raw.translate(None, _CONTROLS)) > _BINARY_SHARE * len(raw):
        return "", [f"decoded:{codec}", "binary", *flags]  # (no codec fits, and it is no text)
    return raw.decode(codec, errors="replace"), [f"decoded:{codec}", "decode_errors_replaced", *flags]


#: Leading bytes of formats that are no text (a body served as text/html that is gzip data
#: without its Content-Encoding, an image, a PDF, an archive, a font, media).
_MAGIC = (b"\x1f\x8b", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF-", b"PK\x03\x04",
          b"\x28\xb5\x2f\xfd", b"wOFF", b"wOF2", b"OggS", b"\x1a\x45\xdf\xa3", b"\x00\x00\x01\x00", b"BM")
#: Bytes no codec fits, more than this share of them C0 controls (not NUL, tab, line breaks,
#: form feed: text has next to none; random or compressed data a tenth), are taken for binary.
_CONTROLS = bytes(b for b in range(1, 32) if b not in (9, 10, 12, 13))
_BINARY_SHARE = 0.05


def is_binary(raw: bytes) -> bool:
    """``raw`` starts as a binary format does (after any blanks)."""
    head = raw[:64].lstrip()
    if head.startswith(b"BM"):  # (a bitmap: "BM" then its size; text may start "BM" too)
        return len(head) > 6 and head[6:10] == b"\x00\x00\x00\x00"
    return head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "))
