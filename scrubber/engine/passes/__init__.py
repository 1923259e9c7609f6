"""The passes, one small unit each; each records decisions under its own rule ids.

Order: ``junk`` (pack rules) -> ``context`` (menus and link lists around the body) ->
``dedup`` (repeated blocks) -> ``title`` -> ``repair`` (broken paragraphs).
The over-removal guard runs on the finished decisions (``scrubber._core``).
"""
