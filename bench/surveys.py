"""Surveys under load: answering at 16 clients, and the results page of a survey with 20 questions and
50,000 responses.

What it does
    1. Seeds a database of its own (var/bench/surveys.sqlite3, or the PostgreSQL database
       smartregion_bench_surveys): the region, one process whose survey phase runs, a survey open to anyone
       with 20 questions (single and multiple choice, scales, a matrix, a ranking, numbers, texts) and
       50,000 responses across the municipalities and channels, about 20 answer rows each, results
       published. ``--scale`` multiplies the responses; a seeded database of the same scale is reused.
    2. Serves it with gunicorn (bench/participation.py's server: 2 sync workers, bench/settings.py), with
       and without the page cache.
    3. Sends load from 16 threads: the trivial view (the ceiling), the results page as an anonymous
       visitor (cached, then uncached), and anonymous answers: POSTs each from another browser (no
       cookie) and another address, each answering three questions.
    4. Checks that every acknowledged answer (a redirect) is stored exactly once: the survey's responses
       grew by exactly the number acknowledged and the count kept by the service agrees with the rows.

Targets (issue 12): answering at least 200 responses/s with every acknowledged response stored once; the
results page at least 0.35 of the ceiling with the page cache, p99 of the uncached render below 300 ms.
The load generator shares the machine with the server; the script reports and asserts nothing (it exits
with 1 only when a response was lost or doubled).

Usage: .venv/bin/python bench/surveys.py [--db sqlite|postgres] [--scale 1.0] [--duration 10]
"""

import argparse
import datetime
import os
import random
import string
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.participation import (
    BENCH_DIR,
    PING,
    Call,
    django_setup,
    each_once,
    load,
    postgres_database_create,
    repeat,
    serving,
)

SQLITE_URL = f"sqlite:///{BENCH_DIR / 'surveys.sqlite3'}"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/smartregion_bench_surveys"
RESPONSES = 50_000
CONCURRENCY = 16
BATCH = 5_000
TITLE = "Bench: Zukunftsdialog"


def seed(scale: float) -> int:  # noqa: PLR0912, PLR0915 - one straight seeding script
    """The survey with its responses; returns its pk (reused when seeded at this scale already)."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from smartregion.accounts.models import AgeGroup, Role, RoleGrant, User
    from smartregion.network import demo as network_demo
    from smartregion.network.models import Municipality
    from smartregion.participation.models import Phase, Process
    from smartregion.surveys import services
    from smartregion.surveys.models import Answer, Channel, QuestionKind, Response, Survey
    from smartregion.surveys.services import QuestionData

    count = int(RESPONSES * scale)
    existing = Survey.objects.filter(title=f"{TITLE} {count}").first()
    if existing:
        return existing.pk
    if not Municipality.objects.exists():
        network_demo.seed_municipalities(network_demo.seed_region())
    office, _created = User.objects.get_or_create(
        email="office@bench.example.org", defaults={"display_name": "Office"}
    )
    RoleGrant.objects.get_or_create(user=office, role=Role.PROGRAM_OFFICE)
    now = timezone.now()
    process = Process.objects.create(
        title="Bench", slug=f"bench-surveys-{count}", summary="Bench", visibility=Process.Visibility.PUBLIC
    )
    Phase.objects.create(
        process=process,
        kind=Phase.Kind.SURVEY,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=365),
    )
    survey = services.survey_create(actor=office, process=process, title=f"{TITLE} {count}")
    section = survey.sections.get()
    kinds = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE, QuestionKind.NUMBER] * 4 + [
        QuestionKind.MATRIX,
        QuestionKind.RANKING,
        QuestionKind.SHORT_TEXT,
        QuestionKind.LONG_TEXT,
    ]
    questions = []
    for number, kind in enumerate(kinds, start=1):
        options = (
            ["Ja", "Eher ja", "Eher nein", "Nein"]
            if kind in ("single", "multiple", "matrix", "ranking")
            else []
        )
        data = QuestionData(
            section=section,
            kind=kind,
            text=f"Frage {number}",
            help_text="",
            required=False,
            shuffle_options=False,
            allow_other=kind == QuestionKind.SINGLE,
            min_choices=None,
            max_choices=None,
            max_length=None,
            scale_max=5 if kind in ("scale", "matrix") else None,
            scale_min_label="",
            scale_max_label="",
            number_min=None,
            number_max=None,
            options=options,
            show_if=[],
        )
        questions.append(services.question_save(actor=office, survey=survey, question=None, data=data))
    services.survey_publish(actor=office, survey=survey, public=True)
    rng = random.Random(7)
    places = list(Municipality.objects.all())
    channels = [Channel.ONLINE] * 6 + [Channel.PAPER, Channel.EVENT, Channel.PHONE]
    ages = [value for value, _label in AgeGroup.choices]
    option_ids = {q.pk: list(q.options.values_list("pk", flat=True)) for q in questions}
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        batch = Response.objects.bulk_create(
            [
                Response(
                    survey=survey,
                    municipality=rng.choice(places),
                    age_group=rng.choice(ages),
                    channel=rng.choice(channels),
                    browser_token=f"seed-{made + i}",
                    submitted_at=now,
                )
                for i in range(size)
            ]
        )
        if batch[0].pk is None:
            batch = list(Response.objects.filter(survey=survey).order_by("-pk")[:size])
        answers = []
        for response in batch:
            for question in questions:
                kind, ids = question.kind, option_ids[question.pk]
                if kind == QuestionKind.SINGLE:
                    answers.append(Answer(response=response, question=question, option_id=rng.choice(ids)))
                elif kind == QuestionKind.MULTIPLE:
                    answers.extend(
                        Answer(response=response, question=question, option_id=i) for i in rng.sample(ids, 2)
                    )
                elif kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
                    answers.append(
                        Answer(response=response, question=question, number=Decimal(rng.randint(1, 5)))
                    )
                elif kind == QuestionKind.MATRIX:
                    answers.extend(
                        Answer(
                            response=response,
                            question=question,
                            option_id=i,
                            number=Decimal(rng.randint(1, 5)),
                        )
                        for i in ids
                    )
                elif kind == QuestionKind.RANKING:
                    answers.extend(
                        Answer(response=response, question=question, option_id=i, number=Decimal(r))
                        for r, i in enumerate(rng.sample(ids, len(ids)), start=1)
                    )
                elif rng.random() < 0.3:
                    answers.append(
                        Answer(response=response, question=question, text=f"Text {rng.randint(1, 10**6)}")
                    )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        made += size
        print(f"  seeded {made:,} responses", flush=True)
    Survey.objects.filter(pk=survey.pk).update(response_count=count)
    services.answer_counts_rebuild(survey=survey)
    services.results_publish(actor=office, survey=survey, published=True)
    return survey.pk


def answer_calls(survey_pk: int, count: int) -> list[Call]:
    """Anonymous POSTs, each from a new browser (its own CSRF cookie, no survey cookie) and address."""
    from django.utils.crypto import get_random_string

    from smartregion.surveys.models import Question

    questions = list(
        Question.objects.filter(survey_id=survey_pk).prefetch_related("options").order_by("position")
    )
    single = next(q for q in questions if q.kind == "single")
    scale = next(q for q in questions if q.kind == "scale")
    text = next(q for q in questions if q.kind == "short_text")
    option = single.options.all()[0]
    calls = []
    for index in range(count):
        token = get_random_string(32, string.ascii_letters + string.digits)
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                single.field_name: option.pk,
                scale.field_name: 4,
                text.field_name: f"Antwort {index}",
            }
        ).encode()
        calls.append(
            Call(
                "POST",
                f"/umfragen/{survey_pk}/",
                headers=(
                    ("Cookie", f"csrftoken={token}"),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("X-Real-IP", f"10.{index >> 16 & 255}.{index >> 8 & 255}.{index & 255}"),
                ),
                body=body,
            )
        )
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = SQLITE_URL if args.db == "sqlite" else POSTGRES_URL
    if args.db == "postgres":
        postgres_database_create(url)
    django_setup(url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from smartregion.surveys.models import Response, Survey
    from smartregion.surveys.services import answer_counts_rebuild

    survey_pk = seed(args.scale)
    if connection.vendor == "postgresql":
        # Freshly loaded tables have no statistics until autovacuum gets to them, and without them the
        # planner reads every text answer of a question for the latest ten instead of walking the index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    count = Survey.objects.get(pk=survey_pk).response_count
    results_path = f"/umfragen/{survey_pk}/ergebnisse/"
    with CaptureQueriesContext(connection) as queries:
        status = Client(HTTP_HOST="127.0.0.1").get(results_path).status_code
    print(
        f"\n{connection.vendor}, {count:,} responses, 20 questions; "
        f"{os.cpu_count()} CPUs shared with the load"
    )
    print(f"results page: HTTP {status}, {len(queries)} queries per render\n")
    print(f"{'endpoint':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ceiling':>9}")
    rows = []
    with serving(database_url=url, page_cache=True) as server:
        ceiling = load(
            port=server.port,
            source=repeat(Call("GET", PING)),
            concurrency=CONCURRENCY,
            warmup=1,
            duration=args.duration,
        )
        cached = load(
            port=server.port,
            source=repeat(Call("GET", results_path)),
            concurrency=CONCURRENCY,
            warmup=1,
            duration=args.duration,
        )
        before = Response.objects.filter(survey_id=survey_pk).count()
        answers = load(
            port=server.port,
            source=each_once(answer_calls(survey_pk, int(400 * args.duration) + 2000)),
            concurrency=CONCURRENCY,
            warmup=0,
            duration=args.duration,
        )
    with serving(database_url=url, page_cache=False) as server:
        uncached = load(
            port=server.port,
            source=repeat(Call("GET", results_path)),
            concurrency=CONCURRENCY,
            warmup=1,
            duration=args.duration,
        )
    rows = [
        ("trivial view (ceiling)", ceiling),
        ("results, page cache", cached),
        ("results, uncached", uncached),
        ("answering (anonymous POST)", answers),
    ]
    for name, result in rows:
        share = result.rate / ceiling.rate if ceiling.rate else 0
        print(
            f"{name:<34}{result.rate:>9.1f}{result.percentile_ms(50):>9.1f}{result.percentile_ms(99):>9.1f}{share:>9.2f}"
        )
    acknowledged = sum(1 for sample in answers.samples if sample.status == 302)
    others = Counter(sample.status for sample in answers.samples if sample.status != 302)
    after = Response.objects.filter(survey_id=survey_pk).count()
    kept = Survey.objects.get(pk=survey_pk).response_count
    print(
        f"\nanswers acknowledged {acknowledged:,}, stored {after - before:,}, other statuses {dict(others)}"
    )
    exact = after - before == acknowledged and kept == after
    print(
        "every acknowledged answer stored exactly once"
        if exact
        else "MISMATCH: an answer was lost or doubled"
    )
    # Leave the seeded survey as it was, so that the next run measures the same data.
    Response.objects.filter(survey_id=survey_pk, browser_token__isnull=False).exclude(
        browser_token__startswith="seed-"  # noqa: S106 - a marker, not a password
    ).delete()
    Survey.objects.filter(pk=survey_pk).update(
        response_count=Response.objects.filter(survey_id=survey_pk).count()
    )
    answer_counts_rebuild(survey=Survey.objects.get(pk=survey_pk))
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
