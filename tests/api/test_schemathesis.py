"""Schemathesis over the whole OpenAPI document (issue 9, item 6): every check, 0 failures.

The app is exercised in-process (WSGI) with a valid token, so writes are generated too. Bounded
to keep `make test` fast: a few examples per operation. Findings are fixed in the code or
written into the schema (the text rules as patterns, 422 for a PUT whose body id differs).
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.api.openapi import openapi_document
from support.app import TOKEN


class CurrentApp:
    """The WSGI app schemathesis calls, including in the checks that send requests of their
    own; each test points it at its own fresh app (the ``app`` fixture)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


current = CurrentApp()
schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = current
# A query made too long to be valid can also make the request line too long: 414 refuses it too.
rejection = schema.config.checks.negative_data_rejection
rejection.expected_statuses = [*rejection.expected_statuses, "414"]


@pytest.fixture
def served(app):
    current.app = app
    yield app
    current.app = None


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_openapi_contract(case, served):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})
