"""The core's errors: what went wrong in the reader's or writer's terms, no HTTP codes.

Each face maps them once: JSON with a status for ``api/``, a page for ``web/``, an exit line
for ``cli/``.
"""
from __future__ import annotations


class DomainError(Exception):
    """A request the core cannot do; ``code`` is a stable machine-readable name."""

    code = "error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "not_found"


class AlreadyExists(DomainError):
    code = "already_exists"


class PreconditionFailed(DomainError):
    """The caller's condition on the current state does not hold (the story changed since they read it)."""

    code = "precondition_failed"


class InvalidInput(DomainError):
    """Input that breaks a rule of the contract (a bad cursor, a malformed story).

    ``details`` lists each problem as ``{"field", "code", "message"}`` (``snippets.0.kind``), so a
    client can show every one next to its field."""

    code = "invalid_input"

    def __init__(self, message: str, code: str | None = None, details: list[dict[str, str]] | None = None):
        super().__init__(message, code)
        self.details = details or []


class LimitExceeded(DomainError):
    """Input within the rules but over a configured size limit."""

    code = "limit_exceeded"


# --- the translation layer's errors: each message one line that says what to do next -------
class PackageError(Exception):
    """A model package cannot be installed, found or removed; the message is for the operator."""


class TranslationUnavailable(LookupError):
    """No installed model (direct or through English) translates this pair."""


class TranslationError(RuntimeError):
    """A model failed while loading or translating; callers log it and serve the source text."""


class ModelLoadError(TranslationError):
    """An installed model does not load: every text of its pair fails, so retrying them is useless."""
