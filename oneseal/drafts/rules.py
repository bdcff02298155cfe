"""How long a draft is kept, and what its form may hold. Pure: dates in, dates out.

A draft nobody changed for 30 calendar days is removed with its files, and its owner is told
3 days before. Calendar days, not working days: the applicant's own pause, which a holiday
does not lengthen; counted on the bureau's calendar dates (Asia/Shanghai), so a change at
23:30 belongs to that day, not to the next UTC one."""

import datetime

from django.utils.translation import gettext as _

RETENTION_DAYS = 30
WARNING_DAYS = 3

# The form's values a draft keeps besides its files: the licence a 变更 / 延续 / 注销 / 补证
# application acts on. The applicant and the handling item are the draft's own columns.
FIELDS = ("licence",)


def warning_day(changed_on: datetime.date) -> datetime.date:
    """The day the owner is told: 3 days before the removal day."""
    return changed_on + datetime.timedelta(days=RETENTION_DAYS - WARNING_DAYS)


def removal_day(changed_on: datetime.date, warned_on: datetime.date | None = None) -> datetime.date:
    """The day the draft goes: 30 days after its last change, and never less than 3 days
    after the owner was told (a worker that was down on the warning day warns late, and the
    removal waits for it)."""
    due = changed_on + datetime.timedelta(days=RETENTION_DAYS)
    if warned_on is not None:
        due = max(due, warned_on + datetime.timedelta(days=WARNING_DAYS))
    return due


def last_changed_day_to_warn(today: datetime.date) -> datetime.date:
    """Drafts last changed on this day or before are due their warning today."""
    return today - datetime.timedelta(days=RETENTION_DAYS - WARNING_DAYS)


def last_changed_day_to_remove(today: datetime.date) -> datetime.date:
    """Drafts last changed on this day or before have reached their removal day today."""
    return today - datetime.timedelta(days=RETENTION_DAYS)


def last_warned_day_to_remove(today: datetime.date) -> datetime.date:
    """A warning given on this day or before is old enough for the removal today."""
    return today - datetime.timedelta(days=WARNING_DAYS)


def clean_fields(raw: dict) -> tuple[dict, dict[str, list[str]]]:
    """The known fields of a posted form, normalised, and the errors of those that are not
    valid. Unknown names are ignored (a form carries the csrf token, the files …)."""
    cleaned: dict = {}
    errors: dict[str, list[str]] = {}
    for name in FIELDS:
        if name not in raw:
            continue
        value = raw[name]
        if name == "licence":
            text = "" if value is None else str(value).strip()
            if text == "":
                cleaned[name] = None
            elif text.isdigit():
                cleaned[name] = int(text)
            else:
                errors[name] = [_("请选择所涉证照")]
    return cleaned, errors
