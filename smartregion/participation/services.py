"""Writes for participation. Each service asks the permission rules itself (participation/rules.py), so
the web pages and the API cannot differ in what they allow; data is validated before anything is saved.
"""

import os
from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartregion.accounts.models import User
from smartregion.core.images import image_clean
from smartregion.core.markdown import render_markdown
from smartregion.core.pagecache import pages_changed
from smartregion.core.permissions import authorize
from smartregion.core.text import search_document

from . import selectors, tasks
from .apps import PAGES
from .models import (
    PUBLIC_IDEA_STATUSES,
    AssistedContribution,
    Channel,
    Comment,
    Follow,
    Idea,
    IdeaEvent,
    IdeaStatus,
    ModerationEvent,
    NotificationPreference,
    ParticipationBlock,
    Process,
    Report,
    Support,
)

# Which status may follow which; anything else is refused with a message.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    IdeaStatus.SUBMITTED: {IdeaStatus.PUBLISHED, IdeaStatus.HIDDEN},
    IdeaStatus.PUBLISHED: {
        IdeaStatus.UNDER_ASSESSMENT,
        IdeaStatus.ADOPTED,
        IdeaStatus.MERGED,
        IdeaStatus.NOT_PURSUED,
        IdeaStatus.HIDDEN,
    },
    IdeaStatus.UNDER_ASSESSMENT: {
        IdeaStatus.ADOPTED,
        IdeaStatus.MERGED,
        IdeaStatus.NOT_PURSUED,
        IdeaStatus.PUBLISHED,
    },
    IdeaStatus.ADOPTED: {IdeaStatus.UNDER_ASSESSMENT},
    IdeaStatus.NOT_PURSUED: {IdeaStatus.UNDER_ASSESSMENT, IdeaStatus.PUBLISHED},
    IdeaStatus.MERGED: set(),
    IdeaStatus.HIDDEN: {IdeaStatus.PUBLISHED},
}
# A public reason is owed to the author and the public for these outcomes.
REASON_REQUIRED = {IdeaStatus.NOT_PURSUED, IdeaStatus.HIDDEN, IdeaStatus.MERGED}
ASSISTED_ATTRIBUTION = {
    Channel.EMAIL: _("submitted by e-mail"),
    Channel.PHONE: _("submitted by telephone"),
    Channel.LETTER: _("submitted by letter"),
    Channel.EVENT: _("submitted at an event"),
}


def _validated_point(
    latitude: Decimal | None, longitude: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise ValidationError({"latitude": _("Please give both latitude and longitude, or neither.")})
    bounds = selectors.region_bounds()
    if bounds is None or not bounds.contains(latitude, longitude):
        raise ValidationError(
            {"latitude": _("This place lies outside the region. Please choose a place within the region.")}
        )
    return latitude, longitude


def _fill_idea(
    idea: Idea,
    *,
    title: str,
    body: str,
    municipality: Any,
    latitude: Decimal | None,
    longitude: Decimal | None,
    image: UploadedFile | None,
    image_alt: str,
) -> None:
    title, body = title.strip(), body.strip()
    if not title:
        raise ValidationError({"title": _("Please give your idea a title.")})
    if not body:
        raise ValidationError({"body": _("Please describe your idea.")})
    idea.title, idea.body, idea.body_html = title, body, render_markdown(body)
    idea.municipality = municipality
    idea.latitude, idea.longitude = _validated_point(latitude, longitude)
    if image is not None:
        if not image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Please describe what the image shows, for people who cannot see it.")}
            )
        try:
            cleaned = image_clean(image)
        except ValidationError as error:
            raise ValidationError({"image": error.messages}) from error
        # The re-encoded format's extension ("image.png"), so the file is served with its content type.
        idea.image.save(f"idea{os.path.splitext(cleaned.name or '')[1]}", cleaned, save=False)
    idea.image_alt = image_alt.strip()
    idea.search_text = search_document(title, body)


def _publish(idea: Idea, *, actor: Any) -> None:
    """Publish a new idea, count it in its process and tell the process's followers."""
    previous = idea.status
    idea.status = IdeaStatus.PUBLISHED
    idea.published_at = idea.published_at or timezone.now()
    idea.save(update_fields=["status", "published_at", "updated_at"])
    Process.objects.filter(pk=idea.process_id).update(idea_count=F("idea_count") + 1)
    IdeaEvent.objects.create(
        idea=idea,
        actor=actor,
        kind=IdeaEvent.Kind.STATUS_CHANGED,
        from_status=previous,
        to_status=idea.status,
    )
    transaction.on_commit(partial(tasks.notify_new_idea.enqueue, idea_id=idea.pk))


def _needs_premoderation(process: Process, author: Any) -> bool:
    if not process.premoderate_new_users:
        return False
    return not Idea.objects.filter(author=author, published_at__isnull=False).exists()


@transaction.atomic
def idea_create(
    *,
    author: Any,
    process: Process,
    title: str,
    body: str,
    domains: Iterable[Any],
    municipality: Any = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    image: UploadedFile | None = None,
    image_alt: str = "",
) -> Idea:
    """An idea submitted online; published at once or queued when the process pre-moderates newcomers."""
    authorize(author, "participation.propose_idea", process)
    domains = list(domains)
    if not domains:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    idea = Idea(process=process, author=author, channel=Channel.ONLINE)
    _fill_idea(
        idea,
        title=title,
        body=body,
        municipality=municipality,
        latitude=latitude,
        longitude=longitude,
        image=image,
        image_alt=image_alt,
    )
    idea.save()
    idea.domains.set(domains)
    IdeaEvent.objects.create(idea=idea, actor=author, kind=IdeaEvent.Kind.SUBMITTED, to_status=idea.status)
    Follow.objects.get_or_create(user=author, idea=idea)
    if not _needs_premoderation(process, author):
        _publish(idea, actor=author)
    return idea


@transaction.atomic
def idea_record_assisted(
    *,
    recorded_by: Any,
    process: Process,
    channel: str,
    title: str,
    body: str,
    domains: Iterable[Any],
    municipality: Any = None,
    contributor_name: str = "",
    contributor_contact: str = "",
    consent_given: bool = False,
    public_attribution: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    publish: bool = True,
    source_event: Any = None,
) -> Idea:
    """An idea staff record for a person who called, wrote or spoke at an event; never attributed to staff."""
    authorize(recorded_by, "participation.record_idea", process)
    if channel == Channel.ONLINE or channel not in Channel.values:
        raise ValidationError({"channel": _("Please choose how the idea reached us.")})
    if municipality is not None and not recorded_by.has_perm(
        "participation.moderate_idea", Idea(municipality=municipality)
    ):
        raise ValidationError(
            {"municipality": _("You may record ideas only for the municipalities you coordinate.")}
        )
    if contributor_contact.strip() and not consent_given:
        raise ValidationError(
            {
                "consent_given": _(
                    "Contact details may only be stored if the person agreed. Please confirm or remove them."
                )
            }
        )
    domains = list(domains)
    if not domains:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    idea = Idea(process=process, author=None, channel=channel, source_event=source_event)
    _fill_idea(
        idea,
        title=title,
        body=body,
        municipality=municipality,
        latitude=latitude,
        longitude=longitude,
        image=None,
        image_alt="",
    )
    idea.save()
    idea.domains.set(domains)
    AssistedContribution.objects.create(
        idea=idea,
        contributor_name=contributor_name.strip(),
        contributor_contact=contributor_contact.strip(),
        consent_given_at=timezone.now() if consent_given else None,
        recorded_by=recorded_by,
        public_attribution=public_attribution.strip() or str(ASSISTED_ATTRIBUTION[Channel(channel)]),
    )
    IdeaEvent.objects.create(
        idea=idea, actor=recorded_by, kind=IdeaEvent.Kind.SUBMITTED, to_status=idea.status
    )
    if publish:
        _publish(idea, actor=recorded_by)
    return idea


@transaction.atomic
def idea_update(
    *,
    actor: Any,
    idea: Idea,
    title: str,
    body: str,
    domains: Iterable[Any],
    municipality: Any = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    image: UploadedFile | None = None,
    image_alt: str = "",
) -> Idea:
    """Change an idea's content (its author while the phase allows it, or staff)."""
    authorize(actor, "participation.edit_idea", idea)
    domains = list(domains)
    if not domains:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    _fill_idea(
        idea,
        title=title,
        body=body,
        municipality=municipality,
        latitude=latitude,
        longitude=longitude,
        image=image,
        image_alt=image_alt or idea.image_alt,
    )
    idea.save()
    idea.domains.set(domains)
    IdeaEvent.objects.create(idea=idea, actor=actor, kind=IdeaEvent.Kind.EDITED)
    return idea


def _idea_version(idea: Idea) -> dict[str, Any]:
    """What the moderation can change of an idea, as JSON for its history."""
    return {
        "title": idea.title,
        "body": idea.body,
        "domains": sorted(domain.slug for domain in idea.domains.all()),
        "municipality": idea.municipality.slug if idea.municipality else None,
        "latitude": str(idea.latitude) if idea.latitude is not None else None,
        "longitude": str(idea.longitude) if idea.longitude is not None else None,
        "image": idea.image.name or None,
        "image_alt": idea.image_alt,
    }


def redaction_marker() -> str:
    """What replaces a redacted passage, in the site's language ("[entfernt]")."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("[removed]")


def _redact(text: str, passages: list[str]) -> str:
    for passage in passages:
        text = text.replace(passage, redaction_marker())
    return text


@transaction.atomic
def idea_edit_by_moderation(
    *,
    actor: User,
    idea: Idea,
    reason: str,
    title: str,
    body: str,
    domains: Iterable[Any],
    municipality: Any = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    image: UploadedFile | None = None,
    image_alt: str = "",
    remove_image: bool = False,
    redactions: Iterable[str] = (),
) -> Idea:
    """Correct and redact an idea in any status, with a public reason (shown as "edited by the moderation").

    Every passage in ``redactions`` is replaced by "[entfernt]" in the title and text as submitted. The
    version before is kept in the idea's history for staff; a removed or replaced image file is deleted,
    since files under MEDIA_URL are public. The author, or the e-mail contact of the person who sent the
    idea, is notified.
    """
    authorize(actor, "participation.redact_idea", idea)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a public reason for the edit.")})
    domains = list(domains)
    if not domains:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    if municipality is not None and municipality.pk != idea.municipality_id:
        # A coordinator may move an idea only to a municipality they coordinate as well.
        authorize(actor, "participation.redact_idea", Idea(municipality=municipality))
    passages = sorted({line.strip() for line in redactions if line.strip()}, key=len, reverse=True)
    missing = [passage for passage in passages if passage not in title and passage not in body]
    if missing:
        raise ValidationError(
            {
                "redactions": _("This passage does not occur in the title or the text: “%(passage)s”")
                % {"passage": missing[0]}
            }
        )
    current = Idea.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=idea.pk)
    previous = _idea_version(current)
    old_image = current.image.name if (remove_image or image is not None) else ""
    if remove_image and image is None:
        current.image, image_alt = None, ""
    _fill_idea(
        current,
        title=_redact(title, passages),
        body=_redact(body, passages),
        municipality=municipality,
        latitude=latitude,
        longitude=longitude,
        image=image,
        image_alt=image_alt if (image is not None or current.image) else "",
    )
    current.moderation_note = reason[:300]
    current.save()
    current.domains.set(domains)
    event = IdeaEvent.objects.create(
        idea=current,
        actor=actor,
        kind=IdeaEvent.Kind.MODERATED,
        reason=current.moderation_note,
        data={"previous": previous, "redacted_passages": len(passages)},
    )
    if old_image and old_image != current.image.name:
        storage = current.image.storage
        transaction.on_commit(partial(storage.delete, old_image))
    # The pages, the API and the feeds show the new text once the edit commits.
    pages_changed(PAGES)
    transaction.on_commit(
        partial(tasks.notify_idea_moderated.enqueue, idea_id=current.pk, actor_id=actor.pk, event_id=event.pk)
    )
    return current


@transaction.atomic
def idea_domains_assign(*, actor: User, idea: Idea, domains: Iterable[Any]) -> Idea:
    """File an idea under domains of life (a moderator deciding a category suggestion).

    Filing is not an edit of what the author wrote: the idea keeps its moderation note and the author is
    not told, unlike ``idea_edit_by_moderation``. The change is recorded in the idea's history for staff.
    """
    authorize(actor, "participation.redact_idea", idea)
    domains = list(domains)
    if not domains:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    current = Idea.objects.select_for_update(of=("self",)).get(pk=idea.pk)
    previous = sorted(domain.slug for domain in current.domains.all())
    current.domains.set(domains)
    IdeaEvent.objects.create(
        idea=current,
        actor=actor,
        kind=IdeaEvent.Kind.EDITED,
        data={"previous_domains": previous, "domains": sorted(domain.slug for domain in domains)},
    )
    pages_changed(PAGES)
    return current


def _recount_supports(*idea_ids: int) -> None:
    counts = (
        Support.objects.filter(idea_id=OuterRef("pk")).values("idea_id").annotate(n=Count("pk")).values("n")
    )
    Idea.objects.filter(pk__in=idea_ids).update(support_count=Coalesce(Subquery(counts), 0))


def idea_status_change(
    *, actor: Any, idea: Idea, status: str, reason: str = "", merged_into: Idea | None = None
) -> Idea:
    """Move an idea along its workflow with a public reason; merging carries supports over once per person."""
    authorize(actor, "participation.moderate_idea", idea)
    if merged_into is not None:
        # Merging writes to the target too (its supports): the moderator must be allowed to moderate it.
        authorize(actor, "participation.moderate_idea", merged_into)
    return _status_change(actor=actor, idea=idea, status=status, reason=reason, merged_into=merged_into)


def idea_lock(idea: Idea) -> Idea:
    """The idea's row, locked until the transaction ends: the first lock of every write that decides on the
    idea's status or counts (see "Writes decide on the locked row" in docs/architecture.md)."""
    return Idea.objects.select_for_update().get(pk=idea.pk)


def idea_adopt(*, actor: Any, idea: Idea, reason: str) -> Idea:
    """Mark an idea adopted because a measure took it up. Only strategy.services calls this, holding the
    idea's lock (:func:`idea_lock`) and after asking ``strategy.link_idea`` for the measure and the idea."""
    if idea.status == IdeaStatus.ADOPTED:
        return idea
    return _status_change(actor=actor, idea=idea, status=IdeaStatus.ADOPTED, reason=reason)


def idea_unadopt(*, actor: Any, idea: Idea, reason: str) -> Idea:
    """Put an idea back under assessment when the last measure let it go (same caller, lock and rules)."""
    if idea.status != IdeaStatus.ADOPTED:
        return idea
    return _status_change(actor=actor, idea=idea, status=IdeaStatus.UNDER_ASSESSMENT, reason=reason)


@transaction.atomic
def _status_change(
    *, actor: Any, idea: Idea, status: str, reason: str, merged_into: Idea | None = None
) -> Idea:
    # Lock in id order, so two merges of the same pair in opposite directions cannot deadlock.
    locked = {
        row.pk: row
        for row in Idea.objects.select_for_update()
        .filter(pk__in=[idea.pk] + ([merged_into.pk] if merged_into else []))
        .order_by("pk")
    }
    current = locked[idea.pk]
    if current.status == status == IdeaStatus.ADOPTED:
        return current  # a second measure took the idea up meanwhile: it stays adopted
    if status not in STATUS_TRANSITIONS.get(current.status, set()):
        raise ValidationError(
            {
                "status": _("An idea that is “%(current)s” cannot become “%(new)s”.")
                % {"current": current.get_status_display(), "new": IdeaStatus(status).label}
            }
        )
    reason = reason.strip()
    if status in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Please give a public reason for this decision.")})
    if status == IdeaStatus.MERGED:
        target = locked.get(merged_into.pk) if merged_into else None
        if (
            target is None
            or target.pk == idea.pk
            or target.process_id != idea.process_id
            or not target.is_public
            or target.status == IdeaStatus.MERGED  # its supports would land on an idea nobody sees
        ):
            raise ValidationError(
                {"merged_into": _("Please choose another published idea of the same process.")}
            )
        # Supports move to the target unless the person supports it already; the rest are dropped.
        already = Support.objects.filter(idea=target).values("user_id")
        Support.objects.filter(idea=idea).exclude(user_id__in=already).update(idea=target)
        Support.objects.filter(idea=idea).delete()
        _recount_supports(idea.pk, target.pk)
        current.merged_into = target
    previous = current.status
    first_publication = status == IdeaStatus.PUBLISHED and current.published_at is None
    if first_publication:
        current.published_at = timezone.now()
    current.status, current.status_reason = status, reason
    current.save(update_fields=["status", "status_reason", "merged_into", "published_at", "updated_at"])
    # The process counts its public ideas; moving in or out of public view changes that count.
    delta = int(status in PUBLIC_IDEA_STATUSES) - int(previous in PUBLIC_IDEA_STATUSES)
    if delta:
        Process.objects.filter(pk=current.process_id).update(idea_count=F("idea_count") + delta)
    event = IdeaEvent.objects.create(
        idea=current,
        actor=actor,
        kind=IdeaEvent.Kind.MERGED if status == IdeaStatus.MERGED else IdeaEvent.Kind.STATUS_CHANGED,
        from_status=previous,
        to_status=status,
        reason=reason,
    )
    transaction.on_commit(
        partial(tasks.notify_idea_status.enqueue, idea_id=current.pk, actor_id=actor.pk, event_id=event.pk)
    )
    if first_publication:
        transaction.on_commit(partial(tasks.notify_new_idea.enqueue, idea_id=current.pk))
    return current


def idea_approve(*, actor: Any, idea: Idea) -> Idea:
    """Publish an idea from the moderation queue."""
    return idea_status_change(actor=actor, idea=idea, status=IdeaStatus.PUBLISHED)


def _lock_for_supports(user: Any, idea: Idea) -> Idea:
    """Lock the idea before touching its supports, as a merge does: otherwise a support written for a
    merge's target waits for the idea while the merge waits for that support (a deadlock). An idea whose
    status changed meanwhile (merged, hidden) is asked about again, as it is now. Returns the locked row."""
    locked = idea_lock(idea)
    if locked.status != idea.status:
        locked.process = idea.process
        authorize(user, "participation.support_idea", locked)
    return locked


def _support_count_add(idea: Idea, delta: int, *, status: str | None = None) -> int | None:
    """Add ``delta`` to the idea's support count (with ``status``: only while the idea still has it) and
    return the new count, None when no row matched. The UPDATE locks the idea's row.

    ``UPDATE … RETURNING`` (PostgreSQL, SQLite 3.35+) gives the count in the same round trip; the ORM's
    ``update()`` returns only the number of rows.
    """
    table = connection.ops.quote_name(Idea._meta.db_table)
    params: list[Any] = [delta, idea.pk]
    condition = ""
    if status is not None:
        condition = " AND status = %s"
        params.append(status)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET support_count = support_count + %s WHERE id = %s{condition} "  # noqa: S608 - names ours, values bound
            "RETURNING support_count",
            params,
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def support_add(*, user: Any, idea: Idea) -> bool:
    """Support an idea; returns False when the person supported it already (idempotent). Afterwards
    ``idea.support_count`` is the count stored.

    The count goes up first: that UPDATE locks the idea's row as ``_lock_for_supports`` does, in one round
    trip instead of a SELECT ... FOR UPDATE, as long as the idea's status is still the one the permission
    was asked about (otherwise the lock and the question again). The unique constraint decides under
    concurrency: a support that exists already rolls the whole transaction back, its increment with it.
    """
    authorize(user, "participation.support_idea", idea)
    try:
        with transaction.atomic():
            count = _support_count_add(idea, 1, status=idea.status)
            if count is None:
                _lock_for_supports(user, idea)
                count = _support_count_add(idea, 1)
            Support.objects.create(idea=idea, user=user)
    except IntegrityError:
        idea.refresh_from_db(fields=["support_count"])
        return False
    if count is not None:  # always: the idea's row is locked
        idea.support_count = count
    return True


def support_withdraw(*, user: Any, idea: Idea) -> bool:
    """Withdraw a support while the phase allows supporting; returns False when there was none. Afterwards
    ``idea.support_count`` is the count stored."""
    authorize(user, "participation.support_idea", idea)
    with transaction.atomic():
        count: int | None = _lock_for_supports(user, idea).support_count
        deleted, _counts = Support.objects.filter(idea=idea, user=user).delete()
        if deleted:
            count = _support_count_add(idea, -1)
    if count is not None:  # always: the idea's row is locked
        idea.support_count = count
    return bool(deleted)


@transaction.atomic
def comment_create(*, author: Any, idea: Idea, body: str, parent: Comment | None = None) -> Comment:
    """Comment on an idea or reply to a top-level comment (replies go one level deep)."""
    authorize(author, "participation.comment_idea", idea)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Please write a comment.")})
    if parent is not None and (parent.idea_id != idea.pk or parent.parent_id is not None):
        raise ValidationError({"parent": _("You can only reply to a top-level comment of this idea.")})
    comment = Comment.objects.create(
        idea=idea, parent=parent, author=author, body=body, body_html=render_markdown(body)
    )
    Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    Follow.objects.get_or_create(user=author, idea=idea)
    transaction.on_commit(partial(tasks.notify_new_comment.enqueue, comment_id=comment.pk))
    return comment


def comment_edit(*, actor: Any, comment: Comment, body: str) -> Comment:
    """Correct one's own comment shortly after writing it."""
    authorize(actor, "participation.edit_comment", comment)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Please write a comment.")})
    with transaction.atomic():
        # Deleted or hidden meanwhile: the text must not come back.
        comment = _comment_lock(comment)
        authorize(actor, "participation.edit_comment", comment)
        comment.body, comment.body_html, comment.edited_at = body, render_markdown(body), timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at", "updated_at"])
    return comment


def _comment_lock(comment: Comment) -> Comment:
    """The comment's row, locked: hiding, unhiding and deleting decide on it, never on the loaded copy."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    locked.idea = comment.idea
    return locked


def _count_comment(before: bool, comment: Comment) -> None:
    """Change the idea's comment count when the comment's visibility changed (``before`` the old one)."""
    delta = int(comment.is_visible) - int(before)
    if delta:
        Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") + delta)


@transaction.atomic
def comment_delete(*, actor: Any, comment: Comment) -> Comment:
    """Delete one's own comment; it keeps its place in the thread, marked as deleted, without its text."""
    authorize(actor, "participation.delete_comment", comment)
    locked = _comment_lock(comment)
    if locked.is_deleted:
        return locked  # a double submit: deleted once, counted once
    authorize(actor, "participation.delete_comment", locked)  # hidden meanwhile: no longer the author's
    before = locked.is_visible
    locked.is_deleted, locked.body, locked.body_html = True, "", ""
    locked.save(update_fields=["is_deleted", "body", "body_html", "updated_at"])
    _count_comment(before, locked)
    return locked


def _moderation_event(*, actor: Any, action: str, reason: str = "", **targets: Any) -> None:
    ModerationEvent.objects.create(actor=actor, action=action, reason=reason, **targets)


@transaction.atomic
def comment_hide(*, actor: Any, comment: Comment, reason: str) -> Comment:
    """Hide a comment with a reason shown in its place."""
    authorize(actor, "participation.moderate_comment", comment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for hiding the comment.")})
    comment = _comment_lock(comment)
    if comment.is_hidden:
        return comment
    before = comment.is_visible
    comment.is_hidden, comment.hidden_reason = True, reason
    comment.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    _count_comment(before, comment)
    _moderation_event(
        actor=actor,
        action=ModerationEvent.Action.HIDE_COMMENT,
        reason=reason,
        comment=comment,
        idea=comment.idea,
    )
    return comment


@transaction.atomic
def comment_unhide(*, actor: Any, comment: Comment) -> Comment:
    """Show a hidden comment again."""
    authorize(actor, "participation.moderate_comment", comment)
    comment = _comment_lock(comment)
    if not comment.is_hidden:
        return comment
    before = comment.is_visible
    comment.is_hidden, comment.hidden_reason = False, ""
    comment.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    _count_comment(before, comment)
    _moderation_event(
        actor=actor, action=ModerationEvent.Action.UNHIDE_COMMENT, comment=comment, idea=comment.idea
    )
    return comment


@transaction.atomic
def comment_highlight(*, actor: Any, comment: Comment, highlighted: bool) -> Comment:
    """Highlight a helpful comment (shown first) or remove the highlight."""
    authorize(actor, "participation.moderate_comment", comment)
    if comment.is_highlighted != highlighted:
        comment.is_highlighted = highlighted
        comment.save(update_fields=["is_highlighted", "updated_at"])
        action = (
            ModerationEvent.Action.HIGHLIGHT_COMMENT
            if highlighted
            else ModerationEvent.Action.UNHIGHLIGHT_COMMENT
        )
        _moderation_event(actor=actor, action=action, comment=comment, idea=comment.idea)
    return comment


def report_create(
    *, reporter: Any, reason: str, comment: Comment | None = None, idea: Idea | None = None
) -> Report:
    """Report a comment or an idea to the moderators, once per person."""
    authorize(reporter, "participation.report", comment or idea)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please tell us what is wrong.")})
    try:
        with transaction.atomic():
            return Report.objects.create(reporter=reporter, reason=reason, comment=comment, idea=idea)
    except IntegrityError as error:
        raise ValidationError(_("You have reported this already. The moderators will look at it.")) from error


@transaction.atomic
def report_resolve(*, actor: Any, report: Report) -> Report:
    """Mark a report as handled."""
    authorize(
        actor,
        "participation.moderate_comment" if report.comment_id else "participation.moderate_idea",
        report.comment or report.idea,
    )
    report.resolved_at = timezone.now()
    report.save(update_fields=["resolved_at"])
    _moderation_event(
        actor=actor, action=ModerationEvent.Action.RESOLVE_REPORT, comment=report.comment, idea=report.idea
    )
    return report


@transaction.atomic
def user_block(*, actor: Any, user: Any, reason: str, until: Any = None) -> ParticipationBlock:
    """Block a person from contributing (they can still read and export or delete their data)."""
    authorize(actor, "participation.block_user", user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for the block.")})
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot block yourself."))
    block, _created = ParticipationBlock.objects.update_or_create(
        user=user, defaults={"reason": reason, "until": until}
    )
    _moderation_event(actor=actor, action=ModerationEvent.Action.BLOCK_USER, reason=reason, target_user=user)
    return block


@transaction.atomic
def user_unblock(*, actor: Any, user: Any) -> None:
    """Lift a block."""
    authorize(actor, "participation.block_user", user)
    if ParticipationBlock.objects.filter(user=user).delete()[0]:
        _moderation_event(actor=actor, action=ModerationEvent.Action.UNBLOCK_USER, target_user=user)


def follow_set(
    *, user: Any, following: bool, idea: Idea | None = None, process: Process | None = None
) -> None:
    """Follow or stop following an idea or a process (idempotent)."""
    authorize(user, "participation.follow", idea or process)
    if following:
        Follow.objects.get_or_create(user=user, idea=idea, process=process)
    else:
        Follow.objects.filter(user=user, idea=idea, process=process).delete()


def notifications_mark_read(*, user: Any) -> int:
    """Mark all of a person's notifications as read."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def contributor_notifications_stop(*, assisted: AssistedContribution) -> None:
    """Stop news about an idea to the e-mail contact of the person who brought it in (idempotent)."""
    AssistedContribution.objects.filter(pk=assisted.pk, notifications_stopped_at__isnull=True).update(
        notifications_stopped_at=timezone.now()
    )


def digest_set(*, user: Any, enabled: bool) -> None:
    """Switch the daily e-mail digest on or off."""
    NotificationPreference.objects.update_or_create(user=user, defaults={"email_digest": enabled})


def personal_data_erase_for(user: Any) -> None:
    """On account deletion: drop follows, notifications, reports and the digest setting; ideas and
    comments stay (the account row is anonymised), supports stay so that counts remain true."""
    Follow.objects.filter(user=user).delete()
    user.notifications.all().delete()
    Report.objects.filter(reporter=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    ParticipationBlock.objects.filter(user=user).delete()
