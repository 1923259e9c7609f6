"""scrubber: strip boilerplate from scraped text and HTML, explaining every removal.

>>> from scrubber import scrub
>>> r = scrub("您的位置:首頁>科技>正文\\n\\n這是一篇很長的文章正文，說明了事情的來龍去脈，也交代了背景。")
>>> r.text
'這是一篇很長的文章正文，說明了事情的來龍去脈，也交代了背景。'
"""

from ._core import Scrubber, clean, scrub, scrub_html
from .config import Config
from .errors import InputError, InputTypeError, LimitError, PackError, ScrubberError
from .result import Removal, Removals, Result, replay

__all__ = [
    "Config",
    "InputError",
    "InputTypeError",
    "LimitError",
    "PackError",
    "Removal",
    "Removals",
    "Result",
    "Scrubber",
    "ScrubberError",
    "clean",
    "replay",
    "scrub",
    "scrub_html",
]
__version__ = "0.1.0"
