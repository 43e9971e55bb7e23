"""Count the answers stored before the counters existed (the same grouping as
``services.answer_counts_rebuild``); going back removes the counters again."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Count

COUNTED_KINDS = ("single", "multiple", "scale", "ranking", "matrix", "number", "date")


def _value(number, day):
    if day is not None:
        return Decimal(day.toordinal())
    return Decimal(0) if number is None else Decimal(number)


def count_answers(apps, schema_editor):
    Answer = apps.get_model("surveys", "Answer")
    AnswerCount = apps.get_model("surveys", "AnswerCount")
    place, channel = "response__municipality_id", "response__channel"
    answers = Answer.objects.order_by()
    counted = (
        answers.filter(question__kind__in=COUNTED_KINDS)
        .values("question_id", "option_id", "number", "date", place, channel)
        .annotate(n=Count("id"))
    )
    respondents = answers.values("question_id", place, channel).annotate(n=Count("response_id", distinct=True))
    rows = [
        AnswerCount(
            question_id=item["question_id"],
            respondents=False,
            option_key=item["option_id"] or 0,
            value=_value(item["number"], item["date"]),
            municipality_key=item[place] or 0,
            channel=item[channel],
            count=item["n"],
        )
        for item in counted
    ] + [
        AnswerCount(
            question_id=item["question_id"],
            respondents=True,
            municipality_key=item[place] or 0,
            channel=item[channel],
            count=item["n"],
        )
        for item in respondents
    ]
    AnswerCount.objects.bulk_create(rows, batch_size=2000)


def forget_counts(apps, schema_editor):
    apps.get_model("surveys", "AnswerCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_answer_counts")]

    operations = [migrations.RunPython(count_answers, forget_counts)]
