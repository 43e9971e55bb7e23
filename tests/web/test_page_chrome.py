"""The header and footer are rendered once per language, page and rights (web/templatetags/chrome.py):
nobody gets another person's token, links or badge from the shared copy, and it follows every change."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from smartregion.accounts.models import Role
from smartregion.participation.models import Notification

from ..factories import RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = re.compile(r'<header class="sr-header">.*?</header>', re.S)


def _header(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code in (200, 404)
    match = HEADER.search(response.content.decode())
    assert match is not None
    return match.group(0)


def _signed_in(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    return client


def _tokens(header: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', header)


def test_each_person_signs_out_with_her_own_token(region):
    first, second = UserFactory(), UserFactory()
    clients = [_signed_in(first), _signed_in(second)]
    headers = [_header(client, reverse("web:home")) for client in clients]
    assert headers[0] != headers[1]
    for client, header in zip(clients, headers, strict=True):
        tokens = _tokens(header)
        assert len(tokens) == 2  # sign out, language
        answer = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens[0]})
        assert answer.status_code == 302
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("first_role", ["citizen", Role.MODERATOR])
def test_rights_links_follow_the_person_whoever_came_first(region, first_role):
    citizen = UserFactory()
    moderator = UserFactory()
    RoleGrantFactory(user=moderator, role=Role.MODERATOR)
    people = {"citizen": citizen, Role.MODERATOR: moderator}
    order = [first_role, *(role for role in people if role != first_role)]
    moderation = reverse("participation:moderation")
    for role in order:
        header = _header(_signed_in(people[role]), reverse("participation:idea_list"))
        assert (moderation in header) is (role == Role.MODERATOR)
        assert reverse("account_logout") in header
    assert reverse("account_login") in _header(Client(), reverse("participation:idea_list"))
    assert reverse("account_logout") not in _header(Client(), reverse("participation:idea_list"))


def test_the_current_page_is_marked_and_the_language_form_returns_to_it(region):
    client = Client()
    ideas = reverse("participation:idea_list")
    header = _header(client, f'{ideas}?q="<b>&sort=newest')
    assert f'<a class="kern-link" href="{ideas}" aria-current="page">' in header
    assert 'aria-current="page">Start<' not in header
    assert f'name="next" value="{ideas}?q=%22%3Cb%3E&amp;sort=newest"' in header
    home = _header(client, reverse("web:home"))
    assert f'href="{ideas}" aria-current' not in home
    assert f'name="next" value="{reverse("web:home")}"' in home


def test_the_badge_is_the_persons_own(region):
    reader, other = UserFactory(), UserFactory()
    for _ in range(3):
        Notification.objects.create(user=reader, kind=Notification.Kind.NEW_IDEA, message="Neu")
    assert '>3<span class="kern-sr-only">' in _header(_signed_in(reader), reverse("web:home"))
    assert "sr-count-badge" not in _header(_signed_in(other), reverse("web:home"))


def test_a_renamed_region_shows_at_once(region):
    client = Client()
    assert region.program_name in _header(client, reverse("web:home"))
    region.program_name = "Netzwerk Neu"
    region.save()
    assert "Netzwerk Neu" in _header(client, reverse("web:home"))


def test_the_language_is_part_of_the_key(region):
    client = Client()
    german = _header(client, reverse("web:home"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _header(client, reverse("web:home"))
    assert "Anmelden" in german
    assert "Anmelden" not in english
    assert "Sign in" in english
