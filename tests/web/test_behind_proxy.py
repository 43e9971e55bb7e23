"""Behind nginx every request comes from the proxy's address: each limit must count the client named in
X-Real-IP (core.http.client_ip), so that one client's attempts never stop anybody else, and a request
without the header is counted by its peer instead of failing."""

import pytest
from django.core import mail
from django.test import RequestFactory, override_settings
from django.urls import reverse

from smartregion.core.http import client_ip
from smartregion.participation.models import Comment, Follow, Support

from ..events.factories import EventFactory
from ..factories import PASSWORD, UserFactory
from ..html import text
from ..participation.factories import DomainFactory, IdeaFactory, ProcessFactory

BEHIND_NGINX = override_settings(CLIENT_IP_META_KEY="HTTP_X_REAL_IP")
LOGIN = "/konto/login/"


def _from(address: str) -> dict[str, str]:
    """What nginx adds to a request of the client at ``address`` (the peer is nginx: 127.0.0.1)."""
    return {"HTTP_X_REAL_IP": address}


@pytest.fixture
def idea(db, municipality):
    process = ProcessFactory(slug="radverkehr", phase="active")
    process.domains.set([DomainFactory()])
    return IdeaFactory(process=process)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"HTTP_X_REAL_IP": "203.0.113.7", "REMOTE_ADDR": "127.0.0.1"}, "203.0.113.7"),
        ({"HTTP_X_REAL_IP": "2001:db8::1", "REMOTE_ADDR": "127.0.0.1"}, "2001:db8::1"),
        ({"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
        ({"HTTP_X_REAL_IP": "not-an-address", "REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
        ({"HTTP_X_REAL_IP": "", "REMOTE_ADDR": ""}, "0.0.0.0"),  # noqa: S104
    ],
    ids=["header", "ipv6", "no_header", "garbage_header", "nothing"],
)
@BEHIND_NGINX
def test_client_ip_reads_the_proxy_header_and_falls_back_to_the_peer(meta, expected):
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)

    assert client_ip(request) == expected


@BEHIND_NGINX
def test_posts_without_the_address_header_are_answered_not_500(
    client, idea, django_capture_on_commit_callbacks
):
    person = UserFactory()
    client.force_login(person)
    pk = idea.pk

    support = client.post(reverse("participation:idea_support", args=[pk]), {"action": "add"})
    follow = client.post(reverse("participation:idea_follow", args=[pk]), {"action": "follow"})
    comment = client.post(reverse("participation:comment_create", args=[pk]), {"body": "Gute Idee."})
    client.logout()
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        guest = client.post(
            reverse("events:register", args=[event.slug]),
            {"name": "Gast Gustav", "email": "gast@example.org"},
        )

    assert [support.status_code, follow.status_code, comment.status_code, guest.status_code] == [302] * 4
    assert Support.objects.count() == Follow.objects.count() == Comment.objects.count() == 1
    assert len(mail.outbox) == 1


@BEHIND_NGINX
def test_page_limits_count_each_client_by_its_address(client, db):
    url = reverse("web:accessibility")
    data = {"message": "Der Kontrast ist zu schwach.", "page_url": "/"}
    first = [client.post(url, data, **_from("198.51.100.1")).status_code for _ in range(6)]

    assert first[-1] == 429
    assert client.post(url, data, **_from("198.51.100.2")).status_code == 302


@BEHIND_NGINX
@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_failed_logins_of_ten_clients_lock_out_nobody_else(client, db):
    clara, paul = UserFactory(), UserFactory()
    for number in range(10):
        client.post(
            LOGIN,
            {"login": f"unbekannt{number}@example.org", "password": "falsch-falsch-falsch"},
            **_from(f"203.0.113.{number + 1}"),
        )

    for person, address in ((clara, "198.51.100.20"), (paul, "198.51.100.21")):
        response = client.post(LOGIN, {"login": person.email, "password": PASSWORD}, **_from(address))
        assert response.status_code == 302, response.content.decode()[:500]
        assert client.session.get("_auth_user_id") == str(person.pk)
        client.logout()


@BEHIND_NGINX
@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_one_attackers_failed_logins_stop_only_the_attacker(client, db):
    clara = UserFactory()
    for number in range(11):
        client.post(
            LOGIN,
            {"login": f"opfer{number}@example.org", "password": "falsch-falsch-falsch"},
            **_from("203.0.113.66"),
        )

    stopped = client.post(LOGIN, {"login": clara.email, "password": PASSWORD}, **_from("203.0.113.66"))
    assert client.session.get("_auth_user_id") is None
    assert "Zu viele gescheiterte Anmeldeversuche." in text(stopped.content.decode())
    client.post(LOGIN, {"login": clara.email, "password": PASSWORD}, **_from("198.51.100.20"))
    assert client.session.get("_auth_user_id") == str(clara.pk)


@BEHIND_NGINX
@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "20/m/ip,5/m/key"})
def test_password_resets_are_limited_per_client_not_for_the_whole_site(client, db):
    for number in range(20):
        response = client.post(
            "/konto/password/reset/",
            {"email": f"person{number}@example.org"},
            **_from(f"203.0.113.{number + 1}"),
        )
        assert response.status_code == 302

    response = client.post("/konto/password/reset/", {"email": "clara@example.org"}, **_from("198.51.100.20"))

    assert response.status_code == 302
