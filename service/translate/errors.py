"""Errors of the translation layer, each with a one-line message that says what to do next."""
from __future__ import annotations


class PackageError(Exception):
    """A model package cannot be installed, found or removed; the message is for the operator."""


class TranslationUnavailable(LookupError):
    """No installed model (direct or through English) translates this pair."""


class TranslationError(RuntimeError):
    """A model failed while loading or translating; callers log it and serve the source text."""


class ModelLoadError(TranslationError):
    """An installed model does not load: every text of its pair fails, so retrying them is useless."""
