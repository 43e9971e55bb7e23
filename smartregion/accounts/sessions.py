"""Django's database sessions, read with a prepared query (SESSION_ENGINE)."""

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from smartregion.core.prepared import Prepared

_sessions = Prepared(lambda key: Session.objects.filter(session_key=key), key=str)


class SessionStore(db.SessionStore):
    """Every signed-in request reads its session first: the read is compiled once (core/prepared.py)
    instead of on every request. As Django's, a session past its expiry date counts as none; the date is
    compared here, so that the prepared SQL holds no time."""

    def _get_session_from_db(self) -> Any:
        now = timezone.now()
        session = next((found for found in _sessions(key=self.session_key) if found.expire_date > now), None)
        if session is None:
            self._session_key = None
        return session
