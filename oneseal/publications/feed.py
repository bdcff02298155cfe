"""A published decision in the shape of the credit platform's 行政许可 feed (信用中国 双公示,
《行政许可和行政处罚等信用信息数据标准》's 行政许可 table). The API and the xlsx both use it,
so the download and the feed carry the same columns. Only the standard's fields the register
holds are given; the natural person's ID fields (XK_XDR_ZJLX, XK_XDR_ZJHM) and the legal
representative's (XK_FRDB, XK_FR_ZJLX, XK_FR_ZJHM) are never part of it. See
docs/publications.md."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import HolderKind, Kind

# (standard field, Chinese heading) in the standard's order, then this register's own.
COLUMNS = [
    ("XK_XDR_MC", _("行政相对人名称")),
    ("XK_XDR_LB", _("行政相对人类别")),
    ("XK_XDR_SHXYM", _("统一社会信用代码")),
    ("XK_XKWS", _("行政许可决定文书名称")),
    ("XK_WSH", _("行政许可决定文书号")),
    ("XK_XKZS", _("许可证书名称")),
    ("XK_XKBH", _("许可编号")),
    ("XK_NR", _("许可内容")),
    ("XK_JDRQ", _("许可决定日期")),
    ("XK_YXQZ", _("有效期自")),
    ("XK_YXQZI", _("有效期至")),
    ("XK_XKJG", _("许可机关")),
    ("XK_XKJGDM", _("许可机关统一社会信用代码")),
    ("XK_ZT", _("当前状态")),
    ("XK_LYDW", _("数据来源单位")),
    ("XK_LYDWDM", _("数据来源单位统一社会信用代码")),
    ("BZ", _("备注")),
    ("kind", _("决定类型")),
    ("region_code", _("区划代码")),
    ("region", _("行政区划")),
    ("published_at", _("公示时间")),
]

# The standard's code list for 行政相对人类别.
HOLDER_CLASSES = {
    HolderKind.ORGANISATION: "法人及非法人组织",
    HolderKind.PERSON: "自然人",
}


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def feed_row(row: dict) -> dict:
    """One public row (`queries.PUBLIC_FIELDS`) as the feed's record."""
    kind = Kind(row["kind"])
    in_force = kind not in (Kind.CANCELLATION, Kind.REVOCATION)
    note = (
        str(_("视为准予延续（《中华人民共和国行政许可法》第五十条第二款）"))
        if row["deemed"]
        else ""
    )
    published = row["published_at"]
    return {
        "id": row["pk"],
        "XK_XDR_MC": row["holder_name"],
        "XK_XDR_LB": HOLDER_CLASSES[HolderKind(row["holder_kind"])],
        "XK_XDR_SHXYM": row["holder_credit_code"] or None,
        "XK_XKWS": row["decision_title"] or None,
        "XK_WSH": row["decision_number"] or None,
        "XK_XKZS": row["licence_name"],
        "XK_XKBH": row["licence_number"],
        "XK_NR": f"{kind.label}：{row['item_name']}",
        "XK_JDRQ": _day(row["decided_on"]),
        "XK_YXQZ": _day(row["valid_from"]),
        "XK_YXQZI": _day(row["valid_until"]),
        "XK_XKJG": row["bureau_name"],
        "XK_XKJGDM": row["bureau_credit_code"] or None,
        # 1 有效, 2 无效: the licence's state as this decision left it.
        "XK_ZT": "1" if in_force else "2",
        "XK_LYDW": row["bureau_name"],
        "XK_LYDWDM": row["bureau_credit_code"] or None,
        "BZ": note or None,
        "kind": row["kind"],
        "region_code": row["region_code"],
        "region": row["region__name"],
        "published_at": timezone.localtime(published).isoformat() if published else None,
    }
