"""Front ends: turn an input (plain text, HTML) into a :class:`~scrubber.document.Document`."""
