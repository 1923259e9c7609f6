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

from .domrules import DomRule, DomRules

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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


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
    html = _CONTROL.sub("", html)
    if not html.strip():
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
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
        raise TooDeep("nesting deeper than the parser's limit")
    return root if root is not None and isinstance(root.tag, str) else None


class TooDeep(Exception):
    """libxml2 stopped at its nesting limit: the tree would silently miss the rest."""


def _hidden(el: etree._Element) -> bool:
    attrib = el.attrib
    if "hidden" in attrib or attrib.get("type") == "hidden":
        return True
    style = attrib.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _collapse(parts: list[str]) -> str:
    return " ".join("".join(parts).translate(_INVISIBLE).split())


class _Renderer:
    """The walk's state: the open block stack, the text buffer and the DOM rule stack."""

    def __init__(self, rules: DomRules) -> None:
        self.rules = rules
        self.units: list[Unit] = []
        self.buf: list[str] = []
        self.link = 0
        self.blocks: list[etree._Element] = []
        self.matched: list[tuple[DomRule, etree._Element] | None] = [None]
        self.next_same_para = False

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.buf.append(text)
            if in_link:
                self.link += len(text)

    def flush(self, pre: bool) -> None:
        if not self.buf:
            return
        raw = "".join(self.buf)
        self.buf.clear()
        link, self.link = self.link, 0
        owner = self.blocks[-1]
        match = self.matched[-1]
        lines = raw.splitlines() if pre else [raw]
        share = link / max(len(raw), 1)
        for i, line in enumerate(lines):
            text = _collapse([line])
            if not text:
                continue
            self.units.append(Unit(
                text, owner, owner.tag, round(share * len(text)),
                self.next_same_para or (pre and i > 0),
                match[0] if match else None, match[1] if match else None,
            ))
            self.next_same_para = False

    def match(self, el: etree._Element, tag: str) -> tuple[DomRule, etree._Element] | None:
        attrib = el.attrib
        class_id = " ".join(filter(None, (attrib.get("class"), attrib.get("id"))))
        rule = self.rules.match(tag, class_id, attrib.get("role", ""))
        return (rule, el) if rule is not None else self.matched[-1]


def render(root: etree._Element, rules: DomRules) -> list[Unit]:
    """The visible text units of the tree, in document order."""
    r = _Renderer(rules)
    r.blocks.append(root)
    links = 0
    pre = 0
    skipped: etree._Element | None = None
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            if event == "end":
                r.add(el.tail, links > 0)
            continue
        tag = tag.lower()
        if event == "start":
            if tag in SKIP or _hidden(el):
                walker.skip_subtree()
                skipped = el
                continue
            if tag in BLOCK:
                r.flush(pre > 0)
                r.blocks.append(el)
                r.matched.append(r.match(el, tag))
                pre += tag == "pre"
            elif tag == "br":
                r.flush(pre > 0)
                r.next_same_para = bool(r.units) and r.units[-1].owner is r.blocks[-1]
            elif tag == "a":
                links += 1
            r.add(el.text, links > 0)
            continue
        if el is skipped:
            skipped = None
        elif tag in BLOCK:
            r.flush(pre > 0)
            if len(r.blocks) > 1:
                r.blocks.pop()
                r.matched.pop()
            pre -= tag == "pre"
        elif tag == "a":
            links -= 1
        r.add(el.tail, links > 0)
    r.flush(pre > 0)
    return r.units
