"""An unexpected error is logged once, with its traceback, by whoever answers it."""
from __future__ import annotations

import logging


def _fail(*_args, **_kwargs):
    raise RuntimeError("the store went away")


def _logged_tracebacks(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.exc_info and record.exc_info[0] is RuntimeError]


def test_a_page_error_is_logged_once(app, monkeypatch, caplog):
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    monkeypatch.setattr(app.extensions["kakehashi"].reading, "page_validity", _fail)
    caplog.set_level(logging.ERROR)
    assert app.test_client().get("/en/").status_code == 500
    assert len(_logged_tracebacks(caplog)) == 1


def test_an_api_error_is_logged_once_and_answered_as_json(app, monkeypatch, caplog):
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    monkeypatch.setattr(app.extensions["kakehashi"].reading, "page_validity", _fail)
    caplog.set_level(logging.ERROR)
    response = app.test_client().get("/api/v1/stories?lang=en")
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    assert len(_logged_tracebacks(caplog)) == 1
