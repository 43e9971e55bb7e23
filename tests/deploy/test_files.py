"""deploy/ stays in step with the code: the environment template names every setting production reads,
and each systemd unit runs a command that exists, the daily ones through a timer."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

from .stack import DEPLOY, ROOT, read_env_file

UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _variables_read(path: Path) -> set[str]:
    return set(re.findall(r'env\.\w+\(\s*"([A-Z0-9_]+)"', path.read_text())) | set(
        re.findall(r'os\.environ\.get\(\s*"([A-Z0-9_]+)"', path.read_text())
    )


def test_the_environment_template_names_every_setting_production_reads():
    read = set().union(*(_variables_read(path) for path in (ROOT / "config" / "settings").glob("*.py")))
    read |= _variables_read(DEPLOY / "gunicorn.conf.py")
    template = set(read_env_file(DEPLOY / "smartregion.env.example"))

    # DEBUG must stay off in production (it refuses to start with it), so the template leaves it out.
    assert read - template == {"DEBUG"}


@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_every_unit_runs_an_existing_command_with_the_environment_file(unit):
    text = unit.read_text()
    (command,) = re.findall(r"^ExecStart=(.+)$", text, flags=re.MULTILINE)

    assert "EnvironmentFile=/etc/smartregion/smartregion.env" in text
    assert "Environment=DJANGO_SETTINGS_MODULE=config.settings.production" in text
    if "manage.py" in command:
        name = command.split("manage.py", 1)[1].split()[0]
        assert name in get_commands(), name
    else:
        assert "gunicorn --config deploy/gunicorn.conf.py" in command
    if "Type=oneshot" in text:
        timer = unit.with_suffix(".timer")
        assert timer.is_file(), f"{unit.name} runs daily through {timer.name}"
        assert "OnCalendar=" in timer.read_text()
    else:
        assert "Restart=always" in text, f"{unit.name} is supervised"
