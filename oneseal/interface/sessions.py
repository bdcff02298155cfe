"""Django's database sessions, the session row read by a statement built once per connection
(`oneseal.prepared`): every signed-in request reads its session first, and Django built the
same SELECT anew each time (#15, the intake hot path). The table, the rows and what a session
holds are Django's own (`django.contrib.sessions`); only the read differs: the row by its key,
its expiry compared here rather than in the WHERE clause, with the same outcome — an expired or
unknown session loads as empty, and the key is dropped so that a new one is made."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from oneseal.prepared import Prepared

_SESSION: Prepared[Session] = Prepared(lambda key: Session.objects.filter(session_key=key), str)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        found = _SESSION.first(key) if key is not None else None
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found
