"""Faults under write load (bench/faults.py, bounded): gunicorn with two workers, the task worker and a Redis
of their own; one app worker killed with SIGKILL, the task worker restarted, every database connection cut,
Redis away for ten seconds. Every acknowledged write is stored exactly once, the kept counts equal their
rows, every queued mail is sent once, reads never fail, and the site answers afterwards without a restart.
"""

import pytest

from bench.faults import faults_run, report_print

from .processes import database_url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_acknowledged_writes_survive_faults_exactly_once(tmp_path, capsys):
    url = database_url("unused").split("?")[0]
    outcome = faults_run(database_url=url, work_dir=tmp_path, writes=240, redis_seconds=10, calm_seconds=2.5)
    with capsys.disabled():
        report_print("faults (tests/test_faults.py)", outcome)

    assert len(outcome.acknowledged()) > 120  # the load did reach the site through the faults
    assert outcome.lost() == []
    assert outcome.duplicated() == []
    assert all(outcome.counts_ok.values()), outcome.counts_ok
    assert outcome.mails_missing() == []
    assert outcome.mails_duplicated() == []
    assert outcome.tasks_left == 0
    # 503 (the database's "come back in a moment") is allowed while connections are cut; 500 never.
    assert [a for a in outcome.answers if a.status == 500 or a.status > 503] == []
    assert [a for a in outcome.reads if a.status >= 500 and a.phase != "DB connections cut"] == []
    assert [a for a in outcome.answers + outcome.reads if a.phase == "after" and a.status >= 500] == []
    assert outcome.answers_after == [200, 200, 200]
