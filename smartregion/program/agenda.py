"""The yearly Digitale Agenda: every published measure's profile frozen into a snapshot, adopted by the
council, compared year by year.

A profile is plain JSON (``SCHEMA_VERSION``): texts, labels already in German, amounts as decimal strings,
dates in ISO format. Nothing in a frozen profile points back into the models, so renaming a field, a
status or a funding source later cannot change what the council adopted. Readers of a profile
(:func:`compare`, the PDF, the pages) read only this schema; a new schema version gets its own reader.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartregion.core.permissions import authorize
from smartregion.strategy.models import Measure

from .models import (
    AdoptedSnapshotError,
    AgendaSnapshot,
    BudgetLine,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    Responsibility,
)
from .monitoring import monitoring_of, with_monitoring
from .templatetags.program import euro, figure

SCHEMA_VERSION = 1


# --- Freezing ------------------------------------------------------------------------------------------


def _profile(measure: Measure) -> dict[str, Any]:
    monitoring = monitoring_of(measure)
    lines = sorted(
        measure.budget_lines.all(), key=lambda line: (line.year, line.source.position, line.source.name)
    )
    indicators = []
    for indicator in measure.indicators.all():
        values = list(indicator.values.all())
        latest = values[-1] if values else None
        indicators.append(
            {
                "id": indicator.pk,
                "name": indicator.name,
                "kind": indicator.kind,
                "kind_label": str(indicator.get_kind_display()),
                "unit": indicator.unit,
                "baseline": str(indicator.baseline),
                "baseline_on": indicator.baseline_on.isoformat() if indicator.baseline_on else None,
                "baseline_source": indicator.baseline_source,
                "cadence": str(indicator.get_cadence_display()),
                "target": str(indicator.target),
                "target_on": indicator.target_on.isoformat() if indicator.target_on else None,
                "targets": [{"year": t.year, "value": str(t.value)} for t in indicator.targets.all()],
                "latest": {
                    "value": str(latest.value),
                    "measured_on": latest.measured_on.isoformat(),
                    "source": latest.source,
                }
                if latest
                else None,
            }
        )
    leads = [r for r in measure.responsibilities.all() if r.role == Responsibility.Role.LEAD]
    contact = leads[0].organization if leads else None
    return {
        "id": measure.pk,
        "slug": measure.slug,
        "title": measure.title,
        "summary": measure.summary,
        "description": measure.body,
        "goal": measure.strategy.goal.title,
        "strategy": measure.strategy.title,
        "domains": [domain.name for domain in measure.domains.all()],
        "municipalities": [municipality.name for municipality in measure.municipalities.all()],
        "status": measure.status,
        "status_label": str(measure.get_status_display()),
        "progress": measure.progress,
        "monitoring": monitoring.state,
        "monitoring_label": monitoring.label,
        "monitoring_reason": monitoring.reason,
        "responsible": [
            {
                "organization": r.organization.name,
                "role": r.role,
                "role_label": str(r.get_role_display()),
            }
            for r in measure.responsibilities.all()
        ],
        "contact": {
            "organization": contact.name,
            "email": contact.contact_email,
            "phone": contact.contact_phone,
        }
        if contact
        else None,
        "financing": [
            {
                "source": line.source.name,
                "year": line.year,
                "planned": str(line.planned),
                "committed": str(line.committed),
                "spent": str(line.spent),
            }
            for line in lines
        ],
        "planned": str(measure.budget_planned),
        "committed": str(measure.budget_committed),
        "spent": str(measure.budget_spent),
        "milestones": [
            {
                "id": milestone.pk,
                "title": milestone.title,
                "due_on": milestone.due_on.isoformat(),
                "done_on": milestone.done_on.isoformat() if milestone.done_on else None,
            }
            for milestone in measure.milestones.all()
        ],
        "indicators": indicators,
    }


def published_measures(today: date | None = None) -> list[Measure]:
    """Every published measure with all its profile reads, in a fixed number of queries."""
    measures = (
        Measure.objects.filter(is_published=True)
        .select_related("strategy__goal")
        .prefetch_related(
            "domains",
            "municipalities",
            Prefetch("responsibilities", queryset=Responsibility.objects.select_related("organization")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("source")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("name", "pk").prefetch_related(
                    Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year")),
                    Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on")),
                ),
            ),
        )
    )
    return list(with_monitoring(measures, today))


def freeze_profiles(today: date | None = None) -> list[dict[str, Any]]:
    """The profiles of every published measure as they stand, labels in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return [_profile(measure) for measure in published_measures(today)]


# --- Writes --------------------------------------------------------------------------------------------


def _year(year: Any) -> int:
    try:
        number = int(year)
    except (TypeError, ValueError):
        number = 0
    if not 2000 <= number <= 2100:
        raise ValidationError({"year": _("Please give a year between 2000 and 2100.")})
    return number


@transaction.atomic
def snapshot_create(*, actor: Any, year: Any, title: str = "") -> AgendaSnapshot:
    """Freeze the profiles of all published measures as the draft agenda of a year (one per year)."""
    authorize(actor, "program.manage_agenda")
    year = _year(year)
    taken = ValidationError({"year": _("There is already a Digitale Agenda for this year.")})
    if AgendaSnapshot.objects.filter(year=year).exists():
        raise taken
    snapshot = AgendaSnapshot(
        year=year,
        title=title.strip() or _("Digitale Agenda %(year)s") % {"year": year},
        schema_version=SCHEMA_VERSION,
        profiles=freeze_profiles(),
        frozen_at=timezone.now(),
        created_by=actor,
    )
    snapshot.full_clean()
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:
        raise taken from None
    return snapshot


def _lock_draft(snapshot: AgendaSnapshot) -> AgendaSnapshot:
    locked = AgendaSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if locked.is_adopted:
        raise AdoptedSnapshotError(_("This Digitale Agenda is adopted and can no longer be changed."))
    return locked


@transaction.atomic
def snapshot_refresh(*, actor: Any, snapshot: AgendaSnapshot) -> AgendaSnapshot:
    """Freeze a draft again from the measures as they stand now; an adopted agenda refuses."""
    authorize(actor, "program.manage_agenda", snapshot)
    locked = _lock_draft(snapshot)
    locked.profiles, locked.schema_version, locked.frozen_at = (
        freeze_profiles(),
        SCHEMA_VERSION,
        timezone.now(),
    )
    locked.save(update_fields=["profiles", "schema_version", "frozen_at"])
    return locked


@transaction.atomic
def snapshot_adopt(
    *,
    actor: Any,
    snapshot: AgendaSnapshot,
    decided_by: str,
    decided_on: date | None,
    decision_reference: str,
    oparl_url: str = "",
) -> AgendaSnapshot:
    """Record the council's decision: from now on the agenda never changes."""
    authorize(actor, "program.manage_agenda", snapshot)
    errors = {}
    if not decided_by.strip():
        errors["decided_by"] = _("Please name the body that decided, for example the county council.")
    if decided_on is None:
        errors["decided_on"] = _("Please give the day of the decision.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("This date lies in the future.")
    if not decision_reference.strip():
        errors["decision_reference"] = _(
            "Please give the reference of the decision, for example the paper's number."
        )
    oparl_url = oparl_url.strip()
    if oparl_url:
        try:
            URLValidator(schemes=["http", "https"])(oparl_url)
        except ValidationError:
            errors["oparl_url"] = _("Please give a web address starting with https://.")
    if errors:
        raise ValidationError(errors)
    locked = _lock_draft(snapshot)
    # The row's status decides: the update touches only a draft (AgendaSnapshotQuerySet skips adopted rows).
    AgendaSnapshot.objects.filter(pk=locked.pk, status=AgendaSnapshot.Status.DRAFT).update(
        status=AgendaSnapshot.Status.ADOPTED,
        decided_by=decided_by.strip(),
        decided_on=decided_on,
        decision_reference=decision_reference.strip(),
        oparl_url=oparl_url,
    )
    return AgendaSnapshot.objects.get(pk=locked.pk)


@transaction.atomic
def snapshot_delete(*, actor: Any, snapshot: AgendaSnapshot) -> None:
    """Delete a draft; an adopted agenda refuses."""
    authorize(actor, "program.manage_agenda", snapshot)
    _lock_draft(snapshot).delete()


# --- Comparing -----------------------------------------------------------------------------------------


def _day(value: str | None) -> str:
    return date_format(date.fromisoformat(value), "DATE_FORMAT") if value else "–"


def _money(value: Any) -> str:
    return euro(Decimal(value or 0))


@dataclass(frozen=True)
class MeasureChanges:
    """What changed in one measure between two agendas, by topic, each a German sentence."""

    title: str
    slug: str
    state: str  # "changed", "added", "removed"
    money: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)

    @property
    def topics(self) -> list[tuple[str, list[str]]]:
        return [
            (label, items)
            for label, items in (
                (_("Money"), self.money),
                (_("Status"), self.status),
                (_("Milestones"), self.milestones),
                (_("Indicators"), self.indicators),
            )
            if items
        ]


@dataclass(frozen=True)
class Comparison:
    older: AgendaSnapshot
    newer: AgendaSnapshot
    measures: list[MeasureChanges]
    unchanged: int


def _money_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    texts = []
    for key, label in (("planned", _("Planned")), ("committed", _("Committed")), ("spent", _("Paid"))):
        if Decimal(old.get(key) or 0) != Decimal(new.get(key) or 0):
            texts.append(
                _("%(label)s in total: %(after)s instead of %(before)s.")
                % {"label": label, "after": _money(new.get(key)), "before": _money(old.get(key))}
            )
    before = {(line["source"], line["year"]): line["planned"] for line in old.get("financing", [])}
    after = {(line["source"], line["year"]): line["planned"] for line in new.get("financing", [])}
    for source, year in sorted(before.keys() | after.keys(), key=lambda key: (key[1], key[0])):
        was, now = Decimal(before.get((source, year)) or 0), Decimal(after.get((source, year)) or 0)
        if was != now:
            texts.append(
                _("Planned from “%(source)s” for %(year)s: %(after)s instead of %(before)s.")
                % {"source": source, "year": year, "after": _money(now), "before": _money(was)}
            )
    return texts


def _status_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    texts = []
    if old.get("status") != new.get("status"):
        texts.append(
            _("Status “%(after)s” instead of “%(before)s”.")
            % {"after": new.get("status_label"), "before": old.get("status_label")}
        )
    if old.get("monitoring") != new.get("monitoring"):
        texts.append(
            _("Monitoring “%(after)s” instead of “%(before)s”.")
            % {"after": new.get("monitoring_label") or "–", "before": old.get("monitoring_label") or "–"}
        )
    if old.get("progress") != new.get("progress"):
        texts.append(
            _("Progress %(after)s %% instead of %(before)s %%.")
            % {"after": new.get("progress"), "before": old.get("progress")}
        )
    return texts


def _milestone_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    texts = []
    before = {m["id"]: m for m in old.get("milestones", [])}
    after = {m["id"]: m for m in new.get("milestones", [])}
    for key in sorted(after.keys() - before.keys()):
        texts.append(
            _("New milestone “%(title)s”, due on %(due)s.")
            % {"title": after[key]["title"], "due": _day(after[key]["due_on"])}
        )
    for key in sorted(before.keys() - after.keys()):
        texts.append(_("Milestone “%(title)s” dropped.") % {"title": before[key]["title"]})
    for key in sorted(before.keys() & after.keys()):
        was, now = before[key], after[key]
        if was["due_on"] != now["due_on"]:
            texts.append(
                _("Milestone “%(title)s” moved from %(before)s to %(after)s.")
                % {"title": now["title"], "before": _day(was["due_on"]), "after": _day(now["due_on"])}
            )
        if was["done_on"] != now["done_on"]:
            if now["done_on"]:
                texts.append(
                    _("Milestone “%(title)s” reached on %(day)s.")
                    % {"title": now["title"], "day": _day(now["done_on"])}
                )
            else:
                texts.append(_("Milestone “%(title)s” is open again.") % {"title": now["title"]})
    return texts


def _indicator_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    texts = []
    before = {i["id"]: i for i in old.get("indicators", [])}
    after = {i["id"]: i for i in new.get("indicators", [])}
    for key in sorted(after.keys() - before.keys()):
        texts.append(_("New indicator “%(name)s”.") % {"name": after[key]["name"]})
    for key in sorted(before.keys() - after.keys()):
        texts.append(_("Indicator “%(name)s” dropped.") % {"name": before[key]["name"]})
    for key in sorted(before.keys() & after.keys()):
        was, now = before[key], after[key]
        name, unit = now["name"], now["unit"]
        if Decimal(was["baseline"]) != Decimal(now["baseline"]) or was["baseline_on"] != now["baseline_on"]:
            texts.append(
                _("“%(name)s”: baseline %(after)s %(unit)s (%(day)s) instead of %(before)s %(unit)s.")
                % {
                    "name": name,
                    "after": figure(now["baseline"]),
                    "before": figure(was["baseline"]),
                    "unit": unit,
                    "day": _day(now["baseline_on"]),
                }
            )
        old_path = {t["year"]: Decimal(t["value"]) for t in was.get("targets", [])}
        new_path = {t["year"]: Decimal(t["value"]) for t in now.get("targets", [])}
        for year in sorted(old_path.keys() | new_path.keys()):
            if old_path.get(year) != new_path.get(year):
                texts.append(
                    _("“%(name)s”: target for %(year)s %(after)s instead of %(before)s.")
                    % {
                        "name": name,
                        "year": year,
                        "after": figure(new_path.get(year)) or "–",
                        "before": figure(old_path.get(year)) or "–",
                    }
                )
        if was.get("latest") != now.get("latest") and now.get("latest"):
            latest = now["latest"]
            texts.append(
                _("“%(name)s”: latest value %(value)s %(unit)s of %(day)s (source: %(source)s).")
                % {
                    "name": name,
                    "value": figure(latest["value"]),
                    "unit": unit,
                    "day": _day(latest["measured_on"]),
                    "source": latest["source"],
                }
            )
    return texts


def compare(first: AgendaSnapshot, second: AgendaSnapshot) -> Comparison:
    """What changed per measure from the older to the newer of two agendas (no query)."""
    older, newer = sorted((first, second), key=lambda snapshot: (snapshot.year, snapshot.pk))
    before = {profile["id"]: profile for profile in older.profiles}
    after = {profile["id"]: profile for profile in newer.profiles}
    changes: list[MeasureChanges] = []
    unchanged = 0
    for key in [p["id"] for p in newer.profiles] + [p["id"] for p in older.profiles if p["id"] not in after]:
        new, old = after.get(key), before.get(key)
        if old is None and new is not None:
            changes.append(MeasureChanges(new["title"], new["slug"], "added"))
            continue
        if new is None and old is not None:
            changes.append(MeasureChanges(old["title"], old["slug"], "removed"))
            continue
        if old is None or new is None:
            continue
        item = MeasureChanges(
            new["title"],
            new["slug"],
            "changed",
            money=_money_changes(old, new),
            status=_status_changes(old, new),
            milestones=_milestone_changes(old, new),
            indicators=_indicator_changes(old, new),
        )
        if item.topics:
            changes.append(item)
        else:
            unchanged += 1
    return Comparison(older, newer, changes, unchanged)


def agenda_list(*, viewer: Any) -> list[AgendaSnapshot]:
    """The agendas the viewer may see, newest year first (the public: the adopted ones)."""
    snapshots = AgendaSnapshot.objects.defer("profiles").order_by("-year")
    if not viewer.has_perm("program.view_agenda", None):
        snapshots = snapshots.filter(status=AgendaSnapshot.Status.ADOPTED)
    return list(snapshots)


def profile_total(profiles: Iterable[dict[str, Any]], key: str) -> Decimal:
    """The sum of one amount ("planned", "committed", "spent") over frozen profiles."""
    return sum((Decimal(profile.get(key) or 0) for profile in profiles), Decimal(0))
