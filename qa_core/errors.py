"""The library's one error type.

Callers (the app, the command line) catch ``QAError`` and show its message; anything
else escaping ``qa_core`` is a bug.
"""

from __future__ import annotations


class QAError(Exception):
    """A problem the user can act on: bad input, a locked store, an unknown code."""


class StoreLockedError(QAError):
    """The store file is held read-write by another process."""
