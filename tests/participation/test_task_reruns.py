"""Tasks repeat nothing (issue 17, finding 15): a notify task that runs again (a retry, a worker that
died after its work) adds no notification anybody has already; the digest is marked in the transaction
that queues it, so running it again mails nothing twice."""

import pytest
from django.core import mail
from django.utils import timezone

from smartregion.accounts.models import Role
from smartregion.participation import services, tasks
from smartregion.participation.models import (
    Follow,
    IdeaEvent,
    IdeaStatus,
    Notification,
    NotificationPreference,
)

from ..factories import UserFactory
from .factories import CommentFactory, IdeaFactory


@pytest.fixture
def followed(db, municipality):
    idea = IdeaFactory(municipality=municipality)
    followers = [UserFactory() for _ in range(3)]
    for person in followers:
        Follow.objects.create(user=person, idea=idea)
    return idea, followers


def _per_person() -> list[int]:
    return sorted(Notification.objects.values_list("user_id", flat=True))


def test_a_rerun_comment_notification_adds_nothing(followed):
    idea, followers = followed
    comment = CommentFactory(idea=idea)

    tasks.notify_new_comment.call(comment_id=comment.pk)
    tasks.notify_new_comment.call(comment_id=comment.pk)

    assert _per_person() == sorted(person.pk for person in followers)


def test_a_rerun_status_notification_adds_nothing_but_the_next_change_is_told(followed, make_person):
    idea, followers = followed
    moderator = make_person(Role.MODERATOR)
    services.idea_status_change(actor=moderator, idea=idea, status=IdeaStatus.UNDER_ASSESSMENT)
    event = IdeaEvent.objects.filter(idea=idea).latest("pk")

    for _run in range(2):
        tasks.notify_idea_status.call(idea_id=idea.pk, actor_id=moderator.pk, event_id=event.pk)
    assert Notification.objects.count() == len(followers) + 1  # and the author

    services.idea_status_change(actor=moderator, idea=idea, status=IdeaStatus.PUBLISHED)
    later = IdeaEvent.objects.filter(idea=idea).latest("pk")
    tasks.notify_idea_status.call(idea_id=idea.pk, actor_id=moderator.pk, event_id=later.pk)
    assert Notification.objects.count() == 2 * (len(followers) + 1)


def test_a_rerun_digest_mails_nothing_twice(followed, django_capture_on_commit_callbacks):
    idea, followers = followed
    reader = followers[0]
    NotificationPreference.objects.create(user=reader, email_digest=True)
    Notification.objects.create(user=reader, kind=Notification.Kind.NEW_IDEA, idea=idea, message="Neu")

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.digest_send.call(user_id=reader.pk) == 1
        assert tasks.digest_send.call(user_id=reader.pk) == 0

    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at <= timezone.now()
