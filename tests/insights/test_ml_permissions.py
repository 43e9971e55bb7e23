"""Role x state matrix of the insights permissions: staff only, decided things stay decided."""

import pytest
from django.contrib.auth.models import AnonymousUser

from smartregion.insights.models import (
    CategorySuggestion,
    ClusterRun,
    DuplicatePair,
    PairStatus,
    RunStatus,
    SuggestionStatus,
)

from ..conftest import ROLES

Y, N = True, False

#                                  anon citiz moder coord exper office
ROLE_ONLY = {
    "insights.view_duplicates":   (N, N, Y, N, N, Y),
    "insights.view_suggestions":  (N, N, Y, N, N, Y),
    "insights.view_clusters":     (N, N, Y, N, N, Y),
    "insights.view_briefing":     (N, N, Y, N, N, Y),
    "insights.run_clustering":    (N, N, N, N, N, Y),
}  # fmt: skip

STATES = {
    "insights.decide_duplicate": [
        (DuplicatePair(status=PairStatus.OPEN), (N, N, Y, N, N, Y)),
        (DuplicatePair(status=PairStatus.DISMISSED), (N, N, N, N, N, N)),
        (DuplicatePair(status=PairStatus.MERGED), (N, N, N, N, N, N)),
    ],
    "insights.decide_suggestion": [
        (CategorySuggestion(status=SuggestionStatus.OPEN), (N, N, Y, N, N, Y)),
        (CategorySuggestion(status=SuggestionStatus.ACCEPTED), (N, N, N, N, N, N)),
        (CategorySuggestion(status=SuggestionStatus.DISMISSED), (N, N, N, N, N, N)),
    ],
    "insights.edit_cluster": [
        (ClusterRun(status=RunStatus.DONE), (N, N, N, N, N, Y)),
        (ClusterRun(status=RunStatus.RUNNING), (N, N, N, N, N, N)),
        (ClusterRun(status=RunStatus.FAILED), (N, N, N, N, N, N)),
    ],
}


@pytest.mark.parametrize(
    ("perm", "role", "expected"),
    [(perm, role, row[i]) for perm, row in ROLE_ONLY.items() for i, role in enumerate(ROLES)],
)
def test_role_permissions(make_person, perm, role, expected):
    person = make_person(role)
    assert (person or AnonymousUser()).has_perm(perm) is expected


@pytest.mark.parametrize(
    ("perm", "obj", "role", "expected"),
    [
        (perm, obj, role, row[i])
        for perm, cases in STATES.items()
        for obj, row in cases
        for i, role in enumerate(ROLES)
    ],
    ids=lambda value: getattr(value, "status", value),
)
def test_state_permissions(make_person, perm, obj, role, expected):
    person = make_person(role)
    assert (person or AnonymousUser()).has_perm(perm, obj) is expected
