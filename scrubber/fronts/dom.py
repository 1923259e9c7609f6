"""HTML str -> lxml tree -> visible text units, one per block, without recursion.

A *unit* is the text of one block-level element (or of the text between its block
children), whitespace collapsed, with the signals the main-content selection needs: the
owning element, the share of its characters inside links, and the innermost DOM rule
matching one of its ancestors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from .domrules import CONTENT, DomRule, DomRules

#: Elements whose content is never visible text.
SKIP = frozenset([
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "math",
    "iframe", "object", "embed", "canvas", "audio", "video", "map", "datalist", "select",
    "textarea", "input", "button",
])
#: Elements that start a new line of text.
BLOCK = frozenset([
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "frameset", "frame", "noframes", "listing", "plaintext", "xmp",
])
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
#: The same characters as UTF-8 bytes: the single-byte ones (never inside a multi-byte
#: sequence) are deleted with ``bytes.translate``, the two noncharacters replaced.
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NONCHARS = ("\ufffe".encode(), "\uffff".encode())
SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")


@dataclass(slots=True)
class Unit:
    """One rendered line: text, owner element and signals."""

    text: str
    owner: etree._Element
    tag: str
    link_chars: int
    #: joined to the previous unit by a single line break (``<br>``, ``<pre>`` lines)
    same_para: bool
    rule: DomRule | None
    rule_el: etree._Element | None


def parse(html: str) -> etree._Element | None:
    """Parse HTML leniently (broken markup, NULs, huge and deep trees); None if empty."""
    if _blank(html):
        return None
    parser = lxml.html.HTMLParser(
        recover=True, huge_tree=True, remove_comments=True, remove_pis=True,
        no_network=True, encoding="utf-8",
    )
    # A C-level class lookup: every element an HtmlElement (lxml.html's default lookup
    # runs Python code for each element proxy, a fifth of the render time).
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity,
    ))
    try:
        root = lxml.html.document_fromstring(_utf8(html), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
        raise TooDeep("nesting deeper than the parser's limit")
    return root if root is not None and isinstance(root.tag, str) else None


def _blank(html: str) -> bool:
    """Nothing but whitespace once the control characters are removed."""
    core = html.strip()
    if not core:
        return True
    if CONTROL.match(core[0]) is None and CONTROL.match(core[-1]) is None:
        return False  # a non-blank, non-control character survives
    return not CONTROL.sub("", core).strip()


def _utf8(html: str) -> bytes:
    """``html`` without control characters, as UTF-8 (a regex over the str is ~5x slower).
    A lone surrogate (a str can hold one; no text can) becomes U+FFFD, the replacement
    character, rather than the "?" of ``encode(errors="replace")``: a mark of damage, not
    punctuation the page did not have."""
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:
        data = SURROGATE.sub("\ufffd", html).encode("utf-8")
    data = data.translate(None, _CONTROL_BYTES)
    if "\ufffe" in html or "\uffff" in html:  # (a search of the str: ~20x faster)
        for nonchar in _NONCHARS:
            data = data.replace(nonchar, b"")
    return data


class TooDeep(Exception):
    """libxml2 stopped at its nesting limit: the tree would silently miss the rest."""


def _hidden(el: etree._Element) -> bool:
    # ``el.get`` rather than ``el.attrib``: no attribute proxy per element (a valueless
    # ``hidden`` reads as "", so "is not None" is "present").
    if el.get("hidden") is not None or el.get("type") == "hidden":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _collapse(text: str) -> str:
    """Whitespace runs to one space, invisible characters dropped, ends stripped."""
    # The invisible characters are all non-ASCII, and a search is ~10x faster than translate.
    if not text.isascii() and _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def render(root: etree._Element, rules: DomRules) -> list[Unit]:
    """The visible text units of the tree, in document order.

    One pass of ``iterwalk`` keeps the open block stack (the owner of the text being
    collected), the innermost DOM rule match of each open block and the text buffer; the
    buffer is flushed into units at every block boundary and ``<br>``. The loop runs for
    every element twice, so it works on locals and skips whitespace-only buffers early.
    """
    units: list[Unit] = []
    buf: list[str] = []  # text since the last flush ...
    buf_link = 0  # ... and how many of its characters are inside links
    blocks: list[etree._Element] = [root]
    matched: list[tuple[DomRule, etree._Element] | None] = [None]
    next_same_para = False  # the next unit follows a <br> in the same block

    def flush(pre: bool) -> None:
        nonlocal buf_link, next_same_para
        raw = "".join(buf)
        buf.clear()
        link, buf_link = buf_link, 0
        if raw.isspace():  # whitespace between tags: no unit (str.split's whitespace)
            return
        owner = blocks[-1]
        match = matched[-1]
        rule, rule_el = match if match is not None else (None, None)
        share = link / len(raw)
        if not pre:  # the common case: one line
            text = _collapse(raw)
            if text:
                units.append(Unit(text, owner, owner.tag, round(share * len(text)),
                                  next_same_para, rule, rule_el))
                next_same_para = False
            return
        for i, line in enumerate(raw.splitlines()):
            text = _collapse(line)
            if text:
                units.append(Unit(text, owner, owner.tag, round(share * len(text)),
                                  next_same_para or i > 0, rule, rule_el))
                next_same_para = False

    links = 0  # open <a> elements
    pre = 0  # open <pre> elements
    skipped: etree._Element | None = None
    # Tag names come lower-cased from libxml2's HTML parser (pinned by a test).
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            text = el.tail if event == "end" else None
        elif event == "start":
            if tag in SKIP or _hidden(el):
                walker.skip_subtree()
                skipped = el
                continue
            if tag in BLOCK:
                if buf:
                    flush(pre > 0)
                blocks.append(el)
                rule = rules.match_attrs(tag, el.get("class"), el.get("id"), el.get("role"))
                # (A content rule -- an embedded post -- ends the enclosing container's match.)
                matched.append(matched[-1] if rule is None else None if rule.category == CONTENT
                               else (rule, el))
                pre += tag == "pre"
            elif tag == "br":
                if buf:
                    flush(pre > 0)
                next_same_para = bool(units) and units[-1].owner is blocks[-1]
            elif tag == "a":
                links += 1
            text = el.text
        else:
            if el is skipped:
                skipped = None
            elif tag in BLOCK:
                if buf:
                    flush(pre > 0)
                if len(blocks) > 1:
                    blocks.pop()
                    matched.pop()
                pre -= tag == "pre"
            elif tag == "a":
                links -= 1
            text = el.tail
        if text:
            buf.append(text)
            if links:
                buf_link += len(text)
    if buf:
        flush(pre > 0)
    return units
