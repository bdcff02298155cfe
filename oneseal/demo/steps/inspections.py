"""The demo's site inspections (现场勘验): the catalogue administrator's checklists for two
items (食品经营许可核发 and 幼儿园设立审批); yesterday's inspection of a restaurant's food
licence case, done by two inspectors of the 市场准入审批科 with their findings, a photo whose
EXIF carries the time and the site's GPS position, and both signatures; and the kindergarten's
inspection, scheduled with the applicant two working days ahead.

The visit began and ended on the same working day, so the suspension it caused (the guide lists
现场勘验) takes no working day off the clock and the case's warning stays as the cases tell it.
Idempotent: a checklist already kept and a case already inspected are left alone. Every write
goes through `inspections.actions`."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image

from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import State
from oneseal.inspections import actions
from oneseal.inspections.models import InspectionCase
from oneseal.inspections.queries import checklist_for

from ..cases import FOOD, KINDERGARTEN, demo_cases

CHECKLISTS = {
    FOOD: [
        ("经营场所面积、布局与平面示意图一致", "现场测量、对照平面图"),
        ("食品处理区与生活区、污染源保持规定距离", "查看周边环境"),
        ("设有更衣、洗手、消毒、冷藏、防蝇防鼠设施", "逐项查看设施运行"),
        ("生熟分开，原料、半成品、成品分区存放", "查看库房和操作间"),
    ],
    KINDERGARTEN: [
        ("园舍为独立建筑，不与居民楼、商业用房共用出入口", "查看园舍及出入口"),
        ("户外活动场地生均面积符合办园标准", "现场测量"),
        ("食堂取得或申请食品经营许可，设施符合要求", "查看食堂"),
        ("消防通道畅通，安全疏散设施完好", "查看通道、灭火器和应急照明"),
    ],
}
FINDINGS = [
    ("conforms", "操作间约42平方米，与平面示意图一致"),
    ("conforms", ""),
    ("nonconforms", "洗手池未配备非手动式水龙头，已当场告知整改"),
    ("conforms", ""),
]
# 平罗县城关镇 (the restaurant's street), degrees / minutes / seconds.
LATITUDE, LONGITUDE = (38.0, 54.0, 21.6), (106.0, 32.0, 38.4)


def site_photo(taken: datetime.datetime) -> ContentFile:
    """A small JPEG as a phone writes it: the time it was taken (with its offset) and the GPS
    position in its EXIF."""
    image = Image.new("RGB", (160, 120), (196, 180, 150))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "oneseal demo"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
    details[ExifTags.Base.OffsetTimeOriginal] = "+08:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", LONGITUDE
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif.tobytes())
    return ContentFile(out.getvalue(), name="洗手池.jpg")


def _open_case(item: str):
    """The item's accepted demo case accepted last (the one still well within its limit)."""
    return (
        demo_cases()
        .filter(state=State.ACCEPTED, handling_item__name=item)
        .select_related("handling_item")
        .order_by("-accepted_on", "-id")
        .first()
    )


def load(*, today: datetime.date) -> list[str]:
    users = get_user_model().objects.in_bulk(
        ["catadmin", "reviewer", "reviewer2", "reviewer_social", "signatory"],
        field_name="username",
    )
    if len(users) < 5:
        return []
    food, kindergarten = _open_case(FOOD), _open_case(KINDERGARTEN)
    if food is None or kindergarten is None:
        return []
    kept = 0
    for case in (food, kindergarten):
        if not checklist_for(case.handling_item):
            actions.save_checklist(
                case.handling_item,
                actor=users["catadmin"],
                lines=CHECKLISTS[case.handling_item.name],
            )
            kept += 1
    cal = current_calendar()
    done = scheduled = 0
    if not InspectionCase.objects.filter(case=food).exists():
        visit_day = cal.before(today, 1).date
        inspection = actions.schedule_inspection(
            food,
            actor=users["reviewer"],
            on=cal.before(today, 2).date,
            at=datetime.datetime.combine(visit_day, datetime.time(9, 30), tzinfo=_tz()),
            place="平罗县城关镇鼓楼南街18号",
            expected_days=1,
            inspectors=[users["reviewer"], users["reviewer2"]],
        )
        actions.start_inspection(inspection, actor=users["reviewer"], on=visit_day)
        for order, (result, note) in enumerate(FINDINGS, 1):
            actions.record_finding(
                inspection, actor=users["reviewer2"], order=order, result=result, note=note
            )
        actions.upload_photo(
            inspection,
            actor=users["reviewer2"],
            upload=site_photo(
                datetime.datetime.combine(visit_day, datetime.time(9, 52), tzinfo=_tz())
            ),
            finding_order=3,
            caption="操作间洗手池",
        )
        actions.record_conclusion(
            inspection,
            actor=users["reviewer"],
            conclusion="经营场所基本符合食品经营许可条件；洗手设施须于三日内整改，整改后拍照上传。",
        )
        actions.confirm(inspection, actor=users["reviewer"])
        actions.confirm(inspection, actor=users["reviewer2"])
        actions.complete_inspection(inspection, actor=users["reviewer"], on=visit_day)
        done = 1
    if not InspectionCase.objects.filter(case=kindergarten).exists():
        actions.schedule_inspection(
            kindergarten,
            actor=users["reviewer_social"],
            at=datetime.datetime.combine(
                cal.add(today, 2).date, datetime.time(10, 0), tzinfo=_tz()
            ),
            place="平罗县城关镇育才路启航幼儿园（新园址）",
            expected_days=2,
            inspectors=[users["reviewer_social"], users["signatory"]],
        )
        scheduled = 1
    if not (kept or done or scheduled):
        return []
    return [
        _("现场勘验：核查要点 {kept} 个办理项，完成勘验 {done} 次，已预约 {scheduled} 次。").format(
            kept=kept, done=done, scheduled=scheduled
        )
    ]


def _tz() -> datetime.tzinfo:
    return timezone.get_current_timezone()
