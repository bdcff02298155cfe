"""The demo applicants' message boxes. The messages themselves were made by the notification
hooks while the demo's cases were built (张珊's correction notice, acceptance and decision;
the correction notice of 平罗县沙湖人家餐饮有限公司, read by 马玉兰 who acts for it; the
window applicants' messages kept for their records and sent to their mobiles …). This step
records 张珊's choice of channels and runs the notifications job once, with the logging SMS
adapter and Django's in-memory e-mail backend, so the deliveries have their record of
attempts. Outside quiet hours: a build at night sends as at 08:00 the next morning.

Idempotent: the choice is saved once; a second run finds nothing due."""

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.notifications import actions, jobs, quiet
from oneseal.notifications.models import Delivery, Notification, Preference
from oneseal.notifications.sms import LoggingSms

ACCOUNTS = ("zhangshan", "shahurenjia")


def load(*, today) -> list[str]:
    users = list(get_user_model().objects.filter(username__in=ACCOUNTS))
    if not users:
        return []
    zhang = next((u for u in users if u.username == "zhangshan"), None)
    if zhang is not None and not Preference.objects.filter(user=zhang).exists():
        actions.save_preference(actor=zhang, by_email=False, by_sms=True, quiet_hours=True)
    counts = jobs.run(
        today,
        now=quiet.after_quiet(timezone.now()),
        connection=get_connection("django.core.mail.backends.locmem.EmailBackend"),
        sms=LoggingSms(),
    )
    boxed = Notification.objects.filter(user__in=users).count()
    sent = Delivery.objects.filter(
        notification__user__in=users, state=Delivery.DeliveryState.SENT
    ).count()
    # Applicants served at the window without an account are told through their record.
    to_records = Notification.objects.filter(user__isnull=True, applicant__isnull=False).count()
    return [
        _(
            "消息：演示申请人消息 {boxed} 条，已发邮件或短信 {sent} 条（本次 {now} 条）；"
            "窗口申请人记录 {records} 条"
        ).format(boxed=boxed, sent=sent, now=counts["sent"], records=to_records)
    ]
