"""With DEBUG on (the demo), Django's debug pages — traceback, settings, the URL list — are
shown only to a client on this machine; any other client gets the plain pages production shows."""

import pytest
from django.test import Client

LOCAL, REMOTE = "127.0.0.1", "203.0.113.7"
SECRETS = ("Traceback", "hunter2", "SECRET_KEY", "DATABASES", "urls_errors", "DEBUG = True")


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = "oneseal.tests.urls_errors"


def get(path, addr, **extra):
    return Client(raise_request_exception=False).get(path, REMOTE_ADDR=addr, **extra)


def test_a_server_error_shows_the_traceback_only_to_a_local_client(debug):
    local = get("/fails/", LOCAL)
    assert local.status_code == 500 and "hunter2" in local.content.decode()
    for accept in ("text/html", "application/json"):
        remote = get("/fails/", REMOTE, HTTP_ACCEPT=accept)
        body = remote.content.decode()
        assert remote.status_code == 500
        assert not any(secret in body for secret in SECRETS), body[:500]


def test_not_found_shows_no_url_list_or_settings_to_a_remote_client(debug):
    for path in ("/missing/", "/nowhere/"):
        local = get(path, LOCAL)
        assert local.status_code == 404 and "DEBUG = True" in local.content.decode()
        remote = get(path, REMOTE)
        assert remote.status_code == 404
        assert not any(secret in remote.content.decode() for secret in SECRETS)


def test_behind_a_proxy_the_forwarded_address_decides(debug, settings):
    settings.PROXY_COUNT = 1
    # The proxy itself is local; the client it forwards is not.
    forwarded = get("/fails/", LOCAL, HTTP_X_FORWARDED_FOR=f"{LOCAL}, {REMOTE}")
    assert "hunter2" not in forwarded.content.decode()
