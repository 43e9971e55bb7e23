"""The staff pages of the offline insights: queues, one-click decisions through the existing services,
clusterings with progress, briefings; German errors on bad input, constant query counts."""

import pytest
from django.urls import reverse

from smartregion.insights import analyses
from smartregion.insights.models import (
    CategorySuggestion,
    Cluster,
    ClusterMember,
    ClusterRun,
    DuplicatePair,
    PairStatus,
    RunStatus,
    SuggestionStatus,
)
from smartregion.participation.models import Idea, IdeaStatus, Notification, Support
from smartregion.strategy.models import Goal, IdeaLink, Measure

from ..factories import UserFactory
from ..participation.factories import DomainFactory, IdeaFactory, ProcessFactory
from .corpus import TOPICS, ideas

REPOST = "Zwischen Andernach und Weissenthurm fehlt ein sichrer Radwg für Kinder. Sicherer Radweg an der B9."
ORIGINAL = (
    "Sicherer Radweg an der B9. Zwischen Andernach und Weißenthurm fehlt ein sicherer Radweg für Kinder."
)


@pytest.fixture
def process(db):
    return ProcessFactory(phase="active")


@pytest.fixture
def domains(db):
    return {topic: DomainFactory(name=topic.title(), slug=topic) for topic in TOPICS}


def _pair(process, **fields):
    first = IdeaFactory(process=process, title="Radweg B9", body=ORIGINAL)
    second = IdeaFactory(process=process, title="Radweg an der B9", body=REPOST)
    analyses.duplicates_find(process=process, only=[second.pk])
    return DuplicatePair.objects.get(first=first, second=second)


def _labelled(process, domains, count=20):
    made = []
    for topic, title, body in ideas(count):
        made.append(IdeaFactory(process=process, title=title, body=body, domains=[domains[topic]]))
    return made


@pytest.mark.parametrize("role", ["anonymous", "citizen", "coordinator", "expert"])
@pytest.mark.parametrize("name", ["insights:duplicates", "insights:suggestions"])
def test_queues_are_closed_to_everybody_but_staff(client, signed_in, role, name):
    signed_in(role)
    response = client.get(reverse(name))
    assert response.status_code == (302 if role == "anonymous" else 403)


def test_a_new_idea_is_paired_with_its_repost_by_the_task(process, django_capture_on_commit_callbacks):
    first = IdeaFactory(process=process, title="Radweg B9", body=ORIGINAL)
    IdeaFactory(process=process, title="Bäume", body="Mehr Bäume auf dem Marktplatz in Mayen pflanzen.")
    with django_capture_on_commit_callbacks(execute=True):
        second = IdeaFactory(process=process, title="Radweg an der B9", body=REPOST)
    pair = DuplicatePair.objects.get()
    assert (pair.first_id, pair.second_id) == (first.pk, second.pk)
    assert pair.score > 0.7


def test_moderator_merges_a_pair_and_supports_move(client, signed_in, process):
    pair = _pair(process)
    Support.objects.create(idea=pair.second, user=UserFactory())
    moderator = signed_in("moderator")
    page = client.get(reverse("insights:duplicates"))
    assert "Radweg an der B9" in page.content.decode()
    response = client.post(
        reverse("insights:duplicate_decide", args=[pair.pk]),
        {"action": "merge", f"pair{pair.pk}-keep": pair.first_id, f"pair{pair.pk}-reason": "Gleiche Idee."},
    )
    assert response.status_code == 302
    second = Idea.objects.get(pk=pair.second_id)
    assert (second.status, second.merged_into_id) == (IdeaStatus.MERGED, pair.first_id)
    assert Idea.objects.get(pk=pair.first_id).support_count == 1
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (PairStatus.MERGED, moderator)
    assert "Radweg an der B9" not in client.get(reverse("insights:duplicates")).content.decode()


def test_a_merge_without_reason_keeps_the_input_and_explains_in_german(client, signed_in, process):
    pair = _pair(process)
    signed_in("moderator")
    response = client.post(
        reverse("insights:duplicate_decide", args=[pair.pk]),
        {"action": "merge", f"pair{pair.pk}-keep": pair.second_id, f"pair{pair.pk}-reason": ""},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert Idea.objects.get(pk=pair.first_id).status == IdeaStatus.PUBLISHED
    response = client.post(
        reverse("insights:duplicate_decide", args=[pair.pk]),
        {"action": "merge", f"pair{pair.pk}-keep": "999999", f"pair{pair.pk}-reason": "x"},
    )
    assert response.status_code == 400


def test_dismissed_pairs_stay_dismissed(client, signed_in, process):
    pair = _pair(process)
    signed_in("moderator")
    client.post(reverse("insights:duplicate_decide", args=[pair.pk]), {"action": "dismiss"})
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISMISSED
    analyses.duplicates_find(process=process)
    assert DuplicatePair.objects.get().status == PairStatus.DISMISSED
    again = client.post(reverse("insights:duplicate_decide", args=[pair.pk]), {"action": "dismiss"})
    assert again.status_code == 302


@pytest.mark.parametrize("name", ["insights:duplicates", "insights:suggestions"])
def test_queue_queries_do_not_grow(client, signed_in, process, domains, name):
    signed_in("moderator")
    _labelled(process, domains, count=7)
    analyses.category_model_train(process=process)

    def add_rows():
        pair = _pair(ProcessFactory(phase="active"))
        CategorySuggestion.objects.create(
            idea=pair.first,
            model=analyses.category_model_current(process)[0],
            suggested=[[domains["umwelt"].pk, 0.9]],
        )

    add_rows()
    before = _count(client, reverse(name))
    for _ in range(5):
        add_rows()
    assert _count(client, reverse(name)) == before


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_suggestions_are_trained_made_and_accepted_in_one_click(
    client, signed_in, process, domains, django_capture_on_commit_callbacks
):
    _labelled(process, domains)
    stored = analyses.category_model_train(process=process)
    assert stored is not None
    assert stored.version == 1
    assert stored.trained_on == 60
    wrong = IdeaFactory(
        process=process,
        title="Glasfaser für Mayen",
        body="In Mayen braucht es dringend Glasfaser und schnelles Internet. Das Funkloch am Bahnhof stört.",
        domains=[domains["umwelt"]],
    )
    assert analyses.suggestions_make(process=process, ideas=[wrong]) == 1
    suggestion = CategorySuggestion.objects.get(idea=wrong)
    assert suggestion.suggested[0][0] == domains["digitales"].pk
    assert 0 < suggestion.suggested[0][1] <= 1
    assert [d.pk for d in wrong.domains.all()] == [domains["umwelt"].pk]  # never applied by itself
    moderator = signed_in("moderator")
    page = client.get(reverse("insights:suggestions")).content.decode()
    assert "Glasfaser für Mayen" in page
    assert "Digitales" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insights:suggestion_decide", args=[suggestion.pk]), {"action": "accept"}
        )
    assert response.status_code == 302
    assert domains["digitales"] in wrong.domains.all()
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (SuggestionStatus.ACCEPTED, moderator)
    # Filed under a domain, recorded for staff; not a moderation edit: no note, the author is not told.
    event = wrong.events.get(kind="edited")
    assert event.data == {"previous_domains": ["umwelt"], "domains": ["digitales"]}
    assert not wrong.events.filter(kind="moderated").exists()
    wrong.refresh_from_db()
    assert wrong.moderation_note == ""
    assert not Notification.objects.filter(idea=wrong).exists()
    # A decided suggestion is not asked again, even after retraining.
    assert analyses.suggestions_make(process=process, ideas=[wrong]) == 0


def test_a_suggestion_is_corrected_or_dismissed(client, signed_in, process, domains):
    _labelled(process, domains)
    analyses.category_model_train(process=process)
    one, two = (
        IdeaFactory(
            process=process,
            title=f"WLAN {n}",
            body="Freies WLAN und Glasfaser im Bürgerbüro.",
            domains=[domains["mobilitaet"]],
        )
        for n in (1, 2)
    )
    analyses.suggestions_make(process=process, ideas=[one, two])
    first, second = CategorySuggestion.objects.order_by("idea_id")
    signed_in("moderator")
    url = reverse("insights:suggestion_decide", args=[first.pk])
    empty = client.post(url, {"action": "correct"}, HTTP_ACCEPT_LANGUAGE="de")
    assert empty.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in empty.content.decode()
    chosen = [domains["digitales"].pk, domains["umwelt"].pk]
    assert client.post(url, {"action": "correct", "domains": chosen}).status_code == 302
    assert sorted(d.pk for d in one.domains.all()) == sorted(chosen)
    assert CategorySuggestion.objects.get(pk=first.pk).status == SuggestionStatus.CORRECTED
    client.post(reverse("insights:suggestion_decide", args=[second.pk]), {"action": "dismiss"})
    assert [d.pk for d in two.domains.all()] == [domains["mobilitaet"].pk]
    assert CategorySuggestion.objects.get(pk=second.pk).status == SuggestionStatus.DISMISSED
    nothing = client.post(reverse("insights:suggestion_decide", args=[second.pk]), {"action": "accept"})
    assert nothing.status_code == 302  # already decided: told so, nothing changes


def test_too_few_labels_train_nothing(process, domains):
    _labelled(process, domains, count=3)
    assert analyses.category_model_train(process=process) is None
    assert not analyses.category_model_needs_training(process)


def test_the_office_clusters_renames_moves_and_makes_a_draft_measure(  # noqa: PLR0917 - fixtures
    client, signed_in, process, domains, strategy, django_capture_on_commit_callbacks
):
    made = _labelled(process, domains, count=12)
    office = signed_in("program_office")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:clusterings", args=[process.slug]))
    run = ClusterRun.objects.get()
    assert response.url == reverse("insights:clustering", args=[run.pk])
    assert (run.status, run.progress, run.idea_count, run.started_by) == (RunStatus.DONE, 100, 36, office)
    page = client.get(response.url).content.decode()
    clusters = list(Cluster.objects.filter(run=run))
    assert len(clusters) >= 2
    assert all(c.name in page for c in clusters)
    status = client.get(reverse("insights:clustering_status", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    first, second = clusters[:2]
    client.post(reverse("insights:cluster_edit", args=[first.pk]), {"action": "rename", "name": "Radverkehr"})
    assert Cluster.objects.get(pk=first.pk).name == "Radverkehr"
    blank = client.post(reverse("insights:cluster_edit", args=[first.pk]), {"action": "rename", "name": " "})
    assert blank.status_code == 400
    member = ClusterMember.objects.filter(cluster=second).first()
    client.post(
        reverse("insights:cluster_edit", args=[second.pk]),
        {"action": "move", "member": member.pk, "target": first.pk},
    )
    assert ClusterMember.objects.get(pk=member.pk).cluster_id == first.pk
    response = client.post(
        reverse("insights:cluster_edit", args=[first.pk]),
        {"action": "measure", "title": "Sichere Wege", "strategy": strategy.pk},
    )
    assert response.status_code == 302
    measure = Measure.objects.get(title="Sichere Wege")
    assert not measure.is_published
    linked = set(IdeaLink.objects.filter(measure=measure).values_list("idea_id", flat=True))
    assert linked == set(ClusterMember.objects.filter(cluster=first).values_list("idea_id", flat=True))
    assert linked <= {i.pk for i in made}
    again = client.post(
        reverse("insights:cluster_edit", args=[first.pk]),
        {"action": "measure", "title": "Noch einmal", "strategy": strategy.pk},
    )
    assert again.status_code == 400


def test_the_office_chooses_the_number_of_clusters_within_bounds(
    client, signed_in, process, domains, django_capture_on_commit_callbacks
):
    _labelled(process, domains, count=12)
    signed_in("program_office")
    url = reverse("insights:clusterings", args=[process.slug])
    for wrong in ("1", "26", "viele"):
        refused = client.post(url, {"clusters": wrong}, HTTP_ACCEPT_LANGUAGE="de")
        assert refused.status_code == 400
        assert "Anzahl der Gruppen" in refused.content.decode()
    assert not ClusterRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"clusters": "7"})
    run = ClusterRun.objects.get()
    assert (run.requested_clusters, run.status) == (7, RunStatus.DONE)
    assert Cluster.objects.filter(run=run).count() == 7


def test_a_cluster_becomes_a_draft_goal_drawn_from_its_ideas(
    client, signed_in, process, domains, django_capture_on_commit_callbacks
):
    _labelled(process, domains, count=12)
    signed_in("program_office")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("insights:clusterings", args=[process.slug]), {"clusters": ""})
    run = ClusterRun.objects.get()
    assert run.requested_clusters is None  # chosen by the server
    cluster = Cluster.objects.filter(run=run).first()
    url = reverse("insights:cluster_edit", args=[cluster.pk])
    response = client.post(url, {"action": "goal", "title": "Sicher unterwegs"})
    assert response.status_code == 302
    goal = Goal.objects.get(title="Sicher unterwegs")
    members = set(ClusterMember.objects.filter(cluster=cluster).values_list("idea_id", flat=True))
    assert not goal.is_published
    assert set(goal.ideas.values_list("pk", flat=True)) == members
    assert goal.domains.exists()
    # A goal is a direction: its ideas are not marked adopted, and the public does not see the draft.
    assert not Idea.objects.filter(pk__in=members, status=IdeaStatus.ADOPTED).exists()
    assert "Sicher unterwegs" not in client.get("/api/v1/goals").content.decode()
    page = client.get(reverse("insights:clustering", args=[run.pk])).content.decode()
    assert "Sicher unterwegs" in page
    again = client.post(url, {"action": "goal", "title": "Noch ein Ziel"}, HTTP_ACCEPT_LANGUAGE="de")
    assert again.status_code == 400
    assert "bereits ein Ziel" in again.content.decode()


def test_moderators_read_clusters_but_do_not_run_them(client, signed_in, process):
    signed_in("moderator")
    assert client.get(reverse("insights:clusterings", args=[process.slug])).status_code == 200
    assert client.post(reverse("insights:clusterings", args=[process.slug])).status_code == 403
    assert not ClusterRun.objects.exists()


def test_clustering_page_queries_do_not_grow(client, signed_in, process, domains):
    signed_in("program_office")
    _labelled(process, domains, count=5)
    small = ClusterRun.objects.create(process=process)
    analyses.cluster_compute(run=small)
    url_small = reverse("insights:clustering", args=[small.pk])
    _labelled(process, domains, count=15)
    big = ClusterRun.objects.create(process=process)
    analyses.cluster_compute(run=big)
    assert Cluster.objects.filter(run=big).count() >= 1
    assert _count(client, url_small) == _count(client, reverse("insights:clustering", args=[big.pk]))


def test_briefing_shows_keywords_and_sentences_with_filters(client, signed_in, process, domains):
    _labelled(process, domains, count=5)
    signed_in("moderator")
    url = reverse("insights:briefing", args=[process.slug])
    page = client.get(url, {"lebensbereich": domains["umwelt"].pk}).content.decode()
    assert "Schlüsselwörter von 5 Ideen" in page or "Keywords of 5 ideas" in page
    bad = client.get(url, {"gemeinde": "abc"})
    assert bad.status_code == 400


def test_overview_links_every_process_for_staff_only(client, signed_in, process):
    signed_in("citizen")
    assert client.get(reverse("insights:overview")).status_code == 403
    signed_in("moderator")
    page = client.get(reverse("insights:overview")).content.decode()
    assert reverse("insights:clusterings", args=[process.slug]) in page
    assert reverse("insights:duplicates") in page
    queue = client.get(reverse("participation:moderation")).content.decode()
    assert reverse("insights:overview") in queue
