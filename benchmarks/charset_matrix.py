"""How page bytes decode, with and without the charset they came with (HTTP Content-Type).

    python benchmarks/charset_matrix.py [--show-worse]

Short pages (one paragraph; detection is at its weakest there) in 15 languages, each in its
usual encodings and UTF-8, with and without a ``<meta charset>`` of their own, decoded by
``decode_bytes`` without an HTTP label and with each of: the right label, and the labels
servers send by default whatever the page is (ISO-8859-1, UTF-8, windows-1251). A page is
right when its paragraph comes out whole. Servers lie: a label should help where it is right
and do little harm where it is not.
"""

from __future__ import annotations

import argparse

from scrubber.fronts.decode import decode_bytes

TEXTS = {
    "fr": ("Le café de la rue Saint-Honoré était fermé ce matin.", ["cp1252", "utf-8"]),
    "fr-1": ("Le café est ouvert, the rest is English.", ["cp1252", "utf-8"]),
    "de": ("Die Straße in München ist heute gesperrt, sagt die Polizei.", ["cp1252", "utf-8"]),
    "ru": ("Это короткий абзац на русском языке о погоде.", ["cp1251", "koi8-r", "utf-8"]),
    "zh": ("北京时间今天上午，国家统计局发布了最新的经济数据。", ["gbk", "utf-8"]),
    "zh-2": ("中文", ["gbk", "utf-8"]),
    "zh-hant": ("這是一個簡短的繁體中文段落，用來測試編碼。", ["big5", "utf-8"]),
    "ja": ("これは日本語の短い段落です。", ["shift_jis", "euc-jp", "utf-8"]),
    "ko": ("이것은 한국어 단락입니다.", ["euc-kr", "utf-8"]),
    "el": ("Αυτή είναι μια σύντομη παράγραφος στα ελληνικά.", ["iso-8859-7", "utf-8"]),
    "pl": ("Zażółć gęślą jaźń. Dzisiaj w Łodzi odbyło się spotkanie.", ["iso-8859-2", "cp1250", "utf-8"]),
    "tr": ("Bugün İstanbul'da hava güneşli ve sıcak olacak.", ["cp1254", "utf-8"]),
    "ar": ("هذه فقرة قصيرة باللغة العربية.", ["cp1256", "utf-8"]),
    "he": ("זוהי פסקה קצרה בעברית.", ["cp1255", "utf-8"]),
    "vi": ("Đây là một đoạn văn ngắn bằng tiếng Việt.", ["utf-8"]),
}
LABELS = ("right", "iso-8859-1", "utf-8", "windows-1251")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-worse", action="store_true", help="list the pages a label made wrong")
    args = parser.parse_args()
    print("| HTTP label | pages | right without it | right with it | made right | made wrong |")
    print("|---|---:|---:|---:|---:|---:|")
    for label in LABELS:
        pages = before = after = gained = lost = 0
        worse = []
        for lang, (text, encodings) in TEXTS.items():
            for encoding in encodings:
                for meta in (None, encoding):
                    head = f'<meta charset="{meta}">' if meta else ""
                    raw = f"<html><head>{head}</head><body><p>{text}</p></body></html>".encode(encoding)
                    sent = encoding if label == "right" else label
                    plain, labelled = text in decode_bytes(raw)[0], text in decode_bytes(raw, sent)[0]
                    pages += 1
                    before += plain
                    after += labelled
                    gained += labelled and not plain
                    lost += plain and not labelled
                    if plain and not labelled:
                        worse.append(f"{lang} {encoding} <meta {meta}> under {sent}")
        print(f"| {label} | {pages} | {before} | {after} | {gained} | {lost} |")
        if args.show_worse:
            for line in worse:
                print(f"|   {line} | | | | | |")


if __name__ == "__main__":
    main()
