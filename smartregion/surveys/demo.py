"""Demo surveys: the MYK "Zukunftsdialog" with a few hundred responses across the ten municipalities and
all channels (its results published), and a quick poll on the start page. Idempotent."""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartregion.accounts.models import AgeGroup, User
from smartregion.network.models import Municipality
from smartregion.participation.models import Phase, Process

from . import services
from .models import Answer, Channel, QuestionKind, Response, Section, Survey
from .services import QuestionData

TITLE = "Zukunftsdialog: Wie digital soll der Kreis werden?"
RESPONSES = 300
DAY = datetime.timedelta(days=1)


def _data(section: Section, kind: str, text: str, **values: Any) -> QuestionData:
    defaults = {
        "help_text": "",
        "required": False,
        "shuffle_options": False,
        "allow_other": False,
        "min_choices": None,
        "max_choices": None,
        "max_length": None,
        "scale_max": None,
        "scale_min_label": "",
        "scale_max_label": "",
        "number_min": None,
        "number_max": None,
        "options": [],
        "show_if": [],
    }
    return QuestionData(section=section, kind=kind, text=text, **{**defaults, **values})


def seed_surveys(
    *, people: list[User], municipalities: list[Municipality], process: Process | None
) -> Survey | None:
    """The Zukunftsdialog survey and a quick poll in the main process, which gets a running survey phase."""
    if process is None or Survey.objects.filter(title=TITLE).exists():
        return None
    office = next(person for person in people if person.email == "paul.programmbuero@example.org")
    now = timezone.now()
    Phase.objects.create(
        process=process,
        kind=Phase.Kind.SURVEY,
        title="Zukunftsdialog",
        starts_at=now - 30 * DAY,
        ends_at=now + 60 * DAY,
    )
    survey = services.survey_create(
        actor=office,
        process=process,
        title=TITLE,
        description="Zehn Minuten für die Zukunft des Kreises: online, auf Papier im Rathaus oder bei "
        "unseren Veranstaltungen. Ihre Antworten bleiben anonym.",
        audience=Survey.Audience.ANYONE,
    )
    section = survey.sections.get()

    def ask(kind: str, text: str, **values: Any) -> Any:
        return services.question_save(
            actor=office, survey=survey, question=None, data=_data(section, kind, text, **values)
        )

    use = ask(
        QuestionKind.SINGLE,
        "Wie oft nutzen Sie Online-Angebote der Verwaltung?",
        required=True,
        options=["Nie", "Selten", "Monatlich", "Wöchentlich"],
    )
    never = use.options.get(text="Nie")
    why = ask(
        QuestionKind.MULTIPLE,
        "Was hält Sie davon ab?",
        options=["Ich wusste nicht, dass es sie gibt", "Zu kompliziert", "Ich gehe lieber persönlich hin"],
        allow_other=True,
        show_if=[never],
    )
    digital = ask(
        QuestionKind.SCALE,
        "Wie digital soll der Kreis werden?",
        required=True,
        scale_max=5,
        scale_min_label="so wenig wie möglich",
        scale_max_label="so viel wie möglich",
    )
    ranking = ask(
        QuestionKind.RANKING,
        "Was ist Ihnen am wichtigsten?",
        options=[
            "Schnelles Internet überall",
            "Termine online buchen",
            "Mobilität auf dem Land",
            "Telemedizin",
        ],
    )
    matrix = ask(
        QuestionKind.MATRIX,
        "Wie zufrieden sind Sie heute mit …",
        scale_max=5,
        scale_min_label="gar nicht",
        scale_max_label="sehr",
        options=["dem Internet zu Hause", "dem Bus- und Bahnangebot", "den Online-Diensten der Verwaltung"],
    )
    wish = ask(QuestionKind.LONG_TEXT, "Was wünschen Sie sich vom Kreis?", max_length=2000)
    services.survey_publish(actor=office, survey=survey, public=True)

    rng = random.Random(12)  # noqa: S311 - demo data
    places = list(municipalities)
    channels = [Channel.ONLINE] * 6 + [Channel.PAPER] * 2 + [Channel.EVENT, Channel.PHONE]
    ages = [value for value, _label in AgeGroup.choices]
    wishes = ["Mehr Glasfaser in den Dörfern", "Bürgerbüro auch samstags online", "Rufbus per App", ""]
    use_options = list(use.options.all())
    why_options = list(why.options.all())
    rank_options = list(ranking.options.all())
    rows = list(matrix.options.all())
    responses = [
        Response(
            survey=survey,
            municipality=rng.choice(places) if rng.random() < 0.85 else None,
            age_group=rng.choice(ages) if rng.random() < 0.8 else "",
            channel=(channel := rng.choice(channels)),
            paper_number=f"P-{index:04d}" if channel == Channel.PAPER else None,
            provenance="Rathaus" if channel == Channel.PAPER else "",
            entered_by=office if channel != Channel.ONLINE else None,
            browser_token=f"demo-{index}" if channel == Channel.ONLINE else None,
            submitted_at=now - rng.randint(0, 29) * DAY,
        )
        for index in range(RESPONSES)
    ]
    Response.objects.bulk_create(responses)
    responses = list(Response.objects.filter(survey=survey).order_by("pk"))
    answers: list[Answer] = []
    for response in responses:
        chosen = rng.choices(use_options, weights=[2, 4, 3, 3])[0]
        answers.append(Answer(response=response, question=use, option=chosen))
        if chosen == never:
            answers.append(Answer(response=response, question=why, option=rng.choice(why_options)))
        answers.append(
            Answer(response=response, question=digital, number=Decimal(rng.choice([2, 3, 4, 4, 5])))
        )
        for rank, option in enumerate(rng.sample(rank_options, len(rank_options)), start=1):
            answers.append(Answer(response=response, question=ranking, option=option, number=Decimal(rank)))
        for row in rows:
            answers.append(
                Answer(response=response, question=matrix, option=row, number=Decimal(rng.randint(1, 5)))
            )
        if text := rng.choice(wishes):
            answers.append(Answer(response=response, question=wish, text=text))
    Answer.objects.bulk_create(answers, batch_size=2000)
    Survey.objects.filter(pk=survey.pk).update(response_count=len(responses))
    services.answer_counts_rebuild(survey=survey)
    services.results_publish(actor=office, survey=survey, published=True)

    poll = services.survey_create(
        actor=office,
        process=process,
        title="Schnellumfrage: Digitale Sprechstunde",
        kind=Survey.Kind.POLL,
        show_results=Survey.ShowResults.AFTER_VOTING,
        on_start_page=True,
    )
    services.question_save(
        actor=office,
        survey=poll,
        question=None,
        data=_data(
            poll.sections.get(),
            QuestionKind.SINGLE,
            "Würden Sie eine Video-Sprechstunde im Bürgerbüro nutzen?",
            required=True,
            options=["Ja", "Vielleicht", "Nein"],
        ),
    )
    services.survey_publish(actor=office, survey=poll, public=True)
    return survey
