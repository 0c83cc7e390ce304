"""Answering an HTTP request with a stored document: its validators, or an empty 304.

The pages and the API share this; the documents themselves (``service.usecases.documents``) know nothing
of HTTP requests, so the core stays free of Flask.
"""
from __future__ import annotations

from flask import Request, Response

from ..usecases.documents import Document


def not_modified(document: Document, request: Request) -> bool:
    """RFC 9110: If-None-Match decides when sent; else If-Modified-Since (GET and HEAD only)."""
    if request.method not in ("GET", "HEAD"):
        return False
    sent = request.environ.get("HTTP_IF_NONE_MATCH")
    if sent is not None:
        # The usual revalidation sends back the one ETag it got: compared as is, no parsing.
        # Otherwise the weak comparison RFC 9110 (13.1.2) asks for: a proxy that compresses
        # (nginx's gzip) hands clients W/"…", and their revalidations must still get a 304.
        return sent == f'"{document.etag}"' or request.if_none_match.contains_weak(document.etag)
    since = request.if_modified_since
    return since is not None and document.last_modified <= since


class NotModified(Response):
    """A 304: no body, so no default Content-Type to add (and for Werkzeug to strip again)."""

    default_mimetype = None


def respond(document: Document, request: Request) -> Response:
    """The document with its validators; an empty 304 when the client's copy is current."""
    if not_modified(document, request):
        return NotModified(status=304, headers=document.revalidated)
    return Response(document.body, headers=document.headers)
