"""The single target of an indicator becomes the last step of its target path: an indicator with a target
date gets a target for that year (its final target stays on the indicator as the path's end)."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("program", "Indicator")
    IndicatorTarget = apps.get_model("program", "IndicatorTarget")
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(indicator_id=pk, year=target_on.year, value=target)
            for pk, target, target_on in Indicator.objects.filter(target_on__isnull=False).values_list(
                "pk", "target", "target_on"
            )
        ],
        ignore_conflicts=True,
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    # The indicator kept its final target, so going back only drops the path.
    apps.get_model("program", "IndicatorTarget").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("program", "0004_indicators_agenda_reminders")]

    operations = [migrations.RunPython(forwards, backwards)]
