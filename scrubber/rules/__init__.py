"""Rules as data: the pack format, its validation and the built-in packs."""
