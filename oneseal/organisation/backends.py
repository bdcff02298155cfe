"""Signing in by user name and password, and finding the signed-in user on each request.

`StaffBackend` is Django's `ModelBackend` with one change: the user a session names is read
with their staff record, its region, bureau and department, and every role they hold, in one
statement (built once per connection, `oneseal.prepared`), and the record is put together by
`organisation.rules.keep_staff`, as `staff_of` puts together what it reads itself. Every
signed-in request asked for the user and then for the staff record: one statement less per
request on the hot path (#15). Nothing is kept between
requests: each request reads both afresh, so a role withdrawn or an account deactivated is
refused on the very next request, in every process.

Sessions name the backend that signed them in; `django.contrib.auth.backends.ModelBackend`
stays listed after this one for the sessions opened before it, and this backend has the last
word on a password (a wrong one is not checked a second time by ModelBackend)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest

from oneseal.organisation.rules import keep_staff
from oneseal.prepared import Prepared

# A row per role (one with no role when the record has none; the user alone, with no record,
# when they are not staff): the staff record and its roles hang off the user by LEFT JOINs.
_USER_WITH_STAFF: Prepared[Any] = Prepared(
    lambda user_id: (
        get_user_model()
        .objects.select_related("staff__region", "staff__bureau", "staff__department")
        .filter(pk=user_id)
        .annotate(role_name=F("staff__roles__role"))
    ),
    int,
)


class StaffBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username is not None and password is not None:
            # A wrong password or an unknown name: refused here, so that ModelBackend (listed
            # for old sessions) does not hash the password a second time. Django counts the
            # failure (user_login_failed, which django-axes listens to) as for any refusal.
            raise PermissionDenied
        return user

    def get_user(self, user_id: int) -> Any:
        rows = _USER_WITH_STAFF(user_id)
        if not rows:
            return None
        user = rows[0]
        if not self.user_can_authenticate(user):
            return None
        # The staff record came with the user (select_related; None when they are not staff).
        keep_staff(user, user._state.fields_cache.get("staff"), rows)
        return user
