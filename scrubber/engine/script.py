"""Script-aware counting shared by the passes (CJK characters count one token each)."""

from __future__ import annotations

import regex

#: CJK ideographs, kana and hangul: each character is a token of its own.
CJK_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
CJK = regex.compile(f"[{CJK_CLASS}]")
WORD = regex.compile(rf"[^\W{CJK_CLASS}]+")
TOKEN = regex.compile(rf"[{CJK_CLASS}]|[^\W{CJK_CLASS}]+")
SENTENCE_PUNCT = regex.compile(r"[.!?。！？…，,;；]")


def token_count(text: str) -> int:
    """Tokens as the benchmark scoring counts them."""
    return len(TOKEN.findall(text))
