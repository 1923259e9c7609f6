"""Body sentences that merely contain trigger words stay untouched (issue #2: >= 30 cases)."""

from __future__ import annotations

import pytest

from scrubber import scrub

NEGATIVES = [
    "他在會上分享了公司去年的經營數據，引起了不少投資人的關注和討論。",
    "她把這份經驗分享給了團隊裡每一位新同事，大家都受益匪淺。",
    "這篇稿件經過三位編輯反覆修改，才在週五晚上定稿付印。",
    "編輯部決定下個月推出一個新的專欄，專門報導地方新聞。",
    "下一步，政府將推動更多城市開放數據平台，方便市民查詢。",
    "研究人員表示，下一步的工作重點是擴大樣本數量並延長追蹤時間。",
    "点击率只是衡量广告效果的一个指标，并不能说明全部问题。",
    "他关注这个问题已经有十年了，写过不少相关的评论文章。",
    "记者在现场看到，救援人员正在清理倒塌的房屋和道路。",
    "来源于民间的故事往往比官方记载更加生动，也更有温度。",
    "版权问题一直困扰着在线音乐平台，许多公司为此付出了高昂代价。",
    "他点赞了这个提议，但也提醒大家注意其中的风险和成本。",
    "这家公司的二维码支付业务在三年内增长了四倍，成为主要收入来源。",
    "相关部门表示，将在下周公布调查结果，并追究有关人员的责任。",
    "上一篇论文发表之后，他又花了两年时间完善这个模型。",
    "评论家普遍认为，这部小说是作者迄今为止最成熟的作品。",
    "Share prices fell sharply on Monday after the company cut its forecast.",
    "Next, the committee will review the budget proposal line by line.",
    "© is the copyright sign, and it is often misused on websites.",
    "She decided to subscribe to the idea that less is more in design.",
    "The editor of the local paper said the story had been checked twice.",
    "Readers who follow the league closely will not be surprised by the result.",
    "Click-through rates have been falling for years across the industry.",
    "The source of the leak has not been identified, officials said on Tuesday.",
    "Related research suggests that sleep matters more than diet for memory.",
    "He printed the report and read it twice before the meeting started.",
    "Comments from the minister were widely criticised by the opposition.",
    "The advertisement industry employs more people than the film industry.",
    "All rights reserved, the lawyer said, is a phrase with little legal force today.",
    "Back to top form after injury, the striker scored twice in the second half.",
    "Die Regierung will die Anzeige von Straftaten im Internet erleichtern, sagte die Ministerin.",
    "Le ministre a dit qu'il faut lire la suite du rapport avant de juger la réforme.",
    "El equipo quiere compartir los resultados con otros hospitales de la región.",
    "Follow-up studies confirmed the effect in three independent groups of patients.",
]

BODY_ZH = "這是一段用來當作正文的文字，它足夠長，也有標點符號，所以看起來像正文。"
BODY_EN = "This paragraph stands in for the body of an article and is long enough to look like prose."


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_sentence_with_trigger_words_is_kept(sentence: str) -> None:
    doc = f"{BODY_ZH}\n\n{sentence}\n\n{BODY_EN}\n"
    result = scrub(doc)
    assert sentence in result.text.split("\n\n"), result.explain()


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_sentence_alone_is_kept(sentence: str) -> None:
    assert scrub(sentence).text == sentence


def test_at_least_thirty_negatives() -> None:
    assert len(NEGATIVES) >= 30


@pytest.mark.parametrize("heading", ["Discussion", "Reactions", "Responses", "Diskussion", "Dyskusja", "Обсуждение"])
def test_a_section_heading_that_names_a_discussion_keeps_the_section(heading: str) -> None:
    """'Discussion' heads a paper's section (as 'Diskussion', 'Dyskusja', 'Обсуждение' do in
    German, Polish and Russian ones), 'Reactions' and 'Responses' an encyclopedia article's:
    as comment-section headers they cut everything after them, the rest of the body."""
    before = "We measured the growth of three species of algae in tanks kept at four temperatures. " * 6
    after = "The warmest tanks grew fastest, which matches what earlier field studies had found. " * 6
    text = f"Methods\n{before}\n{heading}\n{after}\nThe authors thank the station staff for their help."
    result = scrub(text)
    assert after.strip() in result.text and "The authors thank" in result.text
    assert heading in result.text


@pytest.mark.parametrize(("heading", "before", "after"), [
    ("Opinie", "Nowa ustawa o ochronie danych wchodzi w życie w przyszłym miesiącu i zmienia zasady. ",
     "Część prawników uważa, że przepisy są zbyt ogólne i sądy będą musiały je doprecyzować. "),
    ("Отзывы", "Новый смартфон получил большой экран, быстрый процессор и ёмкую батарею на весь день. ",
     "Покупатели хвалят камеру и автономность, но жалуются на высокую цену и скользкий корпус. "),
])
def test_a_reviews_heading_in_the_middle_of_an_article_keeps_the_rest(heading: str, before: str,
                                                                     after: str) -> None:
    """'Opinie' and 'Отзывы' head a shop page's reviews, but also a section of an article:
    with half the body below them, they must not cut it (they did after 400 characters)."""
    text = f"{before * 6}\n{heading}\n{after * 6}"
    result = scrub(text)
    assert (after * 6).strip() in result.text, result.explain()


@pytest.mark.parametrize(("heading", "body", "review"), [
    ("Opinie", "Ten ekspres do kawy ma młynek żarnowy, spieniacz mleka i zbiornik na dwa litry wody. ",
     "Świetny ekspres, polecam!"),
    ("Отзывы", "Эта кофемашина оснащена жерновой кофемолкой, капучинатором и баком на два литра воды. ",
     "Отличная кофемашина, рекомендую!"),
])
def test_a_reviews_heading_below_the_body_still_cuts_the_reviews(heading: str, body: str, review: str) -> None:
    text = f"{body * 8}\n{heading}\n{review}\n{review}"
    result = scrub(text)
    assert review not in result.text and (body * 8).strip() in result.text, result.explain()
    assert any(r.text.startswith(heading) and r.category == "comments" for r in result.removals)
