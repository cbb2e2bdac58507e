"""The Content-Security-Policy is on every response, error pages included, and the
browsers' reports of what it blocked reach the log."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import include, path

from kefu.core.models import User


def _fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# For the server-error test: kefu's own URLs and one view that fails.
urlpatterns = [path("fail/", _fail), path("", include("kefu.urls"))]

STRICT = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)


def assert_strict(response: HttpResponseBase) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = {part.strip() for part in policy.split(";")}
    assert set(STRICT) <= directives, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.urls("kefu.web.tests.test_policy")
def test_every_kind_of_response_carries_the_policy(users: dict[str, User]) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users["admin"])
    for url, status in [
        ("/login/", 200),
        ("/notifications/", 200),
        ("/admin/", 200),
        ("/api/v1/docs", 200),
        ("/api/v1/openapi.json", 200),
        ("/no-such-page/", 404),
        ("/fail/", 500),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert_strict(response)


def test_violation_reports_are_logged_and_never_stored(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    report = {
        "csp-report": {
            "document-uri": "http://kefu.example/knowledge/3/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
            "script-sample": "x" * 5000,
        }
    }
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level("WARNING", logger="kefu.csp"):
        response = client.post(
            "/csp-report/", json.dumps(report), content_type="application/csp-report"
        )
        assert response.status_code == 204
        assert client.post("/csp-report/", "not json", content_type="text/plain").status_code == 204
        too_big = json.dumps({"csp-report": {"blocked-uri": "y" * 20_000}})
        response = client.post("/csp-report/", too_big, content_type="application/json")
        assert response.status_code == 204
    assert [record.getMessage() for record in caplog.records] == [
        "Content-Security-Policy violation: {'document-uri': 'http://kefu.example/knowledge/3/', "
        "'violated-directive': 'script-src-elem', 'blocked-uri': 'inline', 'source-file': ''}"
    ]
    assert client.get("/csp-report/").status_code == 405
