"""The offline insights in the browser: a moderator merges a duplicate from the queue and accepts a
suggested domain in one click; the office clusters a process and turns a cluster into a draft measure.
Every page and error state is checked with axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.insights import analyses
from smartregion.insights.models import CategorySuggestion, Cluster, DuplicatePair, PairStatus
from smartregion.participation.models import Idea, IdeaStatus
from smartregion.strategy.models import Domain, IdeaLink, Measure
from smartregion.web.demo import DemoData

from ..insights.corpus import TOPICS, ideas
from ..participation.factories import IdeaFactory
from .support import AxeAudit, sign_in, submit

pytestmark = pytest.mark.browser

MODERATOR = "mira.moderation@example.org"
OFFICE = "paul.programmbuero@example.org"
ORIGINAL = "Zwischen Andernach und Weißenthurm fehlt ein sicherer Radweg für Kinder. Bitte bauen Sie ihn."
REPOST = "Bitte bauen Sie ihn. Zwischen Andernach und Weissenthurm fehlt ein sichrer Radwg für Kinder."


def _topic_domains() -> dict[str, Domain]:
    return dict(zip(TOPICS, Domain.objects.order_by("position", "pk")[:3], strict=True))


def test_a_moderator_merges_a_duplicate_from_the_queue(
    page: Page, live_server: LiveServer, demo_data: DemoData
):
    process = demo_data.process
    first = IdeaFactory(process=process, title="Radweg nach Weißenthurm", body=ORIGINAL)
    second = IdeaFactory(process=process, title="Radweg Weißenthurm", body=REPOST)
    analyses.duplicates_find(process=process, only=[second.pk])
    pair = DuplicatePair.objects.get(first=first, second=second)

    audit = AxeAudit()
    sign_in(page, MODERATOR, DEMO_PASSWORD)
    page.goto(reverse("insights:duplicates"))
    expect(page.locator("h1")).to_contain_text("Mögliche Dubletten")
    card = page.locator("article", has_text="Radweg Weißenthurm")
    expect(card).to_contain_text("Ähnlichkeit")
    audit.check(page)

    card.get_by_label("Öffentliche Begründung").fill("")
    with page.expect_navigation():
        card.get_by_role("button", name="Zusammenführen").click()
    expect(page.locator("main")).to_contain_text("Dieses Feld ist zwingend erforderlich.")
    audit.check(page)

    page.get_by_label("Radweg nach Weißenthurm").check()
    page.get_by_label("Öffentliche Begründung").fill("Dieselbe Idee, die Unterstützungen sind übertragen.")
    with page.expect_navigation():
        page.get_by_role("button", name="Zusammenführen").click()
    expect(page.locator(".sr-messages")).to_contain_text("zusammengeführt")
    expect(page.locator("main")).not_to_contain_text("Radweg Weißenthurm (#")
    audit.check(page)
    audit.assert_clean()

    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == (IdeaStatus.MERGED, first.pk)
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.MERGED


def test_a_moderator_accepts_a_suggested_domain(page: Page, live_server: LiveServer, demo_data: DemoData):
    process = demo_data.process
    domains = _topic_domains()
    for topic, title, body in ideas(15):
        IdeaFactory(process=process, title=title, body=body, domains=[domains[topic]])
    assert analyses.category_model_train(process=process) is not None
    idea = IdeaFactory(
        process=process,
        title="Glasfaser und WLAN für Mayen",
        body="In Mayen braucht es dringend Glasfaser und freies WLAN. Das Funkloch am Bahnhof stört sehr.",
        domains=[domains["umwelt"]],
    )
    analyses.suggestions_make(process=process, ideas=[idea])
    suggestion = CategorySuggestion.objects.get(idea=idea)

    audit = AxeAudit()
    sign_in(page, MODERATOR, DEMO_PASSWORD)
    page.goto(reverse("insights:suggestions"))
    card = page.locator("article", has_text="Glasfaser und WLAN für Mayen")
    expect(card).to_contain_text(domains["digitales"].name)
    expect(card).to_contain_text("Sicherheit")
    audit.check(page)
    with page.expect_navigation():
        card.get_by_role("button", name="Vorschlag übernehmen").click()
    expect(page.locator(".sr-messages")).to_contain_text("Die vorgeschlagenen Lebensbereiche sind")
    audit.check(page)
    audit.assert_clean()

    assert domains["digitales"] in Idea.objects.get(pk=idea.pk).domains.all()
    assert CategorySuggestion.objects.get(pk=suggestion.pk).status == "accepted"


def test_the_office_clusters_ideas_and_makes_a_draft_measure(
    page: Page, live_server: LiveServer, demo_data: DemoData
):
    process = demo_data.process
    domains = _topic_domains()
    for topic, title, body in ideas(10):
        IdeaFactory(process=process, title=title, body=body, domains=[domains[topic]])

    audit = AxeAudit()
    sign_in(page, OFFICE, DEMO_PASSWORD)
    page.goto(reverse("insights:clusterings", args=[process.slug]))
    audit.check(page)
    submit(page)
    # The task runs when the run is committed; the page shows either the progress or the result.
    expect(page.locator("h1")).to_contain_text("Gruppierung von")
    audit.check(page)
    if page.locator("#run-progress").count():
        page.reload()
    expect(page.locator("main")).to_contain_text("Typische Ideen")
    cluster = Cluster.objects.filter(run__process=process).order_by("position").first()
    section = page.locator(f"#cluster-{cluster.pk}")
    section.locator("summary").click()
    audit.check(page)
    section.get_by_label("Titel der Maßnahme").fill("Maßnahme aus Ideen")
    with page.expect_navigation():
        section.get_by_role("button", name="Maßnahmenentwurf daraus machen").click()
    expect(page.locator(".sr-messages")).to_contain_text("Maßnahmenentwurf „Maßnahme aus Ideen“ ist angelegt")
    audit.check(page)
    audit.assert_clean()

    measure = Measure.objects.get(title="Maßnahme aus Ideen")
    assert not measure.is_published
    assert IdeaLink.objects.filter(measure=measure).count() == cluster.members.count()
