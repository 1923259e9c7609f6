"""The exception tree. Every error scrubber raises on purpose is a :class:`ScrubberError`.

::

    ScrubberError
    ├── PackError          a rule pack is invalid (names the file, rule id and field)
    ├── InputError         the input cannot be processed (wrong type, undecodable bytes)
    │   └── (also a TypeError for non-text input, so ``except TypeError`` keeps working)
    └── LimitError         the input or the work exceeds a configured limit
"""

from __future__ import annotations


class ScrubberError(Exception):
    """Base class of every error raised by scrubber."""


class PackError(ScrubberError, ValueError):
    """A rule pack failed validation.

    ``pack`` is the pack's file (or name), ``rule_id`` the offending rule (``None`` for
    pack-level problems) and ``field`` the offending field (``None`` when not one field).
    """

    def __init__(
        self, message: str, *, pack: str, rule_id: str | None = None, field: str | None = None
    ) -> None:
        self.pack = pack
        self.rule_id = rule_id
        self.field = field
        self.message = message
        where = pack
        if rule_id is not None:
            where += f": rule {rule_id}"
        if field is not None:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")


class InputError(ScrubberError, ValueError):
    """The input document cannot be processed (for example, undecodable bytes)."""


class InputTypeError(InputError, TypeError):
    """The input is not of a supported type (``str``; ``bytes`` for HTML)."""


class LimitError(ScrubberError):
    """The input exceeds a configured limit (size, nesting) and was not processed."""
