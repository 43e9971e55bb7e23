"""Role by state matrix for the expert board's assessment permissions (STYLE.md rule 6).

States of a round: not yet open, open, closed (results unpublished), and closed with published results.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from smartregion.strategy.models import AssessmentRound

from ..conftest import ROLES

Y, N = True, False
STATES = ("before", "open", "closed", "published")

#                                               anon citiz moder coord exper office
MATRIX = {
    "strategy.assess": {
        "before":                               (N, N, N, N, N, N),
        "open":                                 (N, N, N, N, Y, N),
        "closed":                               (N, N, N, N, N, N),
        "published":                            (N, N, N, N, N, N),
    },
    "strategy.view_assessment_round": {
        "before":                               (N, N, N, N, Y, Y),
        "open":                                 (N, N, N, N, Y, Y),
        "closed":                               (N, N, N, N, Y, Y),
        "published":                            (N, N, N, N, Y, Y),
    },
    "strategy.view_assessment_results": {
        "before":                               (N, N, N, N, N, Y),
        "open":                                 (N, N, N, N, N, Y),
        "closed":                               (N, N, N, N, N, Y),
        "published":                            (Y, Y, Y, Y, Y, Y),
    },
    "strategy.publish_assessment": {
        "before":                               (N, N, N, N, N, Y),
        "open":                                 (N, N, N, N, N, Y),
        "closed":                               (N, N, N, N, N, Y),
        "published":                            (N, N, N, N, N, Y),
    },
}  # fmt: skip


def _round(state: str) -> AssessmentRound:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    opens, closes = {
        "before": (today + day, today + 10 * day),
        "open": (today - day, today + day),
        "closed": (today - 10 * day, today - day),
        "published": (today - 10 * day, today - day),
    }[state]
    return AssessmentRound.objects.create(
        title=state,
        opens_on=opens,
        closes_on=closes,
        results_published_at=timezone.now() if state == "published" else None,
    )


@pytest.mark.parametrize(
    ("perm", "state", "role", "expected"),
    [
        (perm, state, role, rows[state][i])
        for perm, rows in MATRIX.items()
        for state in STATES
        for i, role in enumerate(ROLES)
    ],
)
def test_permission(make_person, perm, state, role, expected):
    person = make_person(role) or AnonymousUser()
    assert person.has_perm(perm, _round(state)) is expected


def test_the_round_opens_and_closes_on_the_day_itself(make_person):
    expert = make_person("expert")
    today = timezone.localdate()
    assert expert.has_perm(
        "strategy.assess", AssessmentRound.objects.create(title="a", opens_on=today, closes_on=today)
    )


@pytest.mark.parametrize("perm", MATRIX)
def test_inactive_people_have_no_rights(make_person, perm):
    for role in ("expert", "program_office"):
        person = make_person(role)
        person.is_active = False
        person.save()
        assert not person.has_perm(perm, _round("open"))
