"""Writes for the strategy: goals, measures and the ideas they take up. Each service asks the permission rules
(strategy/rules.py) itself and records what it changed in the measure's audit history."""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from smartregion.accounts.predicates import is_program_office
from smartregion.core.markdown import render_markdown
from smartregion.core.permissions import authorize
from smartregion.core.text import slugify_de
from smartregion.participation import services as participation
from smartregion.participation.models import Idea, IdeaStatus

from . import tasks
from .models import Domain, Goal, IdeaLink, Measure, MeasureEvent, Strategy

# Ideas a measure can take up: public and not yet decided otherwise.
LINKABLE_IDEA_STATUSES = (IdeaStatus.PUBLISHED, IdeaStatus.UNDER_ASSESSMENT, IdeaStatus.ADOPTED)


def record(
    measure: Measure, *, actor: Any, kind: str, before: Any = None, after: Any = None, reason: str = ""
) -> MeasureEvent:
    """Append an entry to the measure's audit history."""
    return MeasureEvent.objects.create(
        measure=measure, actor=actor, kind=kind, reason=reason, data={"before": before, "after": after}
    )


def _unique_slug(title: str, model: type[Measure | Goal] = Measure) -> str:
    base = slugify_de(title)[:180] or ("ziel" if model is Goal else "massnahme")
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save_with_free_slug(item: Measure | Goal, attempts: int = 5) -> None:
    """Insert a new measure or goal; when one of the same title took the slug meanwhile (the unique
    constraint decides), take the next free one."""
    model = type(item)
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                item.save()
            return
        except IntegrityError:
            if attempt == attempts - 1 or not model.objects.filter(slug=item.slug).exists():
                raise
            item.slug = _unique_slug(item.title, model)


def _check_scope(actor: Any, municipalities: list[Any]) -> None:
    """Coordinators keep measures within their own municipalities; the office may choose any, or none."""
    if is_program_office(actor):
        return
    own = {municipality_id for role, municipality_id in actor.role_grants if role == "coordinator"}
    if not municipalities or any(m.pk not in own for m in municipalities):
        raise ValidationError({"municipalities": _("Please choose only municipalities you coordinate.")})


@transaction.atomic
def measure_create(
    *,
    actor: Any,
    strategy: Strategy,
    title: str,
    summary: str,
    body: str = "",
    domains: Iterable[Domain],
    municipalities: Iterable[Any] = (),
    is_published: bool = False,
) -> Measure:
    authorize(actor, "strategy.add_measure")
    domains, municipalities = list(domains), list(municipalities)
    if not domains:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    _check_scope(actor, municipalities)
    measure = Measure(
        strategy=strategy,
        title=title.strip(),
        slug=_unique_slug(title),
        summary=summary.strip(),
        body=body,
        body_html=render_markdown(body),
        is_published=is_published,
    )
    measure.full_clean(exclude=["slug"])
    _save_with_free_slug(measure)
    measure.domains.set(domains)
    measure.municipalities.set(municipalities)
    record(measure, actor=actor, kind=MeasureEvent.Kind.CREATED, after={"title": measure.title})
    return measure


@transaction.atomic
def goal_create(
    *,
    actor: Any,
    title: str,
    summary: str,
    domains: Iterable[Domain],
    ideas: Iterable[Idea] = (),
    is_published: bool = False,
) -> Goal:
    """A new goal of the strategy, a draft unless published, with the ideas it was drawn from."""
    authorize(actor, "strategy.add_goal")
    domains = list(domains)
    if not domains:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    goal = Goal(title=title.strip(), summary=summary.strip(), is_published=is_published)
    goal.slug = _unique_slug(goal.title, Goal)
    goal.full_clean(exclude=["slug"])
    _save_with_free_slug(goal)
    goal.domains.set(domains)
    goal.ideas.set(list(ideas))
    return goal


@transaction.atomic
def measure_update(
    *,
    actor: Any,
    measure: Measure,
    strategy: Strategy,
    title: str,
    summary: str,
    body: str,
    domains: Iterable[Domain],
    municipalities: Iterable[Any],
    is_published: bool,
) -> Measure:
    authorize(actor, "strategy.change_measure", measure)
    domains, municipalities = list(domains), list(municipalities)
    if not domains:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    _check_scope(actor, municipalities)
    before = {"title": measure.title, "published": measure.is_published}
    measure.strategy, measure.title, measure.summary = strategy, title.strip(), summary.strip()
    measure.body, measure.body_html, measure.is_published = body, render_markdown(body), is_published
    measure.full_clean()
    measure.save()
    measure.domains.set(domains)
    measure.municipalities.set(municipalities)
    record(
        measure,
        actor=actor,
        kind=MeasureEvent.Kind.CHANGED,
        before=before,
        after={"title": measure.title, "published": measure.is_published},
    )
    return measure


@transaction.atomic
def idea_link(*, actor: Any, measure: Measure, idea: Idea, note: str = "") -> IdeaLink:
    """Take an idea up into a measure: the idea becomes "adopted", its people are told."""
    authorize(actor, "strategy.link_idea", measure)
    # Linking changes the idea's status: ask about the idea too. An idea the person may not moderate
    # gets the form's answer for an unknown number, so the form cannot probe for ideas either.
    if not actor.has_perm("participation.moderate_idea", idea):
        unknown = _("There is no idea with this number or address on this site. Please search for it above.")
        raise ValidationError({"idea": unknown})
    # Lock order: the idea, then the measure (see docs/architecture.md).
    idea = participation.idea_lock(idea)
    if idea.status not in LINKABLE_IDEA_STATUSES:
        raise ValidationError({"idea": _("Only published ideas can be taken up into a measure.")})
    already = ValidationError({"idea": _("This idea is already linked to the measure.")})
    if IdeaLink.objects.filter(measure=measure, idea=idea).exists():
        raise already
    try:
        with transaction.atomic():
            link = IdeaLink.objects.create(measure=measure, idea=idea, note=note.strip(), created_by=actor)
    except IntegrityError:
        raise already from None
    Measure.objects.filter(pk=measure.pk).update(idea_count=F("idea_count") + 1)
    participation.idea_adopt(actor=actor, idea=idea, reason=_adoption_reason(measure))
    record(
        measure, actor=actor, kind=MeasureEvent.Kind.IDEA_LINKED, after={"idea": idea.pk, "note": link.note}
    )
    return link


def _adoption_reason(measure: Measure) -> str:
    """The idea's public reason: names the measure only once the measure itself is public."""
    if not measure.is_published:
        return _("Taken up into a measure that is still being prepared.")
    return _("Taken up into the measure “%(measure)s”.") % {"measure": measure.title}


@transaction.atomic
def idea_unlink(*, actor: Any, link: IdeaLink) -> None:
    """Let an idea go again; when no measure holds it any more it returns to assessment."""
    measure = link.measure
    authorize(actor, "strategy.link_idea", measure)
    idea = participation.idea_lock(link.idea)
    deleted, _rows = IdeaLink.objects.filter(pk=link.pk).delete()
    if not deleted:
        return  # a double submit: unlinked and counted once
    Measure.objects.filter(pk=measure.pk).update(idea_count=F("idea_count") - 1)
    if not IdeaLink.objects.filter(idea=idea).exists():
        participation.idea_unadopt(
            actor=actor, idea=idea, reason=_("No measure takes this idea up any more; it is assessed again.")
        )
    record(measure, actor=actor, kind=MeasureEvent.Kind.IDEA_UNLINKED, before={"idea": idea.pk})


def notify_linked_people(event: MeasureEvent, *, kind: str, detail: str, actor: Any) -> None:
    """After the current transaction commits, tell the people behind the measure's ideas what ``event``
    (the history entry of the change) recorded."""
    transaction.on_commit(
        partial(
            tasks.notify_measure_update.enqueue,
            measure_id=event.measure_id,
            kind=kind,
            detail=detail,
            actor_id=getattr(actor, "pk", None),
            event_id=event.pk,
        )
    )
