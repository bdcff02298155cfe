import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oneseal.audit.models import AuditEvent
from oneseal.calendars import actions
from oneseal.calendars.queries import current_calendar
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Role


def run(*args):
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_prints_the_due_date_and_its_json(db):
    assert run("add", "2025-01-24", "5") == "2025-02-07"
    assert json.loads(run("add", "2025-01-24", "5", "--json")) == {
        "date": "2025-02-07",
        "provisional": False,
    }
    assert run("between", "2025-01-24", "2025-02-07") == "5"
    assert run("add", "2026-12-30", "3") == "2027-01-05 (provisional)"  # 1-1 is 元旦 by law


def test_the_command_names_a_bad_date(db):
    with pytest.raises(CommandError, match="2025-13-01"):
        run("add", "2025-13-01", "5")


def test_an_administrator_enters_2027_and_the_calendar_follows(admin_user):
    before = current_calendar().add(dt.date(2026, 12, 30), 3)
    assert before.provisional
    actions.enter_day(dt.date(2027, 1, 1), actor=admin_user, is_workday=False, name="元旦")
    actions.declare_year_official(
        2027, actor=admin_user, announcement="国务院办公厅关于2027年部分节假日安排的通知"
    )
    after = current_calendar().add(dt.date(2026, 12, 30), 3)
    assert after.date == dt.date(2027, 1, 5) and not after.provisional
    assert AuditEvent.objects.filter(action__startswith="calendars.").count() == 2


def test_only_catalogue_administrators_keep_the_calendar(make_staff, county):
    clerk = make_staff("clerk", county, Role.CLERK)
    with pytest.raises(NotPermitted):
        actions.enter_day(dt.date(2027, 1, 1), actor=clerk, is_workday=False)


def test_a_year_needs_its_announcement(admin_user):
    with pytest.raises(ValidationFailed) as e:
        actions.declare_year_official(2027, actor=admin_user, announcement=" ")
    assert "announcement" in e.value.fields
