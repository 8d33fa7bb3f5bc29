"""Errors a user can act on; the CLI prints them as one line per file."""


class ArchiverError(Exception):
    """Base class: the message is a complete, user-facing sentence."""


class InputError(ArchiverError):
    """The input cannot be treated as text (binary, empty, too large, unreadable)."""
