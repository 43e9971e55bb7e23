"""What every part of the site decides the same way about requests: the client's address, public reads
across origins, and how long a refused client should wait."""

import ipaddress

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponseBase

# Seconds a client over a rate limit is asked to wait (Retry-After); the shortest window of our limits.
RETRY_AFTER_SECONDS = 60
# The database errors that mean "cannot reach the database right now" (server down or restarting, a
# connection cut, SQLite locked past its timeout), as opposed to a bug: the answer is 503, not 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds after which a client may try again while the database is away (the Retry-After of a 503).
UNAVAILABLE_RETRY_AFTER_SECONDS = 30


def client_ip(request: HttpRequest) -> str:
    """The client's address, for every rate limit (django-ratelimit, allauth, the API).

    Behind the proxy the peer (REMOTE_ADDR) is nginx, and the client is in the header nginx sets
    (``CLIENT_IP_META_KEY``, from the environment variable ``RATELIMIT_IP_META_KEY``, e.g. HTTP_X_REAL_IP).
    A request without a valid header (a health check on the app's own port, a misconfigured proxy) is
    counted by its peer's address instead of failing. The app port must only be reachable from the proxy,
    or a client could name any address in the header (deploy/ binds gunicorn to 127.0.0.1).
    """
    for key in (settings.CLIENT_IP_META_KEY, "REMOTE_ADDR"):
        value = str(request.META.get(key, "")).strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            continue
    # No address at all (a test client, a Unix socket): one shared counter; rate limits need an address.
    return "0.0.0.0"  # noqa: S104 - a counter key, nothing listens on it


def allow_any_origin(response: HttpResponseBase) -> HttpResponseBase:
    """Let pages of other sites read a public answer (CORS): it needs no cookie, so none is sent along."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Link, Retry-After"
    return response
