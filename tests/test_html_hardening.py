"""Issue 5 (hardening), HTML: encodings, bad bytes and hostile pages through ``scrub_html``.

Written against the public ``scrubber.scrub_html`` API. The risky pages (deep nesting,
huge element counts, binary garbage, 20 MB, 100 MB) run in a subprocess through
benchmarks/hardening_matrix.py: a result or a typed error, no hang, no crash, < 1 GB.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scrubber
from benchmarks import hardening_matrix
from scrubber import Config, InputTypeError, LimitError, Scrubber, ScrubberError, replay

ROOT = Path(__file__).resolve().parent.parent


MATRIX = hardening_matrix
PACKS = MATRIX.available_packs()
S = Scrubber(Config(packs=PACKS))

# Paragraphs in each script, long enough for detection to work without a declaration.
TEXTS = {
    "zh_hans": [
        "这是一篇关于城市交通的长篇报道，记者走访了多个社区，采访了司机、乘客和规划专家，"
        "他们都认为公共交通需要更多投资，而且线路规划应该更加贴近居民的实际需要。",
        "专家指出，过去十年里城市人口增长很快，但是地铁和公交线路的建设速度明显跟不上，"
        "早晚高峰时段车厢拥挤不堪，很多人不得不提前一个小时出门，生活质量因此下降。",
        "市政府表示，明年将启动三条新线路的建设，同时优化现有公交网络，并且鼓励市民"
        "选择步行和骑行等绿色出行方式，以减少道路拥堵和空气污染。",
    ],
    "zh_hant": [
        "這是一篇關於城市交通的長篇報導，記者走訪了多個社區，採訪了司機、乘客和規劃專家，"
        "他們都認為公共交通需要更多投資，而且路線規劃應該更加貼近居民的實際需要。",
        "專家指出，過去十年裡城市人口增長很快，但是捷運和公車路線的建設速度明顯跟不上，"
        "早晚尖峰時段車廂擁擠不堪，很多人不得不提前一個小時出門，生活品質因此下降。",
        "市政府表示，明年將啟動三條新路線的建設，同時優化現有公車網路，並且鼓勵市民"
        "選擇步行和騎行等綠色出行方式，以減少道路擁堵和空氣污染。",
    ],
    "ja": [
        "これは都市の交通についての長い記事です。記者は多くの地域を訪ね、運転手や乗客、"
        "そして計画の専門家に話を聞きました。公共交通にはもっと投資が必要だと皆が考えています。",
        "専門家によると、この十年で都市の人口は急速に増えましたが、地下鉄やバスの路線の"
        "建設は追いついていません。朝と夕方の混雑はひどく、多くの人が一時間早く家を出ています。",
        "市役所は来年、三つの新しい路線の建設を始めると発表しました。同時に既存のバス網を"
        "見直し、徒歩や自転車での移動を市民に勧めて、渋滞と大気汚染を減らすとしています。",
    ],
    "ko": [
        "이것은 도시 교통에 관한 긴 기사입니다. 기자는 여러 동네를 찾아가 운전자와 승객, "
        "그리고 계획 전문가들을 만났습니다. 모두 대중교통에 더 많은 투자가 필요하다고 말했습니다.",
        "전문가들에 따르면 지난 십 년 동안 도시 인구는 빠르게 늘었지만 지하철과 버스 노선의 "
        "건설은 따라가지 못했습니다. 출퇴근 시간의 혼잡은 심각하고 많은 사람들이 한 시간 일찍 집을 나섭니다.",
        "시청은 내년에 세 개의 새 노선 건설을 시작한다고 발표했습니다. 동시에 기존 버스망을 "
        "개선하고 시민들에게 걷기와 자전거 이용을 권장하여 교통 체증과 대기 오염을 줄일 계획입니다.",
    ],
    "western": [
        "The café’s owner said “business is booming” — a remark that surprised the reporters, "
        "who had heard for months that the old quarter was losing its shops to the new mall.",
        "Naïve façades, crème brûlée on every menu and a €5 espresso: the street has changed, "
        "the résumé of its residents too, and the council’s plan promises even more of it.",
        "Müller, the baker, disagreed: “We pay twice the rent for half the customers,” he said, "
        "adding that the œuvre of the planners was a street for tourists, not for neighbours.",
    ],
}
ENCODINGS = [
    ("utf-8", "zh_hans"),
    ("gb18030", "zh_hans"),
    ("big5", "zh_hant"),
    ("shift_jis", "ja"),
    ("euc-kr", "ko"),
    ("windows-1252", "western"),
    ("utf-16", "zh_hant"),  # Python's utf-16 codec writes a BOM
    ("utf-16", "western"),
]
DECLARATIONS = {
    "meta-charset": '<meta charset="{enc}">',
    "http-equiv": '<meta http-equiv="Content-Type" content="text/html; charset={enc}">',
    "none": "",
}


def page(paras: list[str], head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<!DOCTYPE html><html><head>{head}<title>City transport</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>City transport</h1>{body}</article>"
            f"<footer>(c) 2024 Example</footer></body></html>")


def _check(result: scrubber.Result) -> None:
    assert replay(result.source, result.removals) == result.text
    for r in result.removals:
        assert result.source[r.start : r.end] == r.text
    json.dumps(result.to_dict())


@pytest.mark.parametrize("declared", list(DECLARATIONS))
@pytest.mark.parametrize(("encoding", "lang"), ENCODINGS, ids=[f"{e}-{lang}" for e, lang in ENCODINGS])
def test_encodings_decode_right(encoding: str, lang: str, declared: str) -> None:
    if encoding == "utf-16" and declared != "none":
        # a UTF-16 page declares itself with its BOM; an ASCII <meta> inside it is UTF-16 too
        head = DECLARATIONS[declared].format(enc="utf-16")
    else:
        head = DECLARATIONS[declared].format(enc=encoding)
    paras = TEXTS[lang]
    raw = page(paras, head).encode(encoding)
    result = S.scrub_html(raw, "https://example.com/a")
    _check(result)
    assert "\ufffd" not in result.source
    for para in paras:
        assert para in result.source, (encoding, declared, result.flags, result.source[:300])
    assert paras[1] in result.text, result.explain()


def test_str_input_is_not_decoded_again() -> None:
    paras = TEXTS["zh_hant"]
    result = S.scrub_html(page(paras, '<meta charset="gb2312">'))
    assert all(p in result.source for p in paras)


@pytest.mark.parametrize("bad", [None, 42, 4.2, ["<p>x</p>"], {"html": "x"}, object(), memoryview(b"<p>")])
def test_non_text_is_a_typed_type_error(bad: object) -> None:
    for call in (S.scrub_html, lambda x: scrubber.scrub_html(x, packs=PACKS)):
        with pytest.raises(InputTypeError, match="bytes or str") as info:
            call(bad)
        assert isinstance(info.value, TypeError) and isinstance(info.value, ScrubberError)


@pytest.mark.parametrize("raw", [b"", "", b"   \n\t", "  \n ", b"\xef\xbb\xbf", b"\xff\xfe", b"<html></html>",
                                 b"<!-- only a comment -->", b"<script>var a = '<p>x</p>';</script>"])
def test_empty_pages(raw: bytes | str) -> None:
    result = S.scrub_html(raw)
    _check(result)
    assert result.text == ""


def test_invalid_utf8_is_replaced_not_raised() -> None:
    paras = TEXTS["zh_hans"]
    raw = page(paras, '<meta charset="utf-8">').encode("utf-8")
    raw = raw.replace("记者".encode(), b"\xff\xfe\xc3\x28", 1)
    result = S.scrub_html(raw)
    _check(result)
    assert paras[1] in result.source and paras[2] in result.source


def test_nul_and_control_characters() -> None:
    paras = TEXTS["western"]
    html = page(paras).replace("<article>", "<article>\x00\x01\x1b[31m<p>\x00</p>\x7f")
    for raw in (html, html.encode("utf-8")):
        result = S.scrub_html(raw)
        _check(result)
        assert "\x00" not in result.text and paras[0] in result.text


def test_lone_surrogates_in_str() -> None:
    paras = TEXTS["western"]
    result = S.scrub_html(page(paras).replace("<article>", "<article><p>x \ud800 y \udfff</p>"))
    _check(result)
    assert paras[0] in result.source


def test_script_style_and_hidden_text_never_reach_the_output() -> None:
    paras = TEXTS["western"]
    html = page(paras).replace(
        "<article>",
        "<article><script>SECRET_SCRIPT()</script><style>.secretstyle{}</style>"
        "<template><p>SECRET_TEMPLATE</p></template><p hidden>SECRET_HIDDEN</p>"
        "<div style='display:none'>SECRET_NONE</div><noscript>SECRET_NOSCRIPT</noscript>",
    )
    result = S.scrub_html(html)
    assert "SECRET" not in result.source and "secretstyle" not in result.source


def test_entities_are_not_resolved_externally(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    html = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            f"<html><body><article><p>{TEXTS['western'][0]} &xxe;</p></article></body></html>")
    result = S.scrub_html(html.encode())
    assert "TOP-SECRET" not in result.source


def test_json_and_xml_passed_as_html() -> None:
    for raw in (MATRIX._json_page().encode()[:200_000], MATRIX._xml_page().encode()[:200_000]):
        result = S.scrub_html(raw)
        _check(result)


def test_size_limit_counts_bytes() -> None:
    s = Scrubber(Config(packs=PACKS, max_input_chars=1000))
    s.scrub_html(b"<p>" + b"a" * 990 + b"</p>")
    with pytest.raises(LimitError, match="max_input_chars"):
        s.scrub_html(b"<p>" + b"a" * 1000 + b"</p>")
    with pytest.raises(LimitError):
        s.scrub_html("<p>" + "ä" * 1000 + "</p>")


# --------------------------------------------------------------------------- subprocess matrix

HTML_CASES = [c for c in MATRIX.CASES if c.api == "html"]
SLOW = {"html_100k_nested_divs", "html_45k_br", "html_1m_tiny_elements", "html_20mb_article", "html_100mb",
        "html_pdf_bytes", "html_png_bytes", "html_json", "html_xml"}


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.slow) if c.name in SLOW else c for c in HTML_CASES],
    ids=[c.name for c in HTML_CASES],
)
def test_matrix_case_is_bounded(case) -> None:
    record = MATRIX.run_case(case.name, timeout=MATRIX.TIMEOUT)
    assert MATRIX.acceptable(record, case.expect), record
    assert record["rss_mb"] < MATRIX.MAX_RSS_MB, record


def test_a_lone_surrogate_in_a_str_page_becomes_the_replacement_character(scrubber: Scrubber) -> None:
    """A str can hold a lone surrogate (a "\\ud800" escape in scraped JSON); lxml cannot. It
    became "?", a character the page did not have; now U+FFFD marks the damage."""
    body = "The quick brown fox {} jumps over the lazy dog, again and again, for a long time in the sun."
    page = "<html><body><article><p>{}</p></article></body></html>"
    result = scrubber.scrub_html(page.format(body.format("\ud800")))
    assert result.text == body.format("\ufffd")


# Short pages detection misreads (charset_normalizer: GBK as Big5 or CP949, ISO-8859-2 as ISO-8859-10,
# KOI8-R as Shift-JIS), with no <meta> charset: the HTTP header's charset decodes them.
SHORT_PAGES = [
    ("gbk", "<html><body><p>简体中文</p></body></html>"),
    ("iso-8859-2", "<html><body><p>Zażółć gęślą jaźń. Dzisiaj w Łodzi odbyło się spotkanie mieszkańców.</p></body></html>"),
    ("koi8-r", "<html><body><p>Это короткий абзац.</p></body></html>"),
]


@pytest.mark.parametrize(("label", "page_text"), SHORT_PAGES)
def test_the_transport_charset_decodes_what_detection_misreads(label: str, page_text: str) -> None:
    from scrubber.fronts.decode import decode_bytes

    raw = page_text.encode(label)
    assert decode_bytes(raw)[0] != page_text  # (the case: detection alone gets it wrong)
    text, flags = decode_bytes(raw, label.upper())
    assert text == page_text and "charset:transport" in flags
    body = page_text.split("<p>")[1].split("</p>")[0]
    assert body in S.scrub_html(raw, charset=f" {label} ").source
    assert body in scrubber.scrub_html(raw, charset=label, packs=PACKS).source


def test_the_transport_charset_goes_first_but_not_blindly() -> None:
    """BOM > transport > <meta> > detection; a Western transport label on valid UTF-8 reads
    as UTF-8 (servers default to ISO-8859-1); a label the bytes do not fit, or an unknown
    one, leaves the page's own declaration to decide."""
    from scrubber.fronts.decode import decode_bytes

    zh = "<html><head><meta charset='gbk'></head><body><p>中文新闻报道</p></body></html>"
    assert decode_bytes(zh.encode("gbk"), "utf-8")[0] == zh  # (not UTF-8: the <meta> decides)
    assert "charset_invalid:utf-8" in decode_bytes(zh.encode("gbk"), "utf-8")[1]
    assert decode_bytes(zh.encode("gbk"), "no-such-charset")[0] == zh
    utf8 = "<html><body><p>Déjà vu, naïve café</p></body></html>"
    assert decode_bytes(utf8.encode(), "iso-8859-1") == (utf8, ["decoded:utf-8", "charset_mislabelled:cp1252",
                                                                 "charset:transport"])
    assert decode_bytes(b"\xef\xbb\xbf" + utf8.encode(), "gbk")[0] == utf8  # (the BOM first)
    latin = "<html><head><meta charset='utf-8'></head><body><p>Déjà vu</p></body></html>"
    assert decode_bytes(latin.encode("cp1252"), "windows-1252")[0] == latin  # (the header over the <meta>)


_PAGE = ("<html><body><article><p>" + "The quick brown fox jumps over the lazy dog. " * 30
         + "</p></article></body></html>").encode()


@pytest.mark.parametrize("kind", ["gzip", "png", "jpeg", "pdf", "zip", "random", "random-after-space"])
def test_binary_bytes_are_no_page(kind: str) -> None:
    """Bytes that are no text at all (a gzip body without its Content-Encoding, an image or
    a PDF served as text/html: common in crawls) gave pages of mojibake as clean text (13 KB
    of it from 20 KB of random bytes); now an empty Result flagged ``html:binary``."""
    import gzip
    import random

    noise = random.Random(5).randbytes(20_000)
    raw = {"gzip": gzip.compress(_PAGE), "png": b"\x89PNG\r\n\x1a\n" + noise, "jpeg": b"\xff\xd8\xff\xe0" + noise,
           "pdf": b"%PDF-1.4\n" + noise, "zip": b"PK\x03\x04" + noise, "random": noise,
           "random-after-space": b"\n  " + noise}[kind]
    result = S.scrub_html(raw)
    assert result.text == "" and result.source == "" and "html:binary" in result.flags, result.flags


def test_a_page_with_some_bad_bytes_is_still_a_page() -> None:
    """Replacement characters in a page that is text (a few bytes broken, a charset nothing
    decodes cleanly) do not make it binary."""
    broken = _PAGE.replace(b"lazy", b"l\xffzy", 5)
    result = S.scrub_html(broken)
    assert "html:binary" not in result.flags and "The quick brown fox" in result.text
    cyrillic = "<html><body><p>" + "Это длинный абзац на русском языке о погоде и городе. " * 10 + "</p></body></html>"
    result = S.scrub_html(cyrillic.encode("utf-8")[:-40] + b"\xd0")  # (cut inside a character)
    assert "html:binary" not in result.flags and "русском языке" in result.text


def test_charset_and_url_arguments() -> None:
    """``charset`` takes a label or a whole Content-Type value; ``url`` and ``charset`` of
    another type are a typed error (they were an AttributeError or a TypeError from deep
    inside)."""
    raw = SHORT_PAGES[0][1].encode("gbk")
    body = SHORT_PAGES[0][1].split("<p>")[1].split("</p>")[0]
    assert body in S.scrub_html(raw, charset="text/html; charset=GBK").source
    for bad in ({"charset": 936}, {"charset": b"gbk"}, {"url": 7}, {"url": b"https://e.com/"}):
        with pytest.raises(InputTypeError):
            S.scrub_html(raw, **bad)


def test_a_single_byte_label_does_not_turn_other_text_to_mojibake() -> None:
    """Every byte means some character in a single-byte charset, so its label "fits" bytes
    of any kind: valid UTF-8 under a Cyrillic label reads as UTF-8 (as under a Western one),
    and a server's default ISO-8859-1 header gives way to the page's own multi-byte <meta>
    under which the bytes decode cleanly (GBK pages behind old Apache defaults)."""
    from scrubber.fronts.decode import decode_bytes

    zh = "北京时间今天上午，国家统计局发布了最新的经济数据，显示经济运行总体平稳。" * 3
    utf8_as_cyrillic = f'<html><head><meta charset="windows-1251"></head><body><p>{zh}</p></body></html>'
    text, flags = decode_bytes(utf8_as_cyrillic.encode())
    assert zh in text and "charset_mislabelled:cp1251" in flags
    gbk_page = f'<html><head><meta charset="gb2312"></head><body><p>{zh}</p></body></html>'
    text, flags = decode_bytes(gbk_page.encode("gbk"), "ISO-8859-1")
    assert zh in text and "decoded:gb18030" in flags
    ru = "Это длинный абзац на русском языке о погоде и городе. " * 3
    genuine = f'<html><head><meta charset="windows-1251"></head><body><p>{ru}</p></body></html>'
    assert decode_bytes(genuine.encode("cp1251"))[0] == genuine  # (a page the label fits stays so)
    assert decode_bytes(genuine.encode("cp1251"), "windows-1251")[0] == genuine


def test_a_western_http_label_on_text_that_is_mostly_not_western() -> None:
    """A server's default ISO-8859-1 on a GBK page with no <meta>: a Western page is mostly
    ASCII, so bytes mostly beyond it under a Western label go to detection (a French page
    under the same label stays Western)."""
    from scrubber.fronts.decode import decode_bytes

    zh = "北京时间今天上午，国家统计局发布了最新的经济数据，显示经济运行总体平稳。" * 3
    page = f"<html><body><p>{zh}</p></body></html>"
    text, flags = decode_bytes(page.encode("gbk"), "iso-8859-1")
    assert zh in text and "charset:detected" in flags
    fr = "<html><body><p>" + "Le café de la rue Saint-Honoré était fermé ce matin, à cause de la grève. " * 3 + "</p></body></html>"
    assert decode_bytes(fr.encode("cp1252"), "iso-8859-1") == (fr, ["decoded:cp1252", "charset:transport"])


def test_a_few_latin_accents_are_not_taken_for_broken_utf8() -> None:
    """A page with no declared charset, cp1252 with one or two accented letters, is not
    valid UTF-8 for as few bytes as a UTF-8 page cut inside a character: what tells them
    apart is the rest -- the cut page has valid UTF-8 characters, this one none."""
    from scrubber.fronts.decode import decode_bytes

    for words in ("Le café est ouvert", "Le café est fermé"):
        page = f"<html><body><p>{words}, the rest is plain English text for the page here.</p></body></html>"
        assert decode_bytes(page.encode("cp1252"))[0] == page


@pytest.mark.parametrize(("encoding", "meta", "transport"), [
    ("cp1252", None, "utf-8"), ("cp1252", "windows-1252", "utf-8"),  # (an accent or two: not 'UTF-8 but for a byte')
    ("cp1251", "windows-1251", "iso-8859-1"), ("koi8-r", "koi8-r", "windows-1251"),  # (the page's own <meta> first)
    ("gbk", "gb2312", "iso-8859-1"), ("utf-8", "gb2312", "utf-8"),  # (a stale <meta> under the right header)
])
def test_a_wrong_http_label_does_no_harm_where_the_page_says_better(encoding: str, meta: str | None,
                                                                    transport: str) -> None:
    """Servers send defaults as readily as the right label; measured against the decoder
    without the HTTP label (this session's start) on 14 languages: never worse where the
    label is ISO-8859-1 or UTF-8 but for a short Polish page, and where the page has a
    <meta> of its own. These are the cases that went wrong on the way."""
    from scrubber.fronts.decode import decode_bytes

    body = {"cp1252": "Die Straße in München ist heute gesperrt.", "cp1251": "Это короткий абзац о погоде.",
            "koi8-r": "Это короткий абзац о погоде.", "gbk": "北京时间今天上午，国家统计局发布了最新的经济数据。",
            "utf-8": "北京时间今天上午，国家统计局发布了最新的经济数据。"}[encoding]
    head = f'<meta charset="{meta}">' if meta else ""
    page = f"<html><head>{head}</head><body><p>{body}</p></body></html>"
    assert body in decode_bytes(page.encode(encoding), transport)[0]


@pytest.mark.parametrize("label", ["rot13", "base64", "hex", "zlib", "idna", "punycode", "undefined", "bz2"])
def test_a_charset_label_naming_no_charset_of_text_is_ignored(label: str) -> None:
    """Python's codecs include transforms and codecs that cannot decode a page; a page (or
    its transport) naming one is read as if it named none, never an exception (a fuzz run
    found LookupError, UnicodeError and UnicodeDecodeError here)."""
    body = "<p>Café owners on the river say the summer was the busiest in ten years.</p>"
    page = f'<html><head><meta charset="{label}"></head><body>{body}</body></html>'.encode()
    for result in (S.scrub_html(page), S.scrub_html(body.encode(), charset=label),
                   S.scrub_html(body.encode(), charset=f"text/html; charset={label}\x00")):
        assert "Café owners on the river" in result.text
        assert "decoded:utf-8" in result.flags


def test_pattern_stripping_takes_invisible_elements_as_a_browser_hides_them() -> None:
    """The fallback for pages too deep for the tree strips invisible elements and comments
    (same output as a plain, quadratic reading on random mixes of openers, closers and
    text), in linear time. An opener never closed: a raw-text one (script, style, title,
    textarea, a comment) hides the rest of the page, as in a browser (an unclosed <script>
    let 'var SECRET=1;' into the text); any other keeps the text after it."""
    import random
    import re

    from scrubber.fronts.html import _INVISIBLE_KINDS, _RAW_TEXT, _strip_invisible

    opener = re.compile(rf"<({'|'.join(_INVISIBLE_KINDS)})\b|<!--", re.I)

    def plain(page: str) -> str:
        out, i = "", 0
        while (m := opener.search(page, i)) is not None:
            kind = (m.group(1) or "--").lower()
            closer = re.compile("-->" if kind == "--" else rf"</{kind}\s*>", re.I).search(page, m.end())
            if closer is not None:
                out, i = out + page[i : m.start()] + " ", closer.end()
            elif kind in _RAW_TEXT:
                return out + page[i : m.start()]
            else:
                out, i = out + page[i : m.end()], m.end()
        return out + page[i:]

    parts = ["<script>", "</script>", "<SCRIPT type=x>", "</script >", "<style>", "</style>", "<!--", "-->",
             "<noscript>", "</noscript>", "<template>", "</template>", "<svg>", "</svg>", "<select>",
             "</select>", "<title>", "</title>", "text ", "<p>", "<scriptx>", "<header>", "<!-", "->"]
    rng = random.Random(5)
    for _ in range(3000):
        page = "".join(rng.choice(parts) for _ in range(rng.randint(0, 30)))
        assert _strip_invisible(page) == plain(page), page
    page = "<p>first</p>" + "<template>" * 9000 + "<p>last words</p>"
    result = scrubber.scrub_html(page)
    assert "html:too_deep" in result.flags and "last words" in result.text


@pytest.mark.parametrize("shape", ["deep", "many"])
def test_the_fallback_for_huge_trees_cleans_as_the_tree_does(shape: str) -> None:
    """Pages too deep or with too many elements for the tree are read by pattern; that path
    let NULs, control characters and lone surrogates into the text, and the content of
    textarea, select, svg and an unclosed script; the title was a body line."""
    body = "Body text long enough to be kept, with a comma, and a full stop. "
    pad = "<div>" * 5000 if shape == "deep" else "<span>a</span>" * 210_000
    page = (f"<html><head><title>The title</title></head><body>{pad}<p>a\x00b\x01c \ud800 {body}</p>"
            "<textarea>TA</textarea><select><option>OPT</option></select><svg><text>SVG</text></svg>"
            "<p>more words here</p><script>var SECRET=1;")
    result = scrubber.scrub_html(page)
    assert {"deep": "html:too_deep", "many": "html:too_many_elements"}[shape] in result.flags
    assert "ab" in result.text and "\ufffd" in result.text and body.strip() in result.text
    assert not any(ch in result.text for ch in "\x00\x01\ud800")
    assert not any(word in result.text for word in ("TA", "OPT", "SVG", "SECRET", "The title"))
    assert "more words here" in result.text and result.title == "The title"
    result.text.encode("utf-8")


_RU = "<html><body><p>Это длинный текст статьи на русском языке, с запятыми и точкой.</p></body></html>"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_byte_order_mark_are_read_as_such(codec: str) -> None:
    """Markup in UTF-16 is valid UTF-8 too (NUL is a character): read as UTF-8, a Russian
    page came out as '-B> 4;8==K9 ...' flagged 'decoded:utf-8'. Where the NUL bytes lie
    says which; an HTTP 'utf-16' label (no byte order) is read the same way, and on bytes
    with no NULs the label is wrong."""
    raw = _RU.encode(codec)
    result = S.scrub_html(raw)
    assert "русском языке" in result.text and f"decoded:{codec}" in result.flags
    if codec.startswith("utf-16"):
        sent = S.scrub_html(raw, charset="utf-16")
        assert "русском языке" in sent.text and f"decoded:{codec}" in sent.flags
    wrong = S.scrub_html(_RU.encode("utf-8"), charset="utf-16")
    assert "русском языке" in wrong.text and "charset_invalid:utf-16" in wrong.flags


@pytest.mark.parametrize("label", ["utf-16le", "UTF-16BE", "utf_16", "utf-32", "cp037", "cp500"])
def test_a_meta_label_of_an_ascii_incompatible_encoding_is_not_obeyed(label: str) -> None:
    """A <meta> read as ASCII is in no UTF-16 (browsers read such a label as UTF-8) nor in
    EBCDIC: obeyed, 'utf-16le' turned a page into '格浴㹬格慥...' and 'cp037' overrode the
    right HTTP charset."""
    body = "<p>Voilà un texte assez long, écrit en français, avec des accents.</p>"
    page = f'<html><head><meta charset="{label}"></head><body>{body}</body></html>'
    assert "écrit en français" in S.scrub_html(page.encode("utf-8")).text
    sent = S.scrub_html(page.encode("cp1252"), charset="windows-1252")
    assert "écrit en français" in sent.text and "decoded:cp1252" in sent.flags


def test_utf8_under_a_gbk_label_is_read_as_utf8() -> None:
    """GB18030 decodes most UTF-8 with a replacement or two, under the share of bad bytes a
    declared charset is allowed: a UTF-8 page labelled gbk came out as '杩欐槸涓...'. Valid
    UTF-8 beyond a few characters is UTF-8 under a multi-byte label too; GBK text stays GBK."""
    zh = "这是一篇很长的中文文章正文，说明了事情的来龙去脉，也交代了背景。"
    page = f'<html><head><meta charset="gbk"><title>标题</title></head><body><p>{zh}</p></body></html>'
    result = S.scrub_html(page.encode("utf-8"))
    assert result.title == "标题" and zh in result.text
    assert "decoded:utf-8" in result.flags and "charset_mislabelled:gb18030" in result.flags
    genuine = S.scrub_html(page.encode("gbk"))
    assert zh in genuine.text and "decoded:gb18030" in genuine.flags


def test_a_page_of_very_many_units_is_not_handed_to_trafilatura(monkeypatch) -> None:
    """A page of 120,000 tiny paragraphs (under 1 MB) spent 14 s in ``main_content="auto"``,
    most of it in trafilatura, consulted because the scorer was unsure: past LARGE_UNITS
    units the scorer decides alone, as past LARGE_TEXT characters."""
    from scrubber.fronts import html as front

    called = []
    monkeypatch.setattr(front, "run_trafilatura", lambda *a, **k: called.append(1) or [])
    page = "".join(f"<p>line {i}</p>" for i in range(front.LARGE_UNITS + 10))
    result = S.scrub_html(page)
    assert "main:density-large" in result.flags and called == []


@pytest.mark.parametrize("label", ["rot13", "base64", "x-user-defined", "bogus", "text/html; charset=zzz"])
def test_a_transport_label_that_names_no_charset_is_flagged(label: str) -> None:
    """It was dropped without a word (a 'utf-7' label, by contrast, was flagged)."""
    result = S.scrub_html("<p>Café owners on the river say the summer was busy.</p>".encode(), charset=label)
    assert "Café owners" in result.text and "decoded:utf-8" in result.flags
    assert any(f.startswith("charset_unknown:") for f in result.flags), result.flags
