"""The ten domains of life of the MYK strategy (DOMAIN.md), the versions of the strategy, and the expert
board's first assessment round."""

import datetime
import random
from typing import Any

from django.utils import timezone

from smartregion.accounts.models import User
from smartregion.core.markdown import render_markdown
from smartregion.core.text import slugify_de
from smartregion.participation.models import Idea, IdeaStatus

from .assessment import assessment_submit
from .models import AssessmentRound, Criterion, Domain, Measure, StrategyVersion

DOMAINS = (
    "Wirtschaft",
    "Tourismus",
    "Gesundheit",
    "Bildung",
    "Kommunikationsinfrastruktur",
    "Mobilität und Verkehr",
    "Energie",
    "Umwelt",
    "Digitale Souveränität",
    "Stadt- und Landentwicklung",
)


def seed_domains() -> list[Domain]:
    """Create the ten domains; safe to run again."""
    return [
        Domain.objects.update_or_create(slug=slugify_de(name), defaults={"name": name, "position": index})[0]
        for index, name in enumerate(DOMAINS)
    ]


VERSIONS = (
    (
        "Smart-Region-Strategie MYK10, Fassung 1.0",
        StrategyVersion.Status.ADOPTED,
        (
            "Erste Fassung: fünf Ziele, elf Handlungsfelder und die ersten Maßnahmen aus der Ideensammlung "
            "und den Werkstätten in allen zehn Kommunen."
        ),
        ("Kreistag Mayen-Koblenz", datetime.date(2026, 9, 29), "Drucksache 0815/2026"),
    ),
    (
        "Smart-Region-Strategie MYK10, Fassung 1.1 (Entwurf)",
        StrategyVersion.Status.DRAFT,
        "- Neue Maßnahmen aus der zweiten Ideensammlung\n- Open-Source-Strategie als eigenes Handlungsfeld",
        ("", None, ""),
    ),
)


def seed_versions() -> None:
    """The adopted first version and a draft of the next; safe to run again."""
    for title, status, changes, (body, day, reference) in VERSIONS:
        StrategyVersion.objects.get_or_create(
            title=title,
            defaults={
                "status": status,
                "changes": changes,
                "changes_html": render_markdown(changes),
                "decided_by": body,
                "decided_on": day,
                "decision_reference": reference,
            },
        )


CRITERIA = (
    ("Wirkung", "Wie viel verbessert der Vorschlag das Leben im Landkreis?", 3),
    ("Umsetzbarkeit", "Lässt sich der Vorschlag mit den vorhandenen Partnern und Mitteln umsetzen?", 2),
    ("Kosten", "Stehen die Kosten in einem guten Verhältnis zum Nutzen? (5: sehr günstig)", 2),
    ("Teilhabe", "Erreicht der Vorschlag alle, auch Ältere, Menschen mit Behinderung und Offliner?", 2),
    ("Nachhaltigkeit", "Trägt sich der Vorschlag nach der Förderung, schont er Klima und Ressourcen?", 2),
    ("Regionale Reichweite", "Nützt der Vorschlag vielen Kommunen statt einer einzelnen?", 1),
)
ROUND_TITLE = "Bewertungsrunde Herbst 2026: Ideen und Maßnahmen"
BOARD = ("eva.experte@example.org", *(f"beirat{n:02d}@example.org" for n in range(2, 13)))


def seed_assessment(*, people: list[Any], measures: list[Measure]) -> AssessmentRound:
    """The six criteria and an open round over the ten most supported ideas and five measures, which
    eight of the twelve board members have partly assessed (one with a conflict of interest); the
    results are not yet published. Safe to run again: an existing round is left as it is."""
    criteria = [
        Criterion.objects.update_or_create(
            name=name, defaults={"description": description, "weight": weight, "position": index}
        )[0]
        for index, (name, description, weight) in enumerate(CRITERIA)
    ]
    existing = AssessmentRound.objects.filter(title=ROUND_TITLE).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    assessment_round = AssessmentRound.objects.create(
        title=ROUND_TITLE,
        description="Der Expertenbeirat bewertet die meistunterstützten Ideen und die ersten Maßnahmen.",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
    )
    ideas = list(
        Idea.objects.filter(
            status__in=(IdeaStatus.PUBLISHED, IdeaStatus.UNDER_ASSESSMENT, IdeaStatus.ADOPTED)
        ).order_by("-support_count", "id")[:10]
    )
    chosen_measures = measures[:5]
    assessment_round.ideas.set(ideas)
    assessment_round.measures.set(chosen_measures)
    by_email = {user.email: user for user in User.objects.filter(email__in=BOARD)}
    board = [by_email[email] for email in BOARD if email in by_email]
    rng = random.Random(2026)  # noqa: S311  (demo data, not security)
    candidates: list[tuple[Idea | None, Measure | None]] = [(idea, None) for idea in ideas] + [
        (None, measure) for measure in chosen_measures
    ]
    for index, expert in enumerate(rng.sample(board, min(8, len(board)))):
        for number, (idea, measure) in enumerate(rng.sample(candidates, rng.randint(3, len(candidates)))):
            conflict = index == 0 and number == 0
            assessment_submit(
                expert=expert,
                round=assessment_round,
                idea=idea,
                measure=measure,
                scores={} if conflict else {c.pk: rng.randint(2, 5) for c in criteria},
                comment="" if conflict else rng.choice(COMMENTS),
                conflict=conflict,
                conflict_note="Ich berate den Träger dieses Vorhabens." if conflict else "",
            )
    return assessment_round


COMMENTS = (
    "Überzeugender Ansatz, der Betrieb nach der Förderung ist aber noch offen.",
    "Hoher Nutzen für die ländlichen Ortsgemeinden.",
    "Gut umsetzbar mit den vorhandenen Partnern.",
    "Kosten erscheinen hoch; eine Pilotphase in zwei Kommunen wäre sinnvoll.",
    "Barrierefreiheit sollte von Anfang an mitgedacht werden.",
    "",
)
