"""The periods of a hearing (《行政许可法》第四十七条), pure arithmetic on the work calendar.

Which days count, decided from the law's own words:

- 第八十二条: "本法规定的行政机关实施行政许可的期限以工作日计算，不含法定节假日". It turns the
  *bureau's* periods into working days. The 20 days in which the bureau must hold the hearing
  (第四十七条第一款 "行政机关应当于接到申请之日起二十日内组织听证") and the 7 days by which it must
  announce it (第四十八条第一款第（一）项 "于举行听证的七日前将举行听证的时间、地点通知申请人、
  利害关系人") are the bureau's: working days.
- The 5 days in which the applicant or an interested party may ask for a hearing
  ("申请人、利害关系人在被告知听证权利之日起五日内提出听证申请") are the *party's* period, which
  第八十二条 does not reach: calendar days, counted as the Civil Code counts a period
  (民法典第二百零一条: the day of the notice does not count; 第二百零三条: a period whose last day
  is a statutory holiday or rest day ends on the first working day after it). So a right told on
  2025-09-28 may be exercised until 2025-10-09, the first working day after the National Day
  holiday, and one told on a Monday ends on the Saturday's next working day, the Monday after.

The revocation procedure (`cases.actions.revocation`) counts its own period for views in
working days; that is a period the bureau grants (5–30), not the law's five days.
"""

import datetime

from oneseal.calendars.rules import WorkCalendar, WorkDate

REQUEST_DAYS = 5  # calendar days, 第四十七条第一款
HOLD_WITHIN_DAYS = 20  # working days, 第四十七条第一款 with 第八十二条
ANNOUNCE_DAYS = 7  # working days, 第四十八条第一款第（一）项 with 第八十二条

REQUEST_BASIS = "《中华人民共和国行政许可法》第四十七条第一款"
PUBLIC_BASIS = "《中华人民共和国行政许可法》第四十六条"
PROCEDURE_BASIS = "《中华人民共和国行政许可法》第四十八条"
RECORD_BASIS = "《中华人民共和国行政许可法》第四十八条第二款"
PARTY_BASIS = "《中华人民共和国行政许可法》第三十六条"


def request_due(cal: WorkCalendar, notified_on: datetime.date) -> datetime.date:
    """The last day a request for a hearing is on time: the fifth calendar day after the day the
    right was told, moved to the next working day when it is a holiday or rest day."""
    last = notified_on + datetime.timedelta(days=REQUEST_DAYS)
    while not cal.is_workday(last):
        last += datetime.timedelta(days=1)
    return last


def hold_by(cal: WorkCalendar, requested_on: datetime.date) -> WorkDate:
    """The last day the hearing may be held: the 20th working day after the request arrived."""
    return cal.add(requested_on, HOLD_WITHIN_DAYS)


def earliest_hearing_day(cal: WorkCalendar, announced_on: datetime.date) -> datetime.date:
    """The first day a hearing announced on `announced_on` may be held: 7 working days later
    (the announcement day does not count)."""
    return cal.add(announced_on, ANNOUNCE_DAYS).date


def working_days_until(cal: WorkCalendar, start: datetime.date, end: datetime.date) -> int:
    """How long the hearing procedure is expected to take, for the 第四十五条 notice."""
    return max(cal.between(start, end), 1)
