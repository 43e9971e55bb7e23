"""A refused request is logged as one line: a 403 is an answer, not a fault with a traceback."""

import logging

from django.urls import reverse


def test_a_403_is_logged_as_one_line_without_traceback(client, signed_in, caplog):
    signed_in("citizen")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("strategy:measure_create"))
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    assert "Forbidden" in record.getMessage()
    assert "\n" not in caplog.text.strip()
