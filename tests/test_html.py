"""HTML front end: decoding, DOM rules with ids, main content, forums, title, replay, hostile input."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from scrubber import Config, Scrubber
from scrubber.fronts.decode import decode_bytes
from scrubber.fronts.dom import parse, render
from scrubber.fronts.domrules import builtin_rules, load_rules
from scrubber.fronts.html import extend_split, find_title, parse_html
from scrubber.fronts.text import split_text
from scrubber.result import replay

HTML = Path(__file__).resolve().parent.parent / "fixtures" / "html"
ARTICLE_URL = "https://example.com/science/rivers"
FORUM_URL = "http://bbs.example.cn/viewthread.php?tid=1"


@pytest.fixture(scope="module")
def s() -> Scrubber:
    # Text packs off: these tests pin the DOM layer, not the text rules.
    return Scrubber(Config(packs=()))


@pytest.fixture(scope="module")
def article() -> bytes:
    return (HTML / "article_en.html").read_bytes()


# --- decoding ---------------------------------------------------------------


def test_gb2312_meta_read_as_gb18030() -> None:
    raw = '<meta charset="gb2312"><p>中文内容，镕䶮</p>'.encode("gb18030")
    text, flags = decode_bytes(raw)
    assert "中文内容，镕䶮" in text  # characters outside GB2312 survive
    assert "decoded:gb18030" in flags


def test_bom_wins() -> None:
    text, flags = decode_bytes(codecs.BOM_UTF8 + "<meta charset=gbk><p>café</p>".encode())
    assert "café" in text and not text.startswith("\ufeff")
    assert "decoded:utf-8" in flags


def test_mislabelled_latin1_that_is_utf8() -> None:
    text, flags = decode_bytes('<meta charset="iso-8859-1"><p>Grüße aus Köln</p>'.encode())
    assert "Grüße aus Köln" in text
    assert "decoded:utf-8" in flags and any(f.startswith("charset_mislabelled") for f in flags)


def test_real_latin1_stays_latin1() -> None:
    text, _ = decode_bytes('<meta charset="iso-8859-1"><p>Grüße</p>'.encode("latin-1"))
    assert "Grüße" in text


def test_no_declaration_gbk_is_detected() -> None:
    body = "这是一个没有声明编码的中文页面，浏览器需要自己判断它的编码方式。" * 4
    text, flags = decode_bytes(f"<html><body><p>{body}</p></body></html>".encode("gbk"))
    assert body in text
    assert "decoded:gb18030" in flags


def test_undecodable_bytes_replaced_not_raised() -> None:
    text, flags = decode_bytes(b'<meta charset="utf-8"><p>ok \xff\xfe\xfa bad</p>')
    assert "ok" in text
    assert any(f.startswith("decoded:") for f in flags)


def test_str_input_used_as_is(s: Scrubber) -> None:
    doc = parse_html("<html><body><p>Déjà vu — 中文</p></body></html>")
    assert "Déjà vu — 中文" in doc.source
    assert not any(f.startswith("decoded:") for f in doc.flags)


# --- DOM rules, main content, explanations -----------------------------------


def test_article_body_kept_boilerplate_removed_with_ids(s: Scrubber, article: bytes) -> None:
    result = s.scrub_html(article, url=ARTICLE_URL)
    assert "After three dry summers" in result.text
    assert "before the next dry spell arrives" in result.text
    by_text = {r.text.strip(): r.rule_id for r in result.removals}
    assert by_text["Home > Science"] == "DOM-NAV-001"
    assert by_text["Share on Twitter Share on Facebook"] == "DOM-SHARE-001"
    assert by_text["Why the reservoirs emptied so fast"] == "DOM-RELATED-001"
    assert by_text["We use cookies to improve your experience. Accept all cookies."] == "DOM-COOKIE-001"
    assert any(r.rule_id == "DOM-COMMENTS-001" and "Great news" in r.text for r in result.removals)
    for gone in ("Great news", "Related stories", "All rights reserved", "Sport"):
        assert gone not in result.text
    explained = result.explain()
    assert "DOM-NAV-001" in explained and "DOM-COMMENTS-001" in explained


def test_every_removal_has_a_rule_id(s: Scrubber, article: bytes) -> None:
    result = s.scrub_html(article, url=ARTICLE_URL)
    assert result.removals
    assert all(r.rule_id and r.category for r in result.removals)


def test_invisible_text_not_in_source(s: Scrubber, article: bytes) -> None:
    source = s.scrub_html(article).source
    for hidden in ("SCRIPT TEXT", "STYLE TEXT", "HIDDEN TEXT", "ALSO HIDDEN", "tracking"):
        assert hidden not in source
    assert "Home" in source and "Great news" in source  # boilerplate is visible: in source


def test_include_comments_keeps_comments(article: bytes) -> None:
    result = Scrubber(Config(packs=(), include_comments=True)).scrub_html(article, url=ARTICLE_URL)
    assert "After three dry summers" in result.text
    assert "Will they ever fix the leaking pipes" in result.text
    assert not any(r.rule_id == "DOM-COMMENTS-001" for r in result.removals)
    default = Scrubber(Config(packs=())).scrub_html(article, url=ARTICLE_URL)
    assert "Will they ever fix the leaking pipes" not in default.text
    # With the packs: the thread's header ('3 Comments', a cut_rest rule) takes itself only.
    packed = Scrubber(Config(include_comments=True)).scrub_html(article, url=ARTICLE_URL)
    assert "Will they ever fix the leaking pipes" in packed.text and "3 Comments" not in packed.text


def test_forum_replies_are_content(s: Scrubber) -> None:
    result = s.scrub_html((HTML / "forum_gb2312.html").read_bytes(), url=FORUM_URL)
    assert "decoded:gb18030" in result.flags and "page:discussion" in result.flags
    assert "导游的收入很大一部分来自购物的回扣" in result.text
    assert "我上次去云南也遇到了这种情况" in result.text
    assert "建议大家报名之前多比较几家旅行社" in result.text
    assert "首页" not in result.text


def test_discussion_schema_org_detected(s: Scrubber) -> None:
    ld = json.dumps({"@type": "DiscussionForumPosting", "headline": "x"})
    replies = "".join(
        f'<div class="comment"><p>Reply number {i}: I think it depends on the version you run.</p></div>'
        for i in range(4)
    )
    page = (f'<html><head><script type="application/ld+json">{ld}</script></head><body>'
            f"<h1>Question</h1><p>How do I upgrade the thing without losing my settings?</p>"
            f"{replies}</body></html>")
    result = s.scrub_html(page)
    assert "page:discussion" in result.flags
    assert "Reply number 3" in result.text


@pytest.mark.parametrize("url", [
    "https://www.developers.pub/faq/1274706",
    "https://zhidao.baidu.com/question/123.html",
    "https://wenda.so.com/q/1530000",
    "https://ask.example.com/item/42",
    "https://example.com/answers/how-to-upgrade",
])
def test_question_and_answer_urls_are_discussions(s: Scrubber, url: str) -> None:
    # A Q&A page's answers sit in comment containers; its question is short.
    answers = "".join(
        f'<div class="comment"><p>Answer {i}: the mapper in this project is mybatis, so no '
        f"jpa repository is needed; add a mapper next to the existing ones.</p></div>"
        for i in range(2)
    )
    page = ("<html><body><h1>How to add a page?</h1><div class='question'><p>I added a "
            "controller and a repository, and the application no longer starts: a bean of "
            "type TestRe could not be found. What did I do wrong, and how should a new "
            "feature be added to this project? I tried EnableJpaRepositories on the "
            "application class, and it still fails at start-up with the same message, "
            "so I am stuck.</p></div>"
            f"{answers}</body></html>")
    result = s.scrub_html(page, url=url)
    assert "page:discussion" in result.flags
    assert "Answer 1: the mapper" in result.text
    # The same page under an article's address: the answers are comments.
    article = s.scrub_html(page, url="https://www.example.com/2024/01/06/news/page.html")
    assert "page:discussion" not in article.flags
    assert "Answer 1: the mapper" not in article.text


def test_short_blog_post_with_many_comments_is_not_a_forum(s: Scrubber) -> None:
    comments = "".join(
        f'<li class="comment"><div class="comment-body"><p>Comment {i}: thanks for the update, '
        f"I have a question about the methodology you used for this year's review.</p></div></li>"
        for i in range(12)
    )
    page = ("<html><body><article><h1>Open thread</h1><p>Use this thread to ask us anything "
            "about our research. We will try to answer within a week.</p></article>"
            f'<ol class="comment-list">{comments}</ol></body></html>')
    result = s.scrub_html(page, url="https://blog.example.org/2018/09/open-thread/")
    assert "page:discussion" not in result.flags
    assert "Use this thread to ask us anything" in result.text
    assert "Comment 7" not in result.text


def test_long_figcaption_is_a_caption_not_prose(s: Scrubber) -> None:
    caption = ("Functional areas of the module: crew quarters, exercise, hygiene, dining, "
               "workstation, galley, medical supplies, life support and stowage, in two zones "
               "of habitable volume, the quarters used for the whole mission and the rest "
               "only while the crew is awake and active. ") * 2
    body = "".join(
        f"<p>Paragraph {i} of the article explains how a crew would hibernate on the way to "
        "Mars, in plain sentences with commas, full stops and no links at all.</p>"
        for i in range(8)
    )
    page = (f"<html><body><article><h1>Hibernating astronauts</h1>{body[:len(body) // 2]}"
            f"<figure><img src='a.jpg'><figcaption>{caption}Credit: ESA</figcaption></figure>"
            f"{body[len(body) // 2:]}</article></body></html>")
    result = s.scrub_html(page)
    assert "Paragraph 7 of the article" in result.text
    assert "Functional areas of the module" not in result.text
    assert any(r.category == "caption" and "Functional areas" in r.text for r in result.removals)
    # A gallery whose captions are most of the page keeps them: they are its content.
    gallery = ("<html><body><h1>Gallery</h1>"
               + "".join(f"<figure><img src='{i}.jpg'><figcaption>Picture {i}. {caption}"
                         "</figcaption></figure>" for i in range(3))
               + "</body></html>")
    assert "Picture 2. Functional areas" in s.scrub_html(gallery).text


def test_body_split_over_sibling_containers(s: Scrubber) -> None:
    def part(n: int) -> str:
        return "".join(
            f"<p>Part {n} paragraph {i} tells the story of the river and the people who "
            "live along it, in plain sentences with commas, full stops and no links.</p>"
            for i in range(4)
        )
    page = ('<html><body><h1>River story</h1><div class="article__body">' + part(1) + "</div>"
            '<div class="ad-slot">Advertisement</div>'
            '<div class="article__body">' + part(2) + "</div>"
            '<div class="ad-slot">Advertisement</div>'
            '<div class="article__body">' + part(3) + "</div></body></html>")
    result = s.scrub_html(page)
    for n in (1, 2, 3):
        assert f"Part {n} paragraph 3" in result.text
    assert "Advertisement" not in result.text
    # The extension itself: an extractor that kept only the first part.
    units = render(parse(page), builtin_rules())
    first = [u.text.startswith("Part 1") for u in units]
    flags: list[str] = []
    main = extend_split(units, first, flags)
    assert flags == ["main:split"]
    assert [u.text[:6] for u, m in zip(units, main, strict=True) if m] == ["Part 1"] * 4 + [
        "Part 2"] * 4 + ["Part 3"] * 4


def test_orphan_heading_removed_with_its_section() -> None:
    teasers = "".join(f'<li><a href="/s{i}">Another story number {i}</a></li>' for i in range(5))
    body = "".join(
        f"<p>Paragraph {i} of the article, long enough to be prose, with commas, and a point.</p>"
        for i in range(6)
    )
    page = (f"<html><body><article><h1>Title</h1>{body}<h2>More stories</h2>"
            f'<div class="related-posts"><ul>{teasers}</ul></div></article></body></html>')
    doc = parse_html(page)
    heading = next(b for b in doc.blocks if b.text == "More stories")
    assert heading.dom_verdict is not None


# --- title ------------------------------------------------------------------


def test_title_prefers_og_title(s: Scrubber, article: bytes) -> None:
    assert s.scrub_html(article).title == "Rivers Return to the Valley"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("<title>Rivers Return - The Example Gazette</title>", "Rivers Return"),
        ("<title>旅游购物的陷阱_社区论坛</title>", "旅游购物的陷阱"),
        ("<title>Site | A long headline about many things</title>", "A long headline about many things"),
        ("<title>Plain</title>", "Plain"),
    ],
)
def test_title_cleaned_of_site_name(head: str, expected: str) -> None:
    from scrubber.fronts.dom import parse

    root = parse(f"<html><head>{head}</head><body><p>x</p></body></html>")
    assert root is not None
    assert find_title(root) == expected


# --- document contract and replay ------------------------------------------------


def test_blocks_match_split_text_and_replay(s: Scrubber, article: bytes) -> None:
    doc = parse_html(article, url=ARTICLE_URL)
    plain = split_text(doc.source)
    assert [(b.start, b.end, b.line_start, b.line_end, b.para, b.index) for b in doc.blocks] == [
        (b.start, b.end, b.line_start, b.line_end, b.para, b.index) for b in plain.blocks
    ]
    assert any(b.tag == "li" and b.link_density > 0.9 for b in doc.blocks)
    result = s.scrub_html(article, url=ARTICLE_URL)
    assert replay(result.source, result.removals) == result.text


# --- hostile input ----------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        b"",
        b"   \n\t ",
        bytes(range(256)) * 40,
        b"\x00\x01<html>\x00<body><p>nul\x00 inside</p>",
        b'{"json": [1, 2, 3], "text": "not html at all"}',
        b'<?xml version="1.0" encoding="utf-8"?><rss><channel><item><title>T</title></item></channel></rss>',
        "<?xml version='1.0' encoding='latin-1'?><html><body><p>decl in str</p></body></html>",
        b"<html><body><div><p>unclosed <b>tags <i>everywhere<table><tr><td>cell",
        b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000,
        b"<p>" + b"x " * 2_000_000 + b"</p>",
        "<p>lone surrogate \ud800 here</p>",
    ],
    ids=["empty", "blank", "binary", "nul", "json", "xml", "xmldecl-str", "broken", "deep", "huge",
         "surrogate"],
)
def test_hostile_input_never_raises(s: Scrubber, page: bytes | str) -> None:
    result = s.scrub_html(page)
    assert isinstance(result.text, str)
    assert replay(result.source, result.removals) == result.text


def test_wide_page_many_blocks(s: Scrubber) -> None:
    paras = "".join(f"<p>Paragraph {i} has a sentence.</p>" for i in range(20_000))
    page = f"<html><body>{paras}</body></html>"
    result = s.scrub_html(page)
    assert result.source.count("\n") >= 20_000


# --- DOM rule data --------------------------------------------------------------------


def test_dom_rule_examples() -> None:
    rules = builtin_rules()
    assert len({r.id for r in rules.rules}) == len(rules.rules)
    for rule in rules.rules:
        for example in rule.examples_remove:
            doc = parse_html(f"<html><body>{example}<p>{'Body text of the page. ' * 30}</p></body></html>")
            first = doc.blocks[0]
            assert first.dom_verdict is not None, (rule.id, example)
            assert first.dom_verdict[0] == rule.id, (rule.id, example, first.dom_verdict)
        for example in rule.examples_keep:
            doc = parse_html(f"<html><body>{example}</body></html>")
            hits = [b for b in doc.blocks if b.dom_verdict is not None and b.dom_verdict[0] == rule.id]
            assert not hits, (rule.id, example)
            if rule.category == "content":  # (kept whole, also inside a matching container)
                assert doc.blocks and not [b for b in doc.blocks if b.dom_verdict is not None], (rule.id, example)


def test_an_embedded_post_in_a_social_wrapper_is_content() -> None:
    """A tweet the article quotes sits in a "social-media-embed" wrapper, which the share
    rule matches: the embed rule (category content) keeps its text; the share bar beside it,
    and share buttons inside the embed, still go."""
    paras = "".join(f"<p>Paragraph {i} of the report says the campaign drew wide attention online.</p>"
                    for i in range(8))
    tweet = ('<div class="social-media-embed"><blockquote class="twitter-tweet"><p lang="en">Oh, no. It seems '
             'the rest of the campaigns are just as bad as this one.</p>— Mike Beauvais (@MikeBeauvais) '
             '<a href="https://twitter.com/x/status/1">November 18, 2019</a>'
             '<div class="share-buttons">Share this tweet</div></blockquote></div>')
    page = (f'<html><body><article>{paras[:300]}{tweet}{paras[300:]}'
            '<div class="social-share">Share on Facebook</div></article></body></html>')
    result = Scrubber().scrub_html(page)
    assert "Oh, no. It seems the rest of the campaigns are just as bad as this one." in result.text
    assert "Mike Beauvais (@MikeBeauvais)" in result.text
    gone = {r.text.strip(): r.rule_id for r in result.removals}
    assert gone.get("Share on Facebook") == "DOM-SHARE-001"
    assert gone.get("Share this tweet") == "DOM-SHARE-001"


def test_dom_rules_validation(tmp_path: Path) -> None:
    from scrubber.errors import PackError

    bad = tmp_path / "content.toml"
    bad.write_text('[[rule]]\nid = "DOM-X-001"\ncategory = "content"\ntokens = ["x"]\n'
                   'examples.remove = ["<div class=x>a</div>"]\n')
    with pytest.raises(PackError, match="content rule"):
        load_rules(bad)

    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "DOM-X-001"\ncategory = "nav"\ncolour = "red"\ntokens = ["x"]\n')
    with pytest.raises(PackError, match="colour"):
        load_rules(bad)
    bad.write_text('[[rule]]\nid = "nope"\ncategory = "nav"\ntokens = ["x"]\n')
    with pytest.raises(PackError, match="id"):
        load_rules(bad)
    bad.write_text('[[rule]]\nid = "DOM-X-001"\ncategory = "nav"\n')
    with pytest.raises(PackError, match="tokens"):
        load_rules(bad)


def test_upper_case_markup_renders_like_lower_case(s: Scrubber) -> None:
    # render() relies on the parser's lower-cased tag names (no .lower() per element).
    lower = "<html><body><nav><ul><li><a href='/'>Home</a></li></ul></nav><div><p>{}</p></div></body></html>"
    upper = "<HTML><BODY><NAV><UL><LI><A HREF='/'>Home</A></LI></UL></NAV><DIV><P>{}</P></DIV></BODY></HTML>"
    body = "A paragraph of body text that is long enough to be the main content of the page, " * 3
    a = s.scrub_html(lower.format(body))
    b = s.scrub_html(upper.format(body))
    assert a.text == b.text and [r.rule_id for r in a.removals] == [r.rule_id for r in b.removals]
    root = parse(upper.format(body))
    assert root is not None and {u.tag for u in render(root, builtin_rules())} <= {"li", "p"}


def test_headline_repeating_the_title_moves_into_the_title(s: Scrubber, article: bytes) -> None:
    result = s.scrub_html(article, url=ARTICLE_URL)
    assert result.title == "Rivers Return to the Valley"
    assert not result.text.startswith("Rivers Return")
    assert any(r.rule_id == "TITLE-001" and r.text.strip() == result.title for r in result.removals)
    assert replay(result.source, result.removals) == result.text
    # A first line that is not the title stays in the text.
    other = s.scrub_html("<html><head><title>Site name</title></head><body><h1>Another headline "
                         "here</h1><p>" + "Body text of the page, long enough to be kept. " * 6
                         + "</p></body></html>")
    assert other.text.startswith("Another headline here")
