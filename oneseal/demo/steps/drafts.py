"""The demo's drafts (保存草稿): 张珊 has a half-filled application for 个体工商户设立登记 saved
today (one of its files uploaded, the rest still to come), and 马玉兰, for her company, an
application for 公共场所卫生许可 left untouched for 27 days, so the worker has warned her it
will be removed in 3 days.

Idempotent: an account that already has its draft of the item is left alone. Every write goes
through `drafts.actions`, at the moments the story says."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from oneseal.applicants.queries import represented
from oneseal.cases.actions import online_uploads
from oneseal.drafts import actions
from oneseal.drafts.models import Draft
from oneseal.errors import DomainError

from ..cases import HYGIENE, SOLE_TRADER, handling_items

# (account, applicant name, handling item, days since the last change, files uploaded)
DRAFTS = [
    ("zhangshan", "张珊", SOLE_TRADER, 0, 1),
    ("shahurenjia", "平罗县沙湖人家餐饮有限公司", HYGIENE, 27, 1),
]


def _pdf(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% DEMO DATA\n1 0 obj\n<<>>\nendobj\n", name=name)


def load(*, today: datetime.date) -> list[str]:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[row[0] for row in DRAFTS])
    }
    try:
        items = handling_items(today)
    except DomainError:
        return []
    made = 0
    zone = timezone.get_default_timezone()
    for username, name, item, days_ago, files in DRAFTS:
        user, hi = users.get(username), items.get(item)
        applicant = represented(user, today).filter(name=name).first() if user else None
        if hi is None or applicant is None:
            continue
        if Draft.objects.filter(owner=user, applicant=applicant, handling_item=hi).exists():
            continue
        at = datetime.datetime.combine(
            today - datetime.timedelta(days=days_ago), datetime.time(20, 15), zone
        )
        try:
            draft = actions.start_draft(hi, actor=user, applicant=applicant, at=at)
        except DomainError:
            continue  # the item no longer offers online submission: the rest still load
        wanted = online_uploads(hi, applicant)[:files]
        for material in wanted:
            actions.add_upload(
                draft, material, actor=user, upload=_pdf(f"{material.name}.pdf"), at=at
            )
        made += 1
    result = actions.expire_drafts(today, system=True)
    return [f"草稿：{made} 份新建，{result['warned']} 份已提醒即将删除"] if made else []
