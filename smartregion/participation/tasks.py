"""Background work for participation: notifications to followers and the daily digest.

Tasks take ids, are enqueued on commit, and are idempotent where a retry could double their effect.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from smartregion.core.mail import compose, email_enqueue

from .models import AssistedContribution, Channel, Comment, Follow, Idea, Notification, NotificationPreference

UNSUBSCRIBE_SALT = "participation.digest-unsubscribe"
CONTRIBUTOR_UNSUBSCRIBE_SALT = "participation.contributor-unsubscribe"


def notify(*, people: dict[int, int], kind: str, message: str, cause: str) -> int:
    """Notify each person (``people`` maps a person to the idea the notification points at) once per
    ``cause``: a retried or doubled task adds nothing, the unique constraint skips who has it already."""
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, kind=kind, idea_id=idea_id, message=message[:300], cause=cause)
            for user_id, idea_id in sorted(people.items())
        ],
        ignore_conflicts=True,
    )
    return len(people)


def _notify(*, user_ids: set[int], kind: str, idea: Idea, message: str, cause: str) -> int:
    return notify(people=dict.fromkeys(user_ids, idea.pk), kind=kind, message=message, cause=cause)


@task()
def notify_new_idea(*, idea_id: int) -> int:
    """Tell the followers of the idea's process that a new idea was published."""
    idea = Idea.objects.select_related("process").get(pk=idea_id)
    followers = set(Follow.objects.filter(process_id=idea.process_id).values_list("user_id", flat=True))
    if idea.author_id is not None:
        followers.discard(idea.author_id)
    with translation.override(settings.LANGUAGE_CODE):
        message = _("New idea in “%(process)s”: %(title)s") % {
            "process": idea.process.title,
            "title": idea.title,
        }
    return _notify(
        user_ids=followers,
        kind=Notification.Kind.NEW_IDEA,
        idea=idea,
        message=message,
        cause=f"idea:{idea_id}",
    )


@task()
def notify_idea_status(*, idea_id: int, actor_id: int | None, event_id: int | None = None) -> int:
    """Tell the author and the followers of an idea that its status changed (``event_id``: the IdeaEvent
    recording the change, so each change is told once)."""
    idea = Idea.objects.get(pk=idea_id)
    recipients = set(Follow.objects.filter(idea_id=idea_id).values_list("user_id", flat=True))
    if idea.author_id:
        recipients.add(idea.author_id)
    if actor_id is not None:
        recipients.discard(actor_id)
    with translation.override(settings.LANGUAGE_CODE):
        message = _("“%(title)s” is now: %(status)s") % {
            "title": idea.title,
            "status": idea.get_status_display(),
        }
        if idea.status_reason:
            message = f"{message} – {idea.status_reason}"
    contributor_mail(idea=idea, news=message)
    return _notify(
        user_ids=recipients,
        kind=Notification.Kind.IDEA_STATUS,
        idea=idea,
        message=message,
        cause=f"idea-event:{event_id}" if event_id else "",
    )


@task()
def notify_idea_moderated(*, idea_id: int, actor_id: int | None, event_id: int | None = None) -> int:
    """Tell the author (or the contributor's e-mail contact) that the moderation edited the idea, and why."""
    idea = Idea.objects.get(pk=idea_id)
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The moderation edited “%(title)s”: %(reason)s") % {
            "title": idea.title,
            "reason": idea.moderation_note,
        }
    contributor_mail(idea=idea, news=message)
    recipients = {idea.author_id} - {actor_id} if idea.author_id else set()
    return _notify(
        user_ids=recipients,
        kind=Notification.Kind.IDEA_MODERATED,
        idea=idea,
        message=message,
        cause=f"idea-event:{event_id}" if event_id else "",
    )


def contributor_unsubscribe_token(assisted_id: int) -> str:
    """A signed token for the link that stops news about one idea to its contributor's e-mail address."""
    return signing.dumps({"a": assisted_id}, salt=CONTRIBUTOR_UNSUBSCRIBE_SALT)


def contributor_unsubscribe_id(token: str) -> int | None:
    """The contribution a contributor's unsubscribe token was made for, or None when it is not valid."""
    try:
        return int(signing.loads(token, salt=CONTRIBUTOR_UNSUBSCRIBE_SALT)["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _contributor_address(assisted: AssistedContribution) -> str:
    """The address news about the idea may go to: the sender of an e-mail idea (who asked us by writing),
    or a contact given with consent; empty when there is none or the person unsubscribed."""
    if assisted.notifications_stopped_at is not None:
        return ""
    if assisted.idea.channel != Channel.EMAIL and assisted.consent_given_at is None:
        return ""
    address = assisted.contributor_contact.strip()
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def contributor_mail(*, idea: Idea, news: str) -> bool:
    """Tell the person who brought in an idea without an account (e.g. by e-mail) what became of it: the
    same news its author would get as a notification. False when there is nobody to tell."""
    assisted = AssistedContribution.objects.select_related("idea").filter(idea_id=idea.pk).first()
    address = _contributor_address(assisted) if assisted is not None else ""
    if assisted is None or not address:
        return False
    unsubscribe_url = settings.SITE_URL + reverse(
        "participation:contributor_unsubscribe", args=[contributor_unsubscribe_token(assisted.pk)]
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": assisted.contributor_name,
            "news": news,
            "idea": idea,
            "idea_url": settings.SITE_URL + idea.get_absolute_url() if idea.is_public else "",
            "unsubscribe_url": unsubscribe_url,
        }
        outgoing = compose(
            subject=_("News about your idea “%(title)s”") % {"title": idea.title[:80]},
            text=render_to_string("participation/email/contributor_news.txt", context),
            to=[address],
            reply_to=[settings.PROGRAM_OFFICE_EMAIL],
            headers={
                "Auto-Submitted": "auto-generated",
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    email_enqueue(outgoing)
    return True


@task()
def notify_new_comment(*, comment_id: int) -> int:
    """Tell the followers of an idea about a new comment (not the commenter)."""
    comment = Comment.objects.select_related("idea").get(pk=comment_id)
    recipients = set(Follow.objects.filter(idea_id=comment.idea_id).values_list("user_id", flat=True))
    recipients.discard(comment.author_id)
    with translation.override(settings.LANGUAGE_CODE):
        message = _("New comment on “%(title)s”") % {"title": comment.idea.title}
    return _notify(
        user_ids=recipients,
        kind=Notification.Kind.NEW_COMMENT,
        idea=comment.idea,
        message=message,
        cause=f"comment:{comment_id}",
    )


def unsubscribe_token(user_id: int) -> str:
    """A signed token for the one-click unsubscribe link in every digest."""
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user_id(token: str) -> int | None:
    """The person an unsubscribe token was made for, or None when it is not valid."""
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


@task()
def digest_send(*, user_id: int) -> int:
    """Mail one person the notifications not mailed yet; returns how many were included."""
    with transaction.atomic():
        preference = NotificationPreference.objects.select_related("user").filter(user_id=user_id).first()
        if preference is None or not preference.email_digest or not preference.user.is_active:
            return 0
        # Locking the rows makes a retried or doubled task send each notification once. Only these
        # rows: PostgreSQL cannot lock the nullable side of the outer join to the idea.
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(user_id=user_id, emailed_at__isnull=True)
            .select_related("idea")
            .order_by("created_at")
        )
        if not pending:
            return 0
        user = preference.user
        unsubscribe_url = settings.SITE_URL + reverse(
            "participation:unsubscribe", args=[unsubscribe_token(user_id)]
        )
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "notifications": pending,
                "site_url": settings.SITE_URL,
                "unsubscribe_url": unsubscribe_url,
            }
            message = compose(
                subject=_("Your daily summary"),
                text=render_to_string("participation/email/digest.txt", context),
                to=[user.email],
                headers={
                    "List-Unsubscribe": f"<{unsubscribe_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        # Marked in the transaction that queues the mail: a retried task finds nothing new to send.
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
        email_enqueue(message)
    return len(pending)


def digests_enqueue() -> int:
    """Queue a digest for everybody who wants one and has something new (run daily)."""
    user_ids = (
        Notification.objects.filter(
            emailed_at__isnull=True, user__notification_preference__email_digest=True, user__is_active=True
        )
        # Without order_by(), Meta.ordering's created_at joins the DISTINCT: one task per notification.
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    count = 0
    for user_id in user_ids:
        digest_send.enqueue(user_id=user_id)
        count += 1
    return count
