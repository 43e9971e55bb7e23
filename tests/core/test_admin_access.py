"""Who gets into the admin: the program office by its role; everybody else is sent to the login or refused.

The admin has no login of its own: /admin/login/ forwards to the regular login (/konto/login/), so rate
limits and second factors apply. A signed-in person without the role is refused with 403 (a login page
would only send them back, in a loop).
"""

from urllib.parse import quote

import pytest
from django.contrib import admin

from smartregion.web.models import AccessibilityFeedback

from ..conftest import ROLES
from ..factories import MembershipFactory, OrganizationFactory, RoleGrantFactory, UserFactory
from ..html import text

# One changelist per model registered in the admin (auth.Group is checked on its own below).
CHANGELISTS = (
    "/admin/accounts/user/",
    "/admin/accounts/accountevent/",
    "/admin/network/region/",
    "/admin/network/municipality/",
    "/admin/network/organization/",
    "/admin/network/membership/",
    "/admin/web/accessibilityfeedback/",
    "/admin/strategy/domain/",
    "/admin/strategy/goal/",
    "/admin/strategy/strategy/",
    "/admin/strategy/measure/",
    "/admin/strategy/strategyversion/",
    "/admin/strategy/criterion/",
    "/admin/strategy/assessmentround/",
    "/admin/program/programphase/",
    "/admin/program/fundingsource/",
    "/admin/program/responsibility/",
    "/admin/program/indicator/",
    "/admin/program/budgetline/",
    "/admin/program/expense/",
    "/admin/program/milestone/",
    "/admin/program/indicatorvalue/",
    "/admin/program/fundingcommitment/",
    "/admin/program/staffrole/",
    "/admin/program/staffeffort/",
    "/admin/program/fundcall/",
    "/admin/program/programreminder/",
    "/admin/program/agendasnapshot/",
    "/admin/participation/process/",
    "/admin/participation/idea/",
    "/admin/participation/comment/",
    "/admin/participation/ideaevent/",
    "/admin/participation/inboundmessage/",
    "/admin/participation/moderationevent/",
    "/admin/participation/participationblock/",
    "/admin/events/event/",
    "/admin/events/registration/",
    "/admin/events/eventmessage/",
    "/admin/events/eventlogentry/",
    "/admin/account/emailaddress/",
    "/admin/mfa/authenticator/",
    "/admin/django_tasks_database/dbtaskresult/",
)
PAGES = ("/admin/", *CHANGELISTS)
GERMAN_ACCESS_DENIED = "Kein Zugriff"


@pytest.fixture
def rows(municipality):
    """A row or two in the network, accounts and web tables, so the changelists render real entries."""
    organization = OrganizationFactory(municipality=municipality)
    MembershipFactory(organization=organization)
    RoleGrantFactory(role="coordinator", municipality=municipality)
    AccessibilityFeedback.objects.create(message="Kontrast zu schwach", page_url="/")


def test_every_registered_model_has_a_changelist_in_the_matrix():
    registered = {
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry
    }
    assert registered - {"/admin/auth/group/"} == set(CHANGELISTS)


@pytest.mark.parametrize("url", PAGES)
def test_program_office_opens_every_admin_page(client, signed_in, rows, url):
    signed_in("program_office")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitor_is_sent_to_the_regular_login(client, rows, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"/konto/login/?next={quote(url, safe='')}"


@pytest.mark.parametrize("role", [role for role in ROLES if role not in ("anonymous", "program_office")])
@pytest.mark.parametrize("url", PAGES)
def test_signed_in_person_without_the_role_is_refused(client, signed_in, rows, role, url):
    signed_in(role)
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(f"/admin/login/?next={url}", 302)]
    assert response.status_code == 403
    assert GERMAN_ACCESS_DENIED in text(response.content.decode())


def test_admin_login_without_next_leads_back_to_the_admin_index(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=%2Fadmin%2F"


def test_program_office_signed_in_at_the_admin_login_goes_on_to_next(client, signed_in):
    signed_in("program_office")
    response = client.get("/admin/login/?next=/admin/network/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/network/"


def test_admin_login_does_not_forward_to_another_site(client, signed_in):
    signed_in("program_office")
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/admin/"


def test_program_office_signs_in_through_the_regular_login_into_the_admin(client, make_person):
    from ..factories import PASSWORD

    office = make_person("program_office")
    response = client.post("/konto/login/?next=/admin/", {"login": office.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_groups_are_not_the_offices_tool(client, signed_in):
    # Rights come from roles, not from Django groups; only a superuser sees the groups page.
    signed_in("program_office")
    assert client.get("/admin/auth/group/").status_code == 403


def test_superuser_opens_every_admin_page(client, rows):
    client.force_login(UserFactory(is_superuser=True))
    for url in (*PAGES, "/admin/auth/group/"):
        assert client.get(url).status_code == 200, url


def test_inactive_program_office_is_not_let_in(client, make_person):
    office = make_person("program_office")
    office.is_active = False
    office.save()
    client.force_login(office)
    response = client.get("/admin/")
    assert response.status_code == 302
