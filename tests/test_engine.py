"""Folding, matching and the passes, each on small inputs."""

from __future__ import annotations

import pytest

from scrubber import Config, PackError, scrub
from scrubber.engine.fold import fold, key
from scrubber.engine.matcher import phrase_matcher


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("點擊關閉提示", "点击关闭提示"), ("ＮＥＸＴ　Ａｒｔｉｃｌｅ", "next article"), ("【喜歡就按個贊吧!!!】", "喜欢就按个赞吧")],
)
def test_key_folds_width_case_script_and_edges(raw: str, folded: str) -> None:
    assert key(raw) == folded


def test_fold_keeps_length() -> None:
    text = "Ｆｕｌｌ　ｗｉｄｔｈ 點擊 ẞtraße İstanbul 🙂 ㈱ ﬁ"
    assert len(fold(text)) == len(text)


def test_every_blank_character_folds_to_a_space() -> None:
    """What split_text strips as blank (text.BLANK) is a space to the rules: a phrase
    matches across a vertical tab, U+0085 or U+2028 as across a tab or NBSP."""
    from scrubber.fronts.text import BLANK

    assert fold(BLANK) == " " * len(BLANK)


@pytest.mark.parametrize("pure", [False, True])
@pytest.mark.parametrize("blank", ["\t", "\u00a0", "\x0b", "\x0c", "\x1f", "\x85", "\u2028", "\u2029"])
def test_a_rule_matches_across_any_blank_character(blank: str, pure: bool) -> None:
    from scrubber import Scrubber

    body = ("The city council met on Tuesday evening to discuss the proposed changes to the "
            "public transport network, which have been debated for years.")
    line = f"Share{blank}this article"
    result = Scrubber(_pure=pure).scrub(f"{body}\n{line}\n{body.replace('city', 'town')}")
    assert [r.rule_id for r in result.removals] == ["EN-SHR-001"], result.explain()


@pytest.mark.parametrize("pure", [False, True])
def test_matcher_finds_overlapping_occurrences(pure: bool) -> None:
    m = phrase_matcher(["ab", "b", "abc", "相关"], pure=pure)
    assert sorted(m.find("xabc相关ab")) == [(0, 1), (0, 6), (1, 2), (1, 7), (2, 1), (3, 4)]


def test_matcher_conformance_on_real_phrases(scrubber) -> None:
    phrases = [p for r in scrubber.rules.rules if r.match in ("prefix", "contains") for p in r.phrases]
    fast, pure = phrase_matcher(phrases), phrase_matcher(phrases, pure=True)
    texts = [key(r.examples_remove[0]) for r in scrubber.rules.rules if r.examples_remove]
    texts += [key(t) for r in scrubber.rules.rules for t in r.examples_keep]
    for text in texts:
        assert sorted(fast.find(text)) == sorted(pure.find(text))


def test_short_repeated_lines_are_kept() -> None:
    doc = "A long enough paragraph of body text, with punctuation, to look like prose.\n\nYes\nNo\nYes\nNo\n"
    assert scrub(doc).text.count("Yes") == 2


def test_exact_and_contained_repeats_go() -> None:
    para = "這是一段很長的正文段落，講述了一個完整的故事，而且這個故事還有很多細節值得一讀，讀完以後還會想再讀一遍。"
    doc = f"{para}\n\n第二段也是正文，內容不同，但同樣足夠長，也有完整的標點符號。\n\n{para}\n\n{para[10:]}\n"
    result = scrub(doc)
    assert result.text.count("講述了一個完整的故事") == 1
    assert [r.rule_id for r in result.removals] == ["DUP-001", "DUP-002"]


_QUESTIONS = ["What was the first record you bought with your own money?",
              "Which song would you take to a desert island, and why?"]
_ANSWERS = [f"Guest {n} answered at length: the story of {w}, told with care and detail."
            for n, w in enumerate(["a summer job", "an old radio", "a sister", "a long drive", "a shop",
                                   "a teacher"])]


@pytest.mark.parametrize("pure", [False, True])
def test_a_documents_repeated_structure_is_kept(pure: bool) -> None:
    """Three guests asked the same two questions: each question has an answer of its own
    between its copies, so it is the document's template, not a repeat (dedup.keep_templates)."""
    from scrubber import Scrubber

    blocks = [b for g in range(3) for pair in zip(_QUESTIONS, _ANSWERS[2 * g : 2 * g + 2], strict=True) for b in pair]
    result = Scrubber(_pure=pure).scrub("\n\n".join(blocks))
    assert not [r for r in result.removals if r.category == "duplicate"]
    assert result.text.count(_QUESTIONS[0]) == 3


@pytest.mark.parametrize("pure", [False, True])
def test_an_interview_with_short_answers_keeps_its_questions(pure: bool) -> None:
    """Guests' names and answers too short to compare (under dup_min_chars) still stand
    between the copies of the questions: each question is kept three times."""
    from scrubber import Scrubber

    q1, q2 = "What is your favourite book, and why?", "Where do you do your best work?"
    doc = "\n".join(["Alice", q1, "Dune.", q2, "At home.", "Bob", q1, "Ulysses.", q2, "In my studio.",
                     "Carol", q1, "Emma.", q2, "On the train."])
    result = Scrubber(_pure=pure).scrub(doc)
    assert (result.text.count(q1), result.text.count(q2)) == (3, 3), result.explain()


@pytest.mark.parametrize("pure", [False, True])
def test_a_page_captured_three_times_with_short_lines_between_loses_its_copies(pure: bool) -> None:
    """The short lines between the copies come with each copy (a menu item, a date): they
    are no line of the document's own, even where a rule took one of their copies."""
    from scrubber import Scrubber

    page = [_QUESTIONS[0], _ANSWERS[0], _QUESTIONS[1], _ANSWERS[1], "Share", "International", "2019"]
    result = Scrubber(_pure=pure).scrub("\n\n".join(page * 3))
    assert result.text.count(_ANSWERS[0]) == 1 and result.text.count(_QUESTIONS[1]) == 1, result.explain()


@pytest.mark.parametrize("pure", [False, True])
@pytest.mark.parametrize("copies", [2, 3])
def test_a_page_captured_again_and_again_loses_its_copies(pure: bool, copies: int) -> None:
    """The same blocks two or three times over: between two copies of a line lie only
    copies of the others -- no line of its own -- so every later copy goes."""
    from scrubber import Scrubber

    page = [_QUESTIONS[0], _ANSWERS[0], _QUESTIONS[1], _ANSWERS[1]]
    result = Scrubber(_pure=pure).scrub("\n\n".join(page * copies))
    assert [r.rule_id for r in result.removals] == ["DUP-001"] * 4 * (copies - 1)
    assert result.text.count(_ANSWERS[0]) == 1


def test_an_interstitial_between_paragraphs_is_still_a_repeat() -> None:
    """One line repeated between every two paragraphs is an ad's or a widget's, not the
    document's structure: its later copies go (TEMPLATE_MIN_LINES)."""
    line = "Article continues below this advertisement"
    result = scrub("\n\n".join(f"{answer}\n\n{line}" for answer in _ANSWERS[:4]))
    assert result.text.count(line) == 1
    assert [r.rule_id for r in result.removals if r.text.strip() == line] == ["DUP-001"] * 3


def test_templates_need_three_copies_each_spaced_by_a_unique_line() -> None:
    from scrubber.engine.passes.dedup import INSIDE, KEPT, REPEATED, keep_templates

    k, r = KEPT, REPEATED
    # Texts 0 and 1 three times each, a unique text between every two copies: kept.
    found, firsts = [k, k, k, r, r, k, r, r, k], [-1, -1, -1, 0, 1, -1, 0, 1, -1]
    assert keep_templates(found, firsts) == [k] * 9
    # Text 0 alone so (an interstitial between paragraphs): a repeat.
    assert keep_templates([k, k, r, k, r], [-1, -1, 0, -1, 0]) == [k, k, r, k, r]
    # Twice only: a repeat.
    assert keep_templates([k, k, r], [-1, -1, 0]) == [k, k, r]
    # One gap without a unique text (only a copy of text 1): a repeat.
    found, firsts = [k, k, r, r, k, r], [-1, -1, 0, 1, -1, 0]
    assert keep_templates(found, firsts) == found
    # A text contained in an earlier one (INSIDE) is no unique text between copies.
    found, firsts = [k, INSIDE, r, k, r], [-1, -1, 0, -1, 0]
    assert keep_templates(found, firsts) == found


@pytest.mark.parametrize("pure", [False, True])
def test_repeats_name_the_earlier_copy(pure: bool) -> None:
    from scrubber import Scrubber
    from scrubber.engine.passes.dedup import KEPT, REPEATED

    texts = ["Alpha line of text", "Beta line of text", "ALPHA  line of text", "beta line of text", "Alpha line of text"]
    firsts = [-1] * len(texts)
    found = Scrubber(_pure=pure).rules.repeats(texts, 40, firsts=firsts)
    assert found == [KEPT, KEPT, REPEATED, REPEATED, REPEATED] and firsts == [-1, -1, 0, 1, 0]


def test_latin_paragraph_repair_joins_with_one_space() -> None:
    doc = ("The committee met on Tuesday to discuss the budget, and after a long debate,\n\n"
           "it decided to postpone the vote until the next session of parliament.\n")
    result = scrub(doc)
    assert result.text == ("The committee met on Tuesday to discuss the budget, and after a long debate, "
                           "it decided to postpone the vote until the next session of parliament.")
    assert [r.category for r in result.removals] == ["repair"]


def test_over_removal_guard_returns_input_untouched() -> None:
    doc = "\n".join(["Share", "Print", "Next Article", "点击关闭提示", "返回顶部"] * 3)
    result = scrub(doc)
    assert "over_removal_guard" in result.flags
    assert result.removals == () and result.removals.rows == ()  # a Removals on every path
    assert result.text == doc


def test_catastrophic_pattern_is_rejected_at_load(tmp_path) -> None:
    pack = tmp_path / "slow.toml"
    pack.write_text('[[rule]]\nid = "SLOW-1"\ncategory = "x"\nmatch = "regex"\n'
                    "pattern = '(a|aa)+$'\nmax_chars = 100000\n", encoding="utf-8")
    with pytest.raises(PackError, match="catastrophic") as info:
        scrub("x", extra_packs=(str(pack),))
    assert info.value.rule_id == "SLOW-1"


def test_a_rule_that_may_not_apply_does_not_stop_the_search_for_one_that_does(tmp_path) -> None:
    """The matcher searches a line's regex rules only up to its first hit that is sure to
    apply (scope anywhere, not cut_rest). A head-scoped rule matching a line after the body
    is no such hit: the later rule must still be searched, found and applied -- and where
    the first hit is sure to apply, it is the one applied."""
    pack = tmp_path / "order.toml"
    pack.write_text(
        '[[rule]]\nid = "ORD-HEAD"\ncategory = "navigation"\nmatch = "regex"\nscope = "head"\n'
        "pattern = '^zorbling \\d+$'\nmax_chars = 40\n"
        '[[rule]]\nid = "ORD-ANY"\ncategory = "footer"\nmatch = "regex"\n'
        "pattern = '^zorbling \\d+$'\nmax_chars = 40\n", encoding="utf-8")
    body = ("The council met on Tuesday and agreed a budget for the coming year, after a long "
            "debate about the roads and the schools of the town.")
    result = scrub(f"zorbling 1\n\n{body}\n\nzorbling 2", extra_packs=(str(pack),))
    assert result.text.strip() == body
    assert [(r.rule_id, r.text.strip()) for r in result.removals] == [("ORD-HEAD", "zorbling 1"),
                                                                      ("ORD-ANY", "zorbling 2")]


def test_regex_time_budget_skips_and_names_the_rule(tmp_path) -> None:
    # Passes the load-time probes (no 'q' in them) but backtracks catastrophically on q-runs.
    pack = tmp_path / "slow.toml"
    pack.write_text('[[rule]]\nid = "SLOW-2"\ncategory = "x"\nmatch = "regex"\n'
                    "pattern = '(q+q+)+y'\nmax_chars = 100000\n", encoding="utf-8")
    doc = "A body paragraph that is long enough to count as prose in the engine.\n\n" + "q" * 5000
    result = scrub(doc, extra_packs=(str(pack),), regex_budget=0.2)
    assert "regex_timeout:SLOW-2" in result.flags
    assert result.text.endswith("q" * 5000)


@pytest.mark.parametrize("error", [MemoryError, RecursionError])
def test_a_user_search_that_fails_for_want_of_stack_skips_its_rule(tmp_path, error: type) -> None:
    """The regex module raises MemoryError when a recursive pattern's backtracking outgrows
    its stack: the rule goes for the rest of the document, as one that timed out, instead
    of the exception escaping scrub()."""
    from scrubber.engine.compile import Budget
    from scrubber.rules.schema import load_pack

    pack = tmp_path / "p.toml"
    pack.write_text('[[rule]]\nid = "DEEP-1"\ncategory = "x"\nmatch = "regex"\n'
                    "pattern = '^zorbling$'\nmax_chars = 40\n", encoding="utf-8")
    rule = load_pack(pack).rules[0]

    class Failing:
        def search(self, text: str, timeout: float | None = None) -> None:
            raise error

        def finditer(self, text: str, timeout: float | None = None) -> list:
            raise error

    budget = Budget(1.0)
    assert budget.search(rule, Failing(), "zorbling") is None
    assert budget.finditer(rule, Failing(), "zorbling") == []
    assert budget.timed_out[0] == "DEEP-1"


def test_a_user_pack_named_like_a_builtin_stays_under_the_budget(tmp_path) -> None:
    pack = tmp_path / "zh.toml"
    pack.write_text('[pack]\nname = "zh"\n[[rule]]\nid = "SLOW-3"\ncategory = "x"\nmatch = "regex"\n'
                    "pattern = '(q+q+)+y'\nmax_chars = 100000\n", encoding="utf-8")
    doc = "A body paragraph that is long enough to count as prose in the engine.\n\n" + "q" * 5000
    result = scrub(doc, extra_packs=(str(pack),), regex_budget=0.2)
    assert "regex_timeout:SLOW-3" in result.flags


def test_comment_section_is_cut_after_enough_body() -> None:
    body = ("The council met on Tuesday and agreed a budget for the coming year, after a debate that "
            "lasted most of the afternoon and touched on roads, schools and the library. ") * 3
    comments = "\n".join(f"Reader {i} wrote a long reply saying they disagreed with the plan, strongly." for i in range(8))
    result = scrub(f"{body}\n\nComments\n{comments}\n")
    assert result.text == body.strip()
    assert {r.rule_id for r in result.removals} == {"COM-CMT-001"}
    assert "over_removal_guard" not in result.flags
    # Too little body before the header: the header alone goes, the rest stays.
    short = scrub(f"Short intro.\n\nComments\n{comments}\n")
    assert "Reader 7 wrote" in short.text


_MENU = ["Home", "World", "Business", "Markets", "Tech", "Science", "Travel", "Sport", "Culture", "Opinion"]
_TEASERS = ["Mayor unveils budget plan", "Storm closes schools across region", "Poll: 6 in 10 back the plan",
            "Local team wins cup final", "New bridge opens to traffic", "Rail strike called off",
            "Council votes on parking fees"]
_JUNK = ["Sign in", "Subscribe", "Share on Facebook", "Share on Twitter", "Privacy Policy", "Terms of Use",
         "Cookie Settings", "Contact Us", "Advertise with us", "Copyright © 2024 Example Media Inc."]


def _full_page(table: list[str]) -> str:
    """A naive scraper's whole page: menus, teaser links and footer around an article whose
    middle is ``table``."""
    body = ["The city museum reopened on Saturday after a two-year renovation that doubled its "
            "exhibition space and added a new wing for contemporary art.",
            "Visitors queued from early morning, and the director said the first week of tickets "
            "had sold out within hours of going on sale last month."]
    after = ["The museum plans late openings on Fridays through the summer, with guided tours in four "
             "languages and a program of talks by the artists whose work is on show."]
    return "\n".join(_MENU + _JUNK[:5] + _TEASERS + body + table + after + _TEASERS[::-1] + _JUNK[5:] + _MENU)


@pytest.mark.parametrize("pure", [False, True])
def test_a_table_of_labelled_numbers_in_a_full_page_scrape_is_no_menu(pure: bool) -> None:
    """The context pass takes runs of three or more short non-sentence lines as menus and
    link lists (CTX-002); rows of a price list ("label: value" holding a number) inside the
    article are data, and end such a run -- two or more in a row: a teaser link alone that
    reads so is still a link. The same rows without numbers are labels: they go."""
    from scrubber import Scrubber
    from scrubber.engine.passes.context import data_row

    scrubber = Scrubber(_pure=pure)
    table = ["Adult ticket: 25 euros", "Child ticket: 12 euros", "Seniors: 18 euros", "Phone: 555 0100",
             "成人票原价：165元"]
    assert all(map(data_row, table))
    result = scrubber.scrub(_full_page(table))
    for row in table:
        assert row in result.text.splitlines()
    runs = [r.text.strip() for r in result.removals if r.rule_id == "CTX-002"]
    assert "Mayor unveils budget plan" in runs  # (the pass ran: the teaser links went)
    assert data_row("Poll: 6 in 10 back the plan") and "Poll: 6 in 10 back the plan" in runs  # (no row beside it)
    labels = ["Adult ticket: ask at the desk", "Child ticket: see website", "Senior ticket: ask at the desk",
              "Phone: see website"]
    assert not any(map(data_row, labels))
    result = scrubber.scrub(_full_page(labels))
    assert {r.text.strip() for r in result.removals if r.rule_id == "CTX-002"} >= set(labels)


@pytest.mark.parametrize("pure", [False, True])
def test_a_list_the_article_introduces_is_no_menu(pure: bool) -> None:
    """A run of short lines inside the article that a line ending in ':' (or an ellipsis)
    introduces, every line four words or more (or ten CJK characters), is a list of the
    article's (tour dates, the points of an argument): it stays. The same lines without the
    introduction, or with a short menu entry among them, are a run of noise (CTX-002)."""
    from scrubber import Scrubber

    dates = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL", "June 10 -- Credit Union Amphitheatre, Tampa, FL",
             "June 14 -- Ameris Bank Amphitheatre, Alpharetta, GA", "June 17 -- Bridgestone Arena, Nashville, TN"]
    scrubber = Scrubber(_pure=pure)
    for intro in ("The band's 50th anniversary tour dates:", "巡演日期如下："):
        result = scrubber.scrub(_full_page([intro, *dates]))
        kept = result.text.splitlines()
        assert intro in kept and all(row in kept for row in dates)
        assert "Mayor unveils budget plan" in {r.text.strip() for r in result.removals if r.rule_id == "CTX-002"}
    for table in (dates, ["The band's 50th anniversary tour dates:", *dates[:2], "Tickets", *dates[2:]]):
        result = scrubber.scrub(_full_page(table))
        assert set(dates) <= {r.text.strip() for r in result.removals if r.rule_id == "CTX-002"}
    # Short items that go on the introduction's sentence (lowercase: "cabbage") are items
    # too; short capitalised entries ("Kabar Islam") stay a menu's, introduced or not.
    foods = ["alcohol in any form", "sugar in any form", "cabbage", "peas", "starchy vegetables"]
    result = scrubber.scrub(_full_page(["Foods you must not eat on this diet:", *foods]))
    assert all(food in result.text.splitlines() for food in foods)
    names = ["Ummati Press", "Salafy Tobat", "Kabar Islam", "Syiar Islam"]
    result = scrubber.scrub(_full_page(["Read the other portals of our network:", *names]))
    assert set(names) <= {r.text.strip() for r in result.removals if r.rule_id == "CTX-002"}


@pytest.mark.parametrize("pure", [False, True])
def test_repeats_alone_do_not_make_a_full_page_scrape(pure: bool) -> None:
    """An extractor's output of a page whose structure repeats (the same short rows under
    each section, some of them repeated whole: dedup takes those) has many short lines and
    many removals, but all of them repeats: the context pass leaves it to the rules. The same
    text with one line a rule takes (a share bar's trace) is a full-page scrape: its runs of
    short lines go (CTX-002)."""
    from scrubber import Scrubber

    intro = ("Three days of training with the same plan each day, built around the workout and two "
             "meals, with the amounts for each meal measured in the portion containers.")
    rows = ["Pre-workout meal, eaten an hour before", "Drink water during the workout, often",
            "Post-workout shake within thirty minutes", "Stretch for ten minutes after training"]
    days = [f"Day {d} of the plan, with its own meal: {meal}."
            for d, meal in zip((1, 2, 3, 4), ("oats and berries", "eggs and toast", "rice and fish", "a salad"),
                               strict=True)]
    body = [intro, *(x for day in days for x in (day, "Rest day", "Light day", "Hard day", *rows))]
    text = "\n".join(body + body[1:7])  # (a second copy of the first day: repeats)
    scrubber = Scrubber(_pure=pure)
    result = scrubber.scrub(text)
    repeats = [r for r in result.removals if r.category == "duplicate"]
    assert len(repeats) >= 8 and not [r for r in result.removals if r.rule_id.startswith("CTX")]
    assert result.text.count("Rest day") == 5
    full_page = scrubber.scrub("\n".join(["Share on Facebook", text]))
    assert [r.rule_id for r in full_page.removals if r.category == "share"] == ["EN-SHR-002"]
    assert "Rest day" in {r.text.strip() for r in full_page.removals if r.rule_id == "CTX-002"}


@pytest.mark.parametrize("pure", [False, True])
def test_a_page_the_packs_barely_know_is_still_a_full_page_scrape(pure: bool) -> None:
    """A Korean news page: forty menu entries no rule knows, an article, and a copyright
    line and a date line that rules take -- two rule removals, fewer than a full-page scrape
    of a covered language leaves. That many noise lines, half of the page, with two rule
    removals still make a full-page scrape: the menus go (CTX-001/002). With one rule
    removal, or thirty menu entries, the page is left to the rules."""
    from scrubber import Scrubber
    from scrubber.engine.passes import context

    menu = [f"{word} {i}" for i, word in enumerate(["뉴스", "드라마", "예능", "영화", "가요", "연예", "공연", "문화"] * 5)]
    article = ["주말 밤 9시 MBC와 SBS는 막장극의 대결로 붙는 경우가 흔하다. 현재 MBC는 이유리 주연의 드라마로 승부를 "
               "보고 있으며 SBS는 다른 드라마가 종영을 앞두고 있다.",
               "다만 이 드라마는 방영을 시작한 지 얼마 되지 않았지만 벌써 지쳐가는 인상이다. 여주인공의 연기는 "
               "그녀의 히트작처럼 감정펀치다. 물론 그때그때 감정의 스파크를 일으키는 연기는 여전히 시선을 끈다."]
    assert len(menu) >= context.NOISY_MIN_NOISE
    notices = ["Copyright ⓒ Entermedia.co.kr. 무단전재 및 재배포 금지", "2019-11-20 12:00"]
    scrubber = Scrubber(_pure=pure)
    result = scrubber.scrub("\n".join(menu + article + notices))
    assert result.text.splitlines() == article
    assert {r.rule_id for r in result.removals} >= {"CTX-002", "COM-LGL-001"}
    one_rule = scrubber.scrub("\n".join(menu + article + notices[:1]))
    assert all(entry in one_rule.text.splitlines() for entry in menu)
    fewer = scrubber.scrub("\n".join(menu[:30] + article + notices))
    assert all(entry in fewer.text.splitlines() for entry in menu[:30])


@pytest.mark.parametrize("pure", [False, True])
def test_a_league_table_does_not_cut_the_article_in_two(pure: bool) -> None:
    """Rows holding three numbers or more are data too (a league table, quotes, a
    timetable), and do not count as a gap between body paragraphs: the short introduction
    above the table stays with the long report below it (as noise rows, the table split
    them, and the introduction, under a quarter of the report, went as CTX-001)."""
    from scrubber import Scrubber

    intro = ("The championship standings after the final race of the season, with points, wins "
             "and pole positions for every driver who started at least one race this year.")
    rows = [f"{i} Driver Number{i} {5040 - 10 * i} {i % 3} 1 17 27" for i in range(1, 13)]
    report = [f"In the {part} part of the race the title went down to the wire, where the leader held off two "
              "challengers through the final corner and crossed the line a tenth of a second ahead of them, "
              "after a season of close finishes, protests and one late change of tyre supplier."
              for part in ("first", "second", "third", "last")]
    doc = "\n".join(_MENU + _JUNK[:5] + _TEASERS + [intro] + rows + report + _TEASERS[::-1] + _JUNK[5:] + _MENU)
    result = Scrubber(_pure=pure).scrub(doc)
    kept = result.text.splitlines()
    assert intro in kept and all(row in kept for row in rows)
    assert "Mayor unveils budget plan" in {r.text.strip() for r in result.removals if r.rule_id == "CTX-002"}


@pytest.mark.parametrize("pure", [False, True])
def test_a_blog_comment_thread_is_cut_unless_comments_are_kept(pure: bool) -> None:
    """A WordPress thread header ('12 thoughts on “…”') or its reply form's title cuts the
    thread after enough body (COM-CMT-002); a counter ('12 Comments') only when most of the
    body is above it (COM-CMT-003: under a headline it takes itself alone). With
    ``include_comments`` a header removes only itself, in both engines."""
    from scrubber import Scrubber

    body = ("The council met on Tuesday and agreed a budget for the coming year, after a debate that "
            "lasted most of the afternoon and touched on roads, schools and the library. ") * 3
    replies = "\n".join(f"reader{i} says:\nI disagree with the plan, strongly, and so do my neighbours."
                        for i in range(6))
    for header in ("12 thoughts on “The council’s budget”", "Leave a Reply Cancel reply", "发表评论"):
        doc = f"{body}\n\n{header}\n{replies}\n"
        result = Scrubber(_pure=pure).scrub(doc)
        assert result.text == body.strip(), header
        assert {r.rule_id for r in result.removals} == {"COM-CMT-002"}
        kept = Scrubber(Config(include_comments=True), _pure=pure).scrub(doc)
        assert "reader5 says:" in kept.text and header not in kept.text
        assert [r.text.strip() for r in kept.removals if r.rule_id.startswith("COM-CMT")] == [header]
    two = "\n".join(replies.split("\n")[:4])  # (replies read as body: two keep the share above 0.6)
    counted = Scrubber(_pure=pure).scrub(f"{body}\n\n12 Comments\n{two}\n")
    assert counted.text == body.strip() and "COM-CMT-003" in {r.rule_id for r in counted.removals}
    assert "reader0 says:" in Scrubber(_pure=pure).scrub(f"{body}\n\n12 Comments\n{replies}\n").text
    lead = body.split(". ")[0] + "."
    heading = Scrubber(_pure=pure).scrub(f"A headline\n12 Comments\n\n{lead}\n\n{body}\n")
    assert "12 Comments" not in heading.text and body.strip() in heading.text


@pytest.mark.parametrize("pure", [False, True])
def test_a_comments_button_in_a_share_bar_does_not_cut_the_article(pure: bool) -> None:
    """"Comments" between share and tool buttons (Facebook, Twitter / Print, Email) is a
    button: the comment-section rule's cut_rest does not take the article below the bar.
    The same header with a comment under it still cuts."""
    from scrubber import Scrubber

    scrubber = Scrubber(_pure=pure)
    above = ("Quotes delayed at least 15 minutes. Market data provided by a data vendor, and "
             "fundamental data by another; all of it is subject to the terms of use of each. ") * 3
    article = ("The home-improvement retailer earned $2.8 billion in the third quarter, as revenue "
               "rose 3.5 percent to $27.2 billion, short of what analysts had expected.")
    result = scrubber.scrub(f"{above}\n\nFacebook\nTwitter\nComments\nPrint\nEmail\n\n{article}\n")
    assert article in result.text
    assert not any(r.rule_id == "COM-CMT-001" for r in result.removals)
    reply = "Reader 1 wrote a long reply saying they disagreed with the plan, strongly."
    result = scrubber.scrub(f"{above}\n\nFacebook\nTwitter\nComments\n{reply}\nPrint\n")
    assert reply not in result.text and any(r.rule_id == "COM-CMT-001" for r in result.removals)


_ZH_MENU = ["首页", "新闻", "财经", "科技", "体育", "娱乐", "汽车", "房产", "教育", "旅游", "登录", "注册"]
_ZH_FOOT = ["关于我们", "联系我们", "网站地图", "广告服务", "版权所有 示例网", "京ICP备12345678号"]
_ZH_ARTICLE = [
    "本报讯 5月20日，市文化和旅游局发布消息，全市六十二家景区将在中国旅游日期间推出门票半价优惠，具体时间以各景区公告为准。",
    "据介绍，这是本市连续第五年组织景区参加旅游日优惠活动，参与景区数量比去年增加了十一家，覆盖所有区县。",
    "市民可通过官方渠道预约购票，部分景区还将延长开放时间，并在周末加开夜场，方便上班族错峰出游。",
    "景区负责人表示，半价活动期间将增派工作人员，做好客流疏导和安全保障工作，提醒游客提前规划行程，文明游览。",
]
_ZH_HEADLINES = ["资本动态|某公司产品掺假遭行政处罚，资金链捉襟见肘", "多家银行下调存款利率，大额存单收益再创新低",
                 "新能源汽车销量同比增长，出口市场表现亮眼", "暑期旅游预订升温，热门线路价格上涨两成",
                 "住房公积金政策调整，首套房贷款额度提高", "高校毕业生就业季来临，多地举办专场招聘会"]


@pytest.mark.parametrize("pure", [False, True])
def test_teaser_headlines_under_a_chinese_article_are_not_its_body(pure: bool) -> None:
    """A list of teaser headlines under the article reads as prose (long enough, commas),
    but ends no sentence: the context pass finds its clusters among paragraphs, so the
    headlines are a run of noise (CTX-002). An article of one short paragraph leaves too
    little body to anchor on without them: the pass then counts them as before (the
    paragraph and the headlines stay, the promotions above still go)."""
    from scrubber import Scrubber
    from scrubber.engine.passes.context import HEADLINE_MAX_CHARS, MIN_BODY_CHARS

    assert all(len(h) < HEADLINE_MAX_CHARS for h in _ZH_HEADLINES)
    scrubber = Scrubber(_pure=pure)

    promos = ["春季新品上市", "夏日清凉特惠", "秋冬保暖好物", "年终大促专场"]

    def page(article: list[str]) -> str:
        return "\n".join(_ZH_MENU + promos + article + ["相关新闻"] + _ZH_HEADLINES + _ZH_FOOT + _ZH_MENU[:6])

    result = scrubber.scrub(page(_ZH_ARTICLE))
    assert result.text.splitlines() == _ZH_ARTICLE
    assert {r.text.strip() for r in result.removals if r.rule_id == "CTX-002"} >= set(_ZH_HEADLINES)
    short = _ZH_ARTICLE[:1]  # (one paragraph: under MIN_BODY_CHARS alone, over with the headlines)
    assert len(short[0]) < MIN_BODY_CHARS <= len(short[0]) + sum(map(len, _ZH_HEADLINES))
    result = scrubber.scrub(page(short))
    assert result.text.splitlines() == short + _ZH_HEADLINES
    assert set(promos) >= {r.text.strip() for r in result.removals if r.rule_id.startswith("CTX-")} != set()


def test_min_body_chars_only_with_cut_rest(tmp_path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('[[rule]]\nid = "X-1"\ncategory = "x"\nmatch = "exact"\nphrases = ["a b"]\n'
                    "max_chars = 10\nmin_body_chars = 100\n", encoding="utf-8")
    with pytest.raises(PackError, match="only with action = 'cut_rest'") as info:
        scrub("x", extra_packs=(str(pack),))
    assert info.value.field == "min_body_chars"


def test_headline_above_body_in_extracted_text_is_the_title() -> None:
    doc = ("Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play and Pay\n"
           "There are more devices, platforms and services to choose from than ever before, and prices vary.\n"
           "Gaming used to be so simple. We would buy a game, sit down in front of a console and play it.\n")
    result = scrub(doc)
    assert result.title == "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play and Pay"
    assert result.text.startswith("There are more devices")
    # A first line that is a sentence stays in the body.
    plain = "The council met on Tuesday, and it voted for the plan.\n" + doc.split("\n", 1)[1]
    assert scrub(plain).title is None


@pytest.mark.parametrize("line", ["12 komentarzy", "Dołącz do dyskusji", "Commenti (3)", "Комментарии",
                                  "3 comentários", "评论", "Comments"])
def test_a_comment_link_above_the_article_goes_alone(line: str) -> None:
    """A comment counter or header whose cut_rest cannot apply (too little body above it)
    stayed in the text: EN and DE have drop rules for such a line, PL, IT, RU, PT had none.
    It now goes by its own rule, the article below it kept."""
    body = "Il consiglio ha approvato il bilancio per il prossimo anno, hanno detto i funzionari. " * 8
    result = scrub(f"Bilancio approvato\n{line}\n{body}")
    assert line not in result.text and body.strip() in result.text
    assert [r.category for r in result.removals if r.text.strip() == line] == ["comments"]
