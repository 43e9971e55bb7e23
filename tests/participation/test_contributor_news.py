"""A person who sent an idea by e-mail hears what became of it, as a signed-in author would, and can stop
that with the link in every such mail, without an account."""

import re
from email import policy
from email.message import EmailMessage

import pytest
from django.core import mail
from django.urls import reverse

from smartregion.accounts.models import Role
from smartregion.participation import services
from smartregion.participation.intake import idea_from_email
from smartregion.participation.models import Channel, IdeaStatus
from smartregion.strategy.models import Goal, IdeaLink, Measure, MeasureStatus, Strategy
from smartregion.strategy.tasks import notify_measure_update

from ..factories import RoleGrantFactory, UserFactory
from .staff_support import make_process


@pytest.fixture
def moderator(db):
    user = UserFactory()
    RoleGrantFactory(user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def email_idea(db, django_capture_on_commit_callbacks):
    message = EmailMessage(policy=policy.default)
    message["From"] = "Erika Muster <erika@example.org>"
    message["Subject"] = "Mitfahrbank in Kruft"
    message["Message-ID"] = "<bank@example.org>"
    message.set_content("Eine Mitfahrbank an der Kirche.")
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_from_email(process=make_process("mail"), message=message)
    mail.outbox.clear()  # the acknowledgement
    return idea


def _unsubscribe_link(body: str) -> str:
    match = re.search(r"http://testserver(/benachrichtigungen/idee-abbestellen/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_publication_and_status_changes_reach_the_contributor_until_she_unsubscribes(
    email_idea, moderator, client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_approve(actor=moderator, idea=email_idea)

    (news,) = mail.outbox
    assert news.to == ["erika@example.org"]
    assert "Mitfahrbank in Kruft" in news.body
    assert str(IdeaStatus.PUBLISHED.label) in news.body
    assert f"http://testserver/ideen/{email_idea.pk}/" in news.body
    link = _unsubscribe_link(news.body)
    assert news.extra_headers["List-Unsubscribe"] == f"<http://testserver{link}>"

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_status_change(
            actor=moderator, idea=email_idea, status=IdeaStatus.UNDER_ASSESSMENT, reason="Wird geprüft."
        )
    assert len(mail.outbox) == 2
    assert "Wird geprüft." in mail.outbox[1].body

    # No sign-in: the page asks, the POST (also a mail provider's one-click POST) switches it off.
    page = client.get(link)
    assert page.status_code == 200
    assert "Mitfahrbank in Kruft" in page.content.decode()
    assert client.post(link).status_code == 200
    email_idea.assisted.refresh_from_db()
    assert email_idea.assisted.notifications_stopped_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_status_change(
            actor=moderator, idea=email_idea, status=IdeaStatus.NOT_PURSUED, reason="Kein Platz."
        )
    assert len(mail.outbox) == 2


def test_a_forged_or_broken_unsubscribe_link_is_refused(client, db):
    response = client.get(reverse("participation:contributor_unsubscribe", args=["kaputt"]))
    assert response.status_code == 400


def test_what_became_of_the_idea_reaches_the_contributor(
    email_idea, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    email_idea.status = IdeaStatus.ADOPTED
    email_idea.save()
    goal = Goal.objects.create(title="Mobil", slug="mobil", summary="Überall hinkommen.")
    strategy = Strategy.objects.create(goal=goal, title="Geteilte Mobilität", slug="geteilt")
    measure = Measure.objects.create(
        strategy=strategy, title="Mitfahrbänke", slug="baenke", summary="Bänke", is_published=True
    )
    IdeaLink.objects.create(measure=measure, idea=email_idea)

    with django_capture_on_commit_callbacks(execute=True):
        notify_measure_update.call(measure_id=measure.pk, kind="status", detail=MeasureStatus.DONE)

    (news,) = mail.outbox
    assert news.to == ["erika@example.org"]
    assert "Mitfahrbänke" in news.body
    assert _unsubscribe_link(news.body)


def test_a_telephone_contact_without_consent_gets_no_mail(moderator, django_capture_on_commit_callbacks, db):
    process = make_process("telefon")
    idea = services.idea_record_assisted(
        recorded_by=moderator,
        process=process,
        channel=Channel.PHONE,
        title="Bank",
        body="Eine Bank.",
        domains=process.domains.all(),
        contributor_name="Hans",
        publish=False,
    )
    idea.assisted.contributor_contact = "hans@example.org"  # as if typed in without asking
    idea.assisted.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_approve(actor=moderator, idea=idea)

    assert mail.outbox == []
