"""The appointments' job for `oneseal worker` and `oneseal appointment-slots`: keep every
active hall's slots generated a working-day horizon ahead, as days pass and the calendar
changes."""

import datetime

from . import actions
from .models import Hall


def generate_all(today: datetime.date) -> dict[str, int]:
    created = removed = 0
    for hall in Hall.objects.filter(is_active=True):
        c, r = actions.generate_slots(hall, system=True, today=today)
        created, removed = created + c, removed + r
    return {"created": created, "removed": removed}
