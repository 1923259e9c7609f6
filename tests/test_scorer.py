"""Our main-content scorer (``fronts/scorer.py``) and the ``Config.main_content`` modes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import Config, Scrubber, replay
from scrubber.fronts import html as html_front
from scrubber.fronts.dom import parse, render
from scrubber.fronts.domrules import builtin_rules
from scrubber.fronts.scorer import score_units

HTML = Path(__file__).resolve().parent.parent / "fixtures" / "html"
PARA = ("The committee met on Tuesday to review the proposal, which had been revised twice "
        "since spring. Members raised questions about cost, timing and the effect on local "
        "schools, and asked for a second hearing before any vote. {n}")


def _paras(n: int, start: int = 0) -> str:
    return "".join(f"<p>{PARA.format(n=i)}</p>" for i in range(start, start + n))


def _selected(page: str) -> list[str]:
    root = parse(page)
    assert root is not None
    units = render(root, builtin_rules())
    vote = score_units(units)
    return [u.text for u, m in zip(units, vote.mask, strict=True) if m]


def _nav(n: int) -> str:
    return "<ul>" + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(n)) + "</ul>"


def test_article_beats_menus_and_sidebar() -> None:
    page = (f"<html><body><nav>{_nav(12)}</nav><div class='main'>{_paras(5)}</div>"
            f"<aside class='sidebar'><p>Subscribe to our newsletter for weekly updates, offers and more.</p>"
            f"{_nav(8)}</aside><footer><p>Copyright 2024 Example Media. All rights reserved.</p></footer>"
            "</body></html>")
    kept = _selected(page)
    assert len(kept) == 5 and all(t.startswith("The committee") for t in kept)


def test_rule_class_on_the_article_wrapper_does_not_hide_it() -> None:
    # A wrapper whose class a DOM rule matches (a "cookie"/"modal" word on the page shell)
    # holds the whole article: long link-free prose still votes fully.
    page = (f"<html><body><div class='modal-enabled cookie-consent-root'><nav>{_nav(6)}</nav>"
            f"<div class='story'>{_paras(4)}</div></div></body></html>")
    kept = _selected(page)
    assert sum(t.startswith("The committee") for t in kept) == 4


def test_body_cut_into_sibling_sections_is_selected_whole() -> None:
    sections = "".join(f"<section class='richtext'>{_paras(2, 2 * i)}</section>" for i in range(4))
    page = f"<html><body>{_nav(10)}<div class='page'>{sections}</div>{_nav(10)}</body></html>"
    kept = _selected(page)
    assert [t[-1] for t in kept] == [str(i) for i in range(8)]


def test_link_heavy_teaser_list_loses_to_the_article() -> None:
    teasers = "".join(
        f"<li><a href='/n{i}'>Headline number {i} about the news of the day</a> A short summary "
        f"of the story, with a comma, and a full stop. More words here, and more.</li>"
        for i in range(12))
    page = (f"<html><body><div class='breaking-news'><ul>{teasers}</ul></div>"
            f"<div class='article-body'>{_paras(6)}</div></body></html>")
    kept = _selected(page)
    assert all(t.startswith("The committee") for t in kept) and len(kept) == 6


def test_standfirst_above_the_body_is_kept_but_not_across_the_headline() -> None:
    lead = "A short standfirst that sums up the whole story in one sentence, above the body text."
    page = (f"<html><body><p>{lead} (before the headline)</p><h1>Headline</h1><div class='intro'>"
            f"<p>{lead}</p></div><div class='content'>{_paras(5)}</div></body></html>")
    kept = _selected(page)
    assert kept[0] == lead
    assert not any("before the headline" in t for t in kept)


def test_reader_comments_do_not_vote() -> None:
    comments = "".join(
        f"<li class='comment'><p>{PARA.format(n=f'c{i}')}</p></li>" for i in range(10))
    page = (f"<html><body><article>{_paras(3)}</article>"
            f"<ol class='comment-list'>{comments}</ol></body></html>")
    kept = _selected(page)
    assert kept and all(not t.endswith(tuple(f"c{i}" for i in range(10))) for t in kept)


def test_no_prose_selects_nothing_and_is_not_sure() -> None:
    root = parse(f"<html><body>{_nav(5)}</body></html>")
    assert root is not None
    vote = score_units(render(root, builtin_rules()))
    assert not any(vote.mask) and vote.score == 0.0


def test_main_content_must_be_a_known_mode() -> None:
    with pytest.raises(ValueError, match="main_content"):
        Config(main_content="fast")


class _Spy:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, root: object, url: object, comments: bool) -> str:
        self.calls += 1
        return ""


def _run(mode: str, page: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    spy = _Spy()
    monkeypatch.setattr(html_front, "run_trafilatura", spy)
    result = Scrubber(Config(main_content=mode)).scrub_html(page)
    return spy.calls, result.flags


def test_auto_mode_skips_trafilatura_on_a_clear_page(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, flags = _run("auto", (HTML / "article_en.html").read_bytes(), monkeypatch)
    assert calls == 0 and "main:scorer" in flags


def test_auto_mode_asks_trafilatura_when_unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two unrelated containers of equal prose: a toss-up for the scorer.
    page = (f"<html><body><div class='a'>{_paras(3)}</div><div class='b'>{_paras(3, 10)}</div>"
            "</body></html>").encode()
    calls, flags = _run("auto", page, monkeypatch)
    assert calls == 1 and "main:scorer" not in flags


def test_scorer_and_trafilatura_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (HTML / "article_en.html").read_bytes()
    assert _run("scorer", page, monkeypatch)[0] == 0
    assert _run("trafilatura", page, monkeypatch)[0] == 1


def test_split_body_first_chunk_before_the_selected_one_is_kept() -> None:
    # Two chunks of one class between ad slots, the first the smaller: the selection finds
    # the second; the first is the body too. A same-class box above the headline is not.
    chunk = "<div class='grid'><div class='article-chunk'>{}</div></div>"
    page = (f"<html><body>{chunk.format('<p>Promoted: ' + PARA.format(n='x') + '</p>')}"
            f"<h1>Headline</h1>{chunk.format(_paras(1))}<div class='ad-slot'>Advertisement: continue reading below the line</div>"
            f"{chunk.format(_paras(4, 1))}{_nav(10)}</body></html>")
    text = Scrubber(Config(packs=(), main_content="scorer")).scrub_html(page).text
    assert all(PARA.format(n=i) in text for i in range(5))
    assert "Promoted" not in text


def test_paragraph_siblings_of_the_body_container_join_it() -> None:
    # CNN's shape: the first paragraphs are siblings of the container holding the rest.
    # (links in the last one: not a standfirst, which must be nearly link-free)
    first = "".join(f"<div class='para'>{PARA.format(n=i)}</div>" for i in range(2)) + (
        f"<div class='para'><a href='/x'>An earlier report said so</a> {PARA.format(n=2)}</div>")
    rest = "".join(f"<div class='para'>{PARA.format(n=i)}</div>" for i in range(3, 10))
    page = (f"<html><body>{_nav(8)}<section class='zone'>{first}<div class='read-all'>{rest}</div>"
            f"</section>{_nav(8)}</body></html>")
    kept = _selected(page)
    assert [t.rsplit(" ", 1)[-1] for t in kept] == [str(i) for i in range(10)]


def test_link_block_inside_the_body_is_pruned() -> None:
    teaser = ("<div class='next-prev'><p><a href='/n'>Next story</a></p><h5><a href='/a'>Another "
              "headline about cars and more</a></h5><p>Its summary line.</p>"
              "<p><a href='/p'>Previous story</a></p><h5><a href='/b'>An older headline about "
              "trucks</a></h5></div>")
    linked = ("<p>The <a href='/r'>report</a> was published on Monday, and its authors said the "
              "findings, though early, were consistent with <a href='/s'>earlier studies</a>.</p>")
    page = f"<html><body>{_nav(8)}<div class='article'>{_paras(5)}{linked}{teaser}</div></body></html>"
    kept = _selected(page)
    assert sum(t.startswith("The committee") for t in kept) == 5
    assert any(t.startswith("The report") for t in kept)
    assert not any("headline" in t or "story" in t for t in kept)


# --- properties over generated page layouts ----------------------------------------------

_BOXES = ["div", "section", "article", "main", "td"]
_CLASSES = ["", "content", "post", "wrapper", "col", "box", "row", "entry", "story", "grid"]


@st.composite
def _layouts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A page: menus, a footer of links and a box of link teasers around one body of prose
    paragraphs, the body at a random depth in neutral containers, possibly cut into sibling
    sections."""
    n = draw(st.integers(2, 9))
    paras = [PARA.format(n=f"p{i}") for i in range(n)]
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=2))) if n > 2 else []
    sections, start = [], 0
    for cut in [*cuts, n]:
        inner = "".join(f"<p>{p}</p>" for p in paras[start:cut])
        sections.append(f"<div class='{draw(st.sampled_from(_CLASSES))}'>{inner}</div>")
        start = cut
    body = "".join(sections)
    for _ in range(draw(st.integers(0, 4))):
        tag = draw(st.sampled_from(_BOXES))
        tag = "div" if tag == "td" else tag
        body = f"<{tag} class='{draw(st.sampled_from(_CLASSES))}'>{body}</{tag}>"
    menus = _nav(draw(st.integers(0, 15)))
    footer = f"<footer>{_nav(draw(st.integers(0, 6)))}</footer>"
    teasers = "".join(f"<p><a href='/t{i}'>Teaser headline {i}</a> A short summary, of a story.</p>"
                      for i in range(draw(st.integers(0, 5))))
    side = f"<aside class='{draw(st.sampled_from(['sidebar', 'col', 'box']))}'>{teasers}</aside>"
    parts = [body, side] if draw(st.booleans()) else [side, body]
    return f"<html><body><header>{menus}</header>{''.join(parts)}{footer}</body></html>", paras


@settings(max_examples=300, deadline=None)
@given(_layouts())
def test_a_single_body_of_prose_is_kept_whole_and_replays(page: tuple[str, list[str]]) -> None:
    html, paras = page
    result = Scrubber(Config(packs=(), main_content="scorer")).scrub_html(html)
    assert all(p in result.text for p in paras), html
    assert "Section" not in result.text and "Teaser" not in result.text, html
    assert replay(result.source, result.removals) == result.text
    # Auto mode asks trafilatura on a toss-up (two equal halves of a split body), which
    # may keep one half only: at least that much, and never the menus or teasers.
    auto = Scrubber(Config(packs=(), main_content="auto")).scrub_html(html)
    assert 2 * sum(p in auto.text for p in paras) >= len(paras), html
    assert "Section" not in auto.text and "Teaser" not in auto.text, html
    assert replay(auto.source, auto.removals) == auto.text


def test_sentence_marks_of_other_scripts_count_as_prose() -> None:
    # Hindi sentences end with the danda (।): prose, as much as English with full stops.
    sentence = "समिति ने मंगलवार को प्रस्ताव की समीक्षा की और स्कूलों पर असर के बारे में पूछा।"
    hindi = "".join(f"<p>{sentence * 8} {i}</p>" for i in range(3))
    notes = "".join("<p>Open daily, ten to six, all year, free.</p>" for _ in range(6))
    page = (f"<html><body><div class='col'><div class='box'>{notes}</div></div>"
            f"<div class='col'><div class='lekh'>{hindi}</div></div></body></html>")
    kept = _selected(page)
    assert len(kept) == 3 and all(t.startswith("समिति") for t in kept)
