"""The passes, one small unit each; each records decisions under its own rule ids.

Order: ``junk`` (pack rules) -> ``dedup`` (repeated blocks) -> ``title`` -> ``context``
(menus and link lists around the body) -> ``repair`` (broken paragraphs).
The over-removal guard runs on the finished decisions (``scrubber._core``).
"""
