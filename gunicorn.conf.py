"""gunicorn settings, one copy for `make serve`, the end-to-end tests and benchmarks/serve.py.

Serving stack: gunicorn's gevent worker class, two processes (one per core here; WEB_CONCURRENCY
overrides), each serving up to ``worker_connections`` connections on greenlets. A client that
sends its request slowly (slowloris) holds one greenlet and a socket, not one of a handful of
OS threads, so it cannot starve other readers as it did with gthread (2 x 4 threads). The same
holds for a request that waits on the store or, later, on a translation job. Measured against
gthread and the rest of the reasoning: README, "Serving".

What this asks of the app: nothing may block the event loop for long. The store drivers
cooperate (SQLite calls are short; psycopg 3 supports gevent itself); CTranslate2 runs on its
own threads and is waited on cooperatively (``service/core/cooperative.py``).
"""
import json
import os

import gevent
import gunicorn.http.message
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.ggevent import GeventWorker

from service.core.config import settings_from_env

wsgi_app = "service:create_app()"
_settings = settings_from_env()     # KAKEHASHI_HOST and KAKEHASHI_PORT, validated with the others
bind = f"{_settings.host}:{_settings.port}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_connections = 1000
# In the gevent worker this bounds both an idle keep-alive connection and the time a client
# may take to send its request line and headers: a slowloris client is dropped after it.
keepalive = 5
# Requests are parsed by gunicorn before any route sees them, so these limits are answered here,
# in the API's JSON error shape (see KakehashiWorker): at most 100 header fields of at most 8190
# bytes each (gunicorn's defaults), and a request line (method, URL, version) up to a backstop
# of twice what the LibreTranslate face accepts. Below the backstop the app answers 414 itself,
# in the shape of the face asked (service/http/faces.py): 4094 bytes for pages and the API, and for
# /translate a text of KAKEHASHI_MT_CHAR_LIMIT characters in the query string, as deep-translator
# sends it (2,500 Japanese characters are 22,500 bytes percent-encoded).
# gunicorn caps limit_request_line at MAX_REQUEST_LINE (8190) unless it is 0, which means no
# limit at all; the cap is raised to the backstop instead, so a request line stays bounded.
limit_request_line = 2 * _settings.mt_request_line_bytes
gunicorn.http.message.MAX_REQUEST_LINE = max(gunicorn.http.message.MAX_REQUEST_LINE, limit_request_line + 1)
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
# gunicorn's control socket is one fixed path per user: several servers on one machine
# (tests, benchmarks, a developer's `make serve`) would fight over it, and we do not use it.
control_socket_disable = True

_LIMITS = {
    LimitRequestLine: (414, "URI Too Long", "uri_too_long",
                       f"the request line (method, URL and version) is over {limit_request_line} bytes; shorten the URL"),
    LimitRequestHeaders: (431, "Request Header Fields Too Large", "headers_too_large",
                          "send at most 100 header fields of at most 8190 bytes each"),
}


class KakehashiWorker(GeventWorker):
    """gunicorn's gevent worker with two changes.

    Fair turns: a greenlet whose keep-alive client has its next request ready reads it without
    ever yielding, so under load a few connections were served over and over while others
    waited (API story, 16 connections: p99 1.0-1.6 s, also with a plain ``gevent.sleep(0)``).
    After each request it waits for the loop to go idle (``gevent.idle()``, gevent's tool for
    fair scheduling), so every connection with a request ready goes first: p99 about 0.2 s.

    414 and 431 as ``{"error": {"code", "message"}}``: gunicorn answers these before routing,
    with an HTML page; the path is not known yet, so every client gets the JSON shape (a
    browser shows it as text, which is enough for a URL nobody can type).
    """

    def handle_request(self, listener_name, req, sock, addr):
        try:
            return super().handle_request(listener_name, req, sock, addr)
        finally:
            gevent.idle()

    def handle_error(self, req, client, addr, exc):
        for kind, (status, reason, code, message) in _LIMITS.items():
            if isinstance(exc, kind):
                self.log.warning("refused request from %s: %s", (addr or ("",))[0], exc)
                body = json.dumps({"error": {"code": code, "message": message}}).encode()
                head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
                        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
                try:
                    client.sendall(head.encode("latin-1") + body)
                except OSError:
                    pass
                return
        super().handle_error(req, client, addr, exc)


worker_class = KakehashiWorker



def when_ready(server):
    """Once the socket listens, say where to go: the address among the log lines is easy to miss."""
    host = "127.0.0.1" if _settings.host in ("0.0.0.0", "::", "") else _settings.host
    root = f"http://{host}:{_settings.port}"
    print(f"\n  Kakehashi is ready: open {root}/  (API docs: {root}/api/v1/docs/)\n"
          f"  Commands: .venv/bin/kakehashi --help, or `make shell` for a shell where `kakehashi` works.\n",
          flush=True)
