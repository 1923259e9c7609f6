"""HTML -> Document: decode, parse, render every visible block, mark what is not main content.

``Document.source`` is the page's visible text, one block per line (a blank line between
paragraphs, a single break after ``<br>``). Blocks outside the selected main content get
``dom_verdict``: the DOM rule of their container (``DOM-NAV-001`` navigation, ...) when one
matches, else ``MAIN-001`` (boilerplate). The text rules, dedup and repair then run on the
kept blocks as in text mode.
"""

from __future__ import annotations

import html as html_lib
import re

from lxml import etree

from ..config import Config
from ..document import DISCUSSION_FLAG, Block, Document
from .decode import decode_bytes
from .dom import CONTROL, SKIP, SURROGATE, TooDeep, Unit, parse, render
from .domrules import builtin_rules
from .scorer import score_units
from .select import chars, is_cjk, map_text, run_trafilatura
from .text import split_text

MAIN = ("MAIN-001", "boilerplate")
#: Runs of link-dominated short lines inside the main content (teaser lists, link rows).
LINKS = ("DOM-LINKS-001", "navigation")
LINK_RUN = 3
LINK_SHARE = 0.35
_FORUM_URL = re.compile(
    r"(?:^|[/.])(?:bbs|forums?|tieba|club|zhidao|wenda|ask|answers)\."
    r"|/(?:bbs|forums?|threads?|topics?|t|questions?|discuss(?:ion)?s?|faq|ask|answers?|wenda|q)/"
    r"|(?:view|show|disp)(?:thread|topic|bbs)|forumthread|thread-\d",
    re.I,
)
_FORUM_LD = re.compile(r"DiscussionForumPosting|QAPage", re.I)
#: A DOM rule is ignored on an element holding at least this share of the main content.
PROTECT_SHARE = 0.5
#: A selected unit this long with few links is body text even inside a matched container.
PROSE_CHARS = 300
#: Non-CJK pages: the density container is added to trafilatura's choice when it is this
#: many times larger (fast-mode trafilatura sometimes misses half an article).
UNION_RATIO = 2.5
#: ... and a matched container whose main content is this much nearly link-free prose.
PROTECT_PROSE = 400
_TITLE_SEP = re.compile(r"\s+[|\-–—:·»]\s+|\s*[_|｜]\s*|\s+-{2,}\s+")


def parse_html(html: bytes | bytearray | str, url: str | None = None,
               config: Config | None = None, charset: str | None = None) -> Document:
    """Build the Document of an HTML page (bytes in any encoding, or str); never raises on
    content. ``charset``: the label the bytes came with (HTTP ``Content-Type``), if known."""
    config = config if config is not None else Config()
    flags: list[str] = []
    if isinstance(html, (bytes, bytearray)):
        text, flags = decode_bytes(bytes(html), charset)
        if "binary" in flags:  # (an image, a PDF, gzip data: no page, rather than pages of mojibake)
            flags = [*(f for f in flags if f != "binary"), "html:binary"]
            return Document(source="", blocks=[], title=None, flags=flags)
    else:
        text = html
    try:
        root = parse(text)
    except TooDeep:
        return plain_text(text, [*flags, "html:too_deep"])
    if root is None:
        return Document(source="", blocks=[], title=None, flags=[*flags, "html:empty"])
    # Every element but a few the parser implies (html, body, a paragraph per stray text)
    # opens with "<": a page with few of them needs no count of the tree.
    limit = config.max_html_elements
    if 2 * text.count("<") + 16 > limit and root.xpath("count(//*)") > limit:
        return plain_text(text, [*flags, "html:too_many_elements"])
    title = find_title(root)
    units = render(root, builtin_rules())
    main = extend_split(units, select_main(root, units, url, config, flags), flags)
    discussion = is_discussion(root, url, units, main)
    if discussion:
        flags.append(DISCUSSION_FLAG)
    if discussion or config.include_comments:
        # Replies are the content of a thread; comments are kept on request.
        main = [
            m or (_is_comment(u) and u.link_chars < 0.3 * len(u.text))
            for u, m in zip(units, main, strict=True)
        ]
    return build(units, verdicts(units, main, config, discussion), title, flags)


#: Elements whose content is never visible text: the tree's (:data:`.dom.SKIP`) that close.
_INVISIBLE_KINDS = tuple(sorted(SKIP - {"meta", "link", "embed", "input"}))
#: ... of which these hold raw text to their closer, or to the end of the page without one,
#: as a browser reads them (a comment too).
_RAW_TEXT = frozenset(["script", "style", "title", "textarea", "--"])
_INVISIBLE_OPEN = re.compile(rf"<({'|'.join(_INVISIBLE_KINDS)})\b|<!--", re.I)
_INVISIBLE_CLOSE = {tag: re.compile(rf"</{tag}\s*>", re.I) for tag in _INVISIBLE_KINDS}
_TITLE = re.compile(r"<title\b", re.I)
_BREAK_TAG = re.compile(
    r"</?(?:p|div|br|li|h[1-6]|tr|td|th|section|article|header|footer|nav|aside|ul|ol|dl|dt|dd"
    r"|table|blockquote|pre|form|figure|figcaption|main)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")


def plain_text(text: str, flags: list[str]) -> Document:
    """Pages the tree cannot hold safely (too deep, too many elements): tags stripped by
    pattern, block tags as line breaks, no main-content selection. Bounded time and memory,
    and no visible body text silently lost; the flag says why. As in the tree: control
    characters removed, a lone surrogate made U+FFFD, the title taken out as the title."""
    text = CONTROL.sub("", SURROGATE.sub("\ufffd", text))
    title = _first_title(text)
    text = _strip_invisible(text)
    # A tag pattern tried at a "<" with no ">" after it reads to the end and fails: at each
    # of thousands of them, quadratic time. No tag can end past the last ">": left as it is.
    cut = text.rfind(">") + 1
    head = _ANY_TAG.sub("", _BREAK_TAG.sub("\n", text[:cut]))
    text = html_lib.unescape(head + text[cut:])
    doc = split_text(text)
    doc.flags = flags
    doc.title = title or None
    return doc


def _first_title(text: str) -> str:
    """The text of the page's first ``<title>`` (in its first 64 KB), or "" (each search
    made once: linear however many openers there are)."""
    found = _TITLE.search(text, 0, 1 << 16)
    start = text.find(">", found.end()) + 1 if found else 0
    close = _INVISIBLE_CLOSE["title"].search(text, start) if start else None
    if close is None:
        return ""
    return " ".join(html_lib.unescape(_ANY_TAG.sub("", text[start : close.start()])).split())


def _strip_invisible(text: str) -> str:
    """Invisible elements (:data:`_INVISIBLE_KINDS`) and comments, each with what it holds,
    replaced by a space. An opener never closed: raw text (script, style, title, textarea,
    a comment) runs to the end of the page, as browsers read it; any other keeps the text
    after it. In linear time: once an opener finds no closer, no later opener of its kind
    can (``<template>`` x 19,000 took 30 s as one lazy pattern, each opener reading to the
    end)."""
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()
    for m in _INVISIBLE_OPEN.finditer(text):
        if m.start() < pos:
            continue  # (inside an element or comment already taken)
        kind = m.group(1).lower() if m.group(1) else "--"
        if kind in unclosed:
            continue
        if kind == "--":
            end = text.find("-->", m.end())
            end = -1 if end < 0 else end + 3
        else:
            close = _INVISIBLE_CLOSE[kind].search(text, m.end())
            end = -1 if close is None else close.end()
        if end < 0:
            if kind in _RAW_TEXT:
                out.append(text[pos : m.start()])
                return "".join(out)
            unclosed.add(kind)
            continue
        out += (text[pos : m.start()], " ")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def select_main(root: etree._Element, units: list[Unit], url: str | None, config: Config,
                flags: list[str]) -> list[bool]:
    """Which units are main content: our scorer, with trafilatura's opinion where needed.

    ``Config.main_content``: ``"auto"`` asks trafilatura only when the scorer is unsure
    (a short selection, or a rival container nearly as strong); ``"scorer"`` never does;
    ``"trafilatura"`` always does (2-3x the time per page).
    """
    if not units:
        return []
    vote = score_units(units)
    dens = vote.mask
    if len(units) > LARGE_UNITS or sum(len(u.text) for u in units) > LARGE_TEXT:
        # A page this large would spend seconds in trafilatura: the scorer alone keeps the
        # time bounded (hardening matrix: a 20 MB article).
        flags.append("main:density-large")
        return dens
    d_chars = vote.chars(units)
    if config.main_content == "scorer" or (
        config.main_content == "auto" and d_chars >= SURE_CHARS and vote.rival <= SURE_RIVAL
    ):
        flags.append("main:scorer")
        return dens
    traf = map_text(units, run_trafilatura(root, url, config.include_comments))
    t_chars = chars(units, traf)
    if t_chars == 0 and d_chars == 0:
        flags.append("main:all")
        return [True] * len(units)
    if t_chars < 200 and d_chars > 2 * t_chars:
        flags.append("main:density")
        return dens
    if d_chars > 1.5 * t_chars and is_cjk(units):
        flags.append("main:density")
        return dens
    if d_chars > UNION_RATIO * t_chars or _prose_superset(units, traf, dens):
        flags.append("main:union")
        return [a or b for a, b in zip(traf, dens, strict=True)]
    flags.append("main:trafilatura")
    return traf


def _prose_superset(units: list[Unit], traf: list[bool], dens: list[bool]) -> bool:
    """The scorer kept all trafilatura kept, and more body paragraphs: link-free prose (a
    body cut in two, of which trafilatura's fast mode found one half)."""
    extra = [u for u, t, d in zip(units, traf, dens, strict=True) if d and not t]
    return (any(traf) and all(d for t, d in zip(traf, dens, strict=True) if t)
            and any(len(u.text) >= 80 for u in extra)
            and all(len(u.text) >= 80 and u.link_chars < 0.1 * len(u.text)
                    for u in extra if len(u.text) >= 20))


#: ``main_content="auto"``: the scorer decides alone when it selected at least this many
#: characters and no unrelated container scored above this share of the winner.
SURE_CHARS = 200
SURE_RIVAL = 0.7


#: Visible text above this many characters skips trafilatura (density vote only).
LARGE_TEXT = 2_000_000
#: ... or this many units (the largest page of the development sets has ~3,000; one of
#: 120,000 tiny paragraphs spent 14 s in trafilatura, 2 s in the scorer).
LARGE_UNITS = 20_000


#: Block tags whose parent is the container of a run of text (paragraphs of a body).
_LEAF = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption",
                   "ul", "ol", "dl", "dd", "dt", "table", "tr", "td", "th", "tbody"])
#: A container holding this share of the main content (and at least SPLIT_MIN chars) is a
#: body container; other containers of the same tag and class are the rest of the body.
SPLIT_SHARE = 0.2
SPLIT_MIN = 200


def _container(el: etree._Element) -> etree._Element:
    for _ in range(6):
        if el.tag not in _LEAF:
            return el
        parent = el.getparent()
        if parent is None:
            return el
        el = parent
    return el


def extend_split(units: list[Unit], main: list[bool], flags: list[str]) -> list[bool]:
    """Add the rest of a body split over sibling containers of one class.

    CMSs cut an article body into several containers (``div.article__body`` between ad
    slots, one per page section); an extractor often keeps only the first. Units in a
    container with the same tag and class as one holding a good share of the selected
    text, not matched by a DOM rule and not link-dominated, are main content too.
    """
    conts = [_container(u.owner) for u in units]
    per: dict[etree._Element, int] = {}
    for u, c, m in zip(units, conts, main, strict=True):
        if m:
            per[c] = per.get(c, 0) + len(u.text)
    total = sum(per.values())
    body = {
        c for c, n in per.items()
        if n >= SPLIT_MIN and n >= SPLIT_SHARE * total and (c.get("class") or "").strip()
    }
    if not body:
        return main
    sigs = {(c.tag, c.get("class")) for c in body}
    # A DOM rule matched around the body itself (a page-wide wrapper) does not veto.
    wrappers = {u.rule_el for u, c, m in zip(units, conts, main, strict=True) if m and c in body}
    # Only below the headline (the first ``h1``): the body's first container may come
    # before the one the selection found, but nothing above the headline is body.
    h1 = next((i for i, u in enumerate(units) if u.tag == "h1"), -1)
    out = list(main)
    added = 0
    for i in range(h1 + 1, len(units)):
        u, c = units[i], conts[i]
        if not out[i] and u.tag != "h1" and (u.rule is None or u.rule_el in wrappers) and (
            (c.tag, c.get("class")) in sigs and u.link_chars < 0.5 * len(u.text)
        ):
            out[i] = True
            added += len(u.text)
    if added:
        flags.append("main:split")
    return out


def is_discussion(root: etree._Element, url: str | None, units: list[Unit], main: list[bool]) -> bool:
    """A forum thread or Q&A page, where the replies are the content.

    By URL (``bbs``, ``forum``, ``thread``, Q&A paths ``faq``, ``ask``, ``wenda``...), by
    schema.org type, or because the main content outside comment containers is short next
    to the comments -- unless the page
    carries a blog's comment-section markup (a short post above many comments is a post).
    """
    if url and _FORUM_URL.search(url):
        return True
    for script in root.iterfind(".//script[@type='application/ld+json']"):
        if script.text and _FORUM_LD.search(script.text):
            return True
    body = sum(len(u.text) for u, m in zip(units, main, strict=True) if m and not _is_comment(u))
    replies = sum(
        len(u.text) for u in units if _is_comment(u) and u.link_chars < 0.3 * len(u.text)
    )
    return body < 500 and replies > 2 * body and not _blog_comments(root)


#: Markup of a blog's reader-comment section (WordPress, Disqus and their many clones): a
#: short post above many comments is still a post, its comments are not the content.
_BLOG_COMMENTS = (
    ".//*[@id='respond' or @id='disqus_thread' or @id='comments-list']"
    "|.//form[contains(@action, 'wp-comments-post')]"
    "|.//*[contains(concat(' ', normalize-space(@class), ' '), ' comment-body ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' comment-list ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' commentlist ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' comment-respond ')]"
)


def _blog_comments(root: etree._Element) -> bool:
    return bool(root.xpath(_BLOG_COMMENTS))


def _is_comment(unit: Unit) -> bool:
    return unit.rule is not None and unit.rule.category == "comments"


def link_runs(units: list[Unit], main: list[bool]) -> set[int]:
    """Indexes of main units in runs of at least LINK_RUN link-dominated short lines."""
    out: set[int] = set()
    run: list[int] = []
    for i, (unit, is_main) in enumerate([*zip(units, main, strict=True), (None, False)]):
        if unit is not None and is_main and len(unit.text) <= 160 and (
            unit.link_chars >= LINK_SHARE * len(unit.text)
        ):
            run.append(i)
            continue
        if unit is not None and not is_main:
            continue
        if len(run) >= LINK_RUN:
            out.update(run)
        run = []
    return out


def verdicts(units: list[Unit], main: list[bool], config: Config,
             discussion: bool = False) -> list[tuple[str, str] | None]:
    """The removal verdict of each unit (None: kept)."""
    keep_comments = config.include_comments or discussion
    links = link_runs(units, main)
    total = chars(units, main)
    inside: dict[etree._Element, list[int]] = {}
    for unit, is_main in zip(units, main, strict=True):
        if is_main and unit.rule_el is not None:
            acc = inside.setdefault(unit.rule_el, [0, 0])
            acc[0] += len(unit.text)
            acc[1] += unit.link_chars
    # A figcaption is a caption however long, unless the captions are most of the page (a
    # gallery): long link-free text in one protects it only then.
    captions = sum(len(u.text) for u, m in zip(units, main, strict=True) if m and _figcaption(u))
    strict_captions = captions < PROTECT_SHARE * total
    out: list[tuple[str, str] | None] = []
    for i, (unit, is_main) in enumerate(zip(units, main, strict=True)):
        rule = unit.rule
        if rule is not None and keep_comments and rule.category == "comments":
            rule = None
        caption = strict_captions and rule is not None and _figcaption(unit)
        if rule is not None and _protected(inside.get(unit.rule_el), total, prose=not caption):
            rule = None
        if rule is not None and not caption and is_main and len(unit.text) >= PROSE_CHARS and (
            unit.link_chars < 0.2 * len(unit.text)
        ):
            rule = None
        if rule is not None:
            out.append((rule.id, rule.category))
        elif i in links:
            out.append(LINKS)
        else:
            out.append(None if is_main else MAIN)
    orphan_headings(units, out)
    return out


#: Section headings (``h1`` is the page's headline: its "section" is the whole page).
_HEADINGS = frozenset(["h2", "h3", "h4", "h5", "h6"])


def orphan_headings(units: list[Unit], out: list[tuple[str, str] | None]) -> None:
    """Remove kept headings whose whole section was removed ("Related stories" above a
    removed teaser list, a widget title at the end of the body): up to the next heading,
    at least one unit and none kept, or nothing kept after it at all. An ``h1`` ends a
    section but is never removed here."""
    nxt = len(units)
    kept_after = False
    for i in range(len(units) - 1, -1, -1):
        if units[i].tag == "h1":
            kept_after = kept_after or out[i] is None
            nxt = i
            continue
        if units[i].tag not in _HEADINGS:
            kept_after = kept_after or out[i] is None
            continue
        section = range(i + 1, nxt)
        if out[i] is None and (
            not kept_after or (len(section) > 0 and all(out[j] is not None for j in section))
        ):
            out[i] = MAIN
        kept_after = kept_after or out[i] is None
        nxt = i


def _figcaption(unit: Unit) -> bool:
    """A figcaption's text matched by a caption rule."""
    return unit.tag == "figcaption" and unit.rule is not None and unit.rule.category == "caption"


def _protected(acc: list[int] | None, total: int, prose: bool = True) -> bool:
    """A matched container holding most of the main content, or (``prose``) a run of
    link-free prose."""
    if not acc:
        return False
    text, link = acc
    return text >= PROTECT_SHARE * total or (prose and text >= PROTECT_PROSE and link < 0.1 * text)


def build(units: list[Unit], marks: list[tuple[str, str] | None], title: str | None,
          flags: list[str]) -> Document:
    """Render the units as source text and annotate one block per unit.

    A unit's text is one collapsed line (no line break, no blank at either end), so the
    blocks are those ``split_text`` would cut from the source -- built here directly: a
    single line break before a ``same_para`` unit, a blank line before any other.
    """
    parts: list[str] = []
    blocks: list[Block] = []
    pos = para = 0
    last = len(units) - 1
    for i, (unit, mark) in enumerate(zip(units, marks, strict=True)):
        text = unit.text
        if i:
            parts.append("\n" if unit.same_para else "\n\n")
            pos += 1 if unit.same_para else 2
            para += not unit.same_para
        parts.append(text)
        end = pos + len(text)
        blocks.append(Block(
            i, text, pos, end, pos, end + (i < last), para, unit.tag,
            round(unit.link_chars / max(len(text), 1), 3), mark,
        ))
        pos = end
    return Document(source="".join(parts), blocks=blocks, title=title, flags=flags)


def _meta(root: etree._Element, *names: str) -> str:
    for name in names:
        for el in root.iterfind(f".//meta[@property='{name}']"):
            if el.get("content", "").strip():
                return " ".join(el.get("content", "").split())
        for el in root.iterfind(f".//meta[@name='{name}']"):
            if el.get("content", "").strip():
                return " ".join(el.get("content", "").split())
    return ""


def find_title(root: etree._Element) -> str | None:
    """og:title, else ``<title>`` cleaned of a site-name part, else the first ``<h1>``."""
    og = _meta(root, "og:title", "twitter:title")
    head = root.find(".//title")
    raw = " ".join((head.text_content() if head is not None else "").split())
    h1_el = root.find(".//h1")
    h1 = " ".join(h1_el.text_content().split()) if h1_el is not None else ""
    for candidate in (og, raw):
        if not candidate:
            continue
        parts = [p for p in _TITLE_SEP.split(candidate) if p.strip()]
        if h1 and (h1 == candidate or h1 in parts):
            return h1
        if len(parts) > 1:
            # "Headline - Site" is the usual order; "Site | Headline" when the first part is short.
            first, last = parts[0].strip(), parts[-1].strip()
            return last if 2 * len(first) < len(last) else first
        return candidate
    return h1 or None
