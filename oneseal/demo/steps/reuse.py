"""The demo's 免证办: the provincial library's 营业执照 of the demo organisations, imported as
the library would send them (one of them cancelled there), the mapping of the checklists'
"营业执照或其他主体资格证明文件" to the library's 营业执照 type, and the window clerk
(clerk, 王芳) picking documents the system knows instead of asking for copies: a library
e-licence, and where a demo applicant already holds one, a licence of this bureau.

Idempotent: rows are imported by their 证照标识 (a second import changes nothing), and nothing
is picked once a demo case has reused something. Every write goes through `reuse.actions`."""

import datetime
import json

from django.contrib.auth import get_user_model

from oneseal.cases.models import State
from oneseal.errors import DomainError
from oneseal.reuse import actions, importing, queries
from oneseal.reuse.models import MaterialMapping, ReusedMaterial

from ..cases import demo_cases
from ..data import applicants as people

BUSINESS_LICENCE_TYPE = "11100000000013127D001"
MATERIAL = "营业执照或其他主体资格证明文件"
CANCELLED = {"fushun_market"}  # closed down: the library says 已注销
OPEN = (State.RECEIVED, State.AWAITING_CORRECTION, State.ACCEPTED)


def _rows(today: datetime.date) -> list[dict]:
    rows = []
    for n, org in enumerate(people.ORGANISATIONS):
        issued = today.replace(year=today.year - 3 - n % 4, day=min(today.day, 28))
        rows.append(
            {
                "identifier": f"1.2.156.3005.2.{BUSINESS_LICENCE_TYPE}.{org.number}.001",
                "type_code": BUSINESS_LICENCE_TYPE,
                "type_name": "营业执照",
                "number": org.number,
                "holder_name": org.name,
                "holder_code": org.number,
                "issuer": "平罗县市场监督管理局",
                "issued_on": issued.isoformat(),
                "valid_from": issued.isoformat(),
                "valid_until": "长期",
                "status": "注销" if org.key in CANCELLED else "有效",
            }
        )
    return rows


def load(*, today: datetime.date) -> list[str]:
    lines = []
    result = actions.import_licences(
        importing.read_json(json.dumps(_rows(today))), source="file", system=True
    )
    if result.created:
        lines.append(f"省级电子证照：导入营业执照 {result.created} 份")
    if not MaterialMapping.objects.filter(material_name=MATERIAL).exists():
        actions.save_mapping(
            MaterialMapping(material_name=MATERIAL, type_code=BUSINESS_LICENCE_TYPE), system=True
        )
    cases = list(demo_cases().filter(state__in=OPEN).order_by("received_at", "pk"))
    if (
        ReusedMaterial.objects.filter(case__in=cases).exists()
        or ReusedMaterial.objects.filter(case__in=demo_cases()).exists()
    ):
        return lines
    clerk = get_user_model().objects.get(username="clerk")
    wanted = {ReusedMaterial.Kind.IMPORTED, ReusedMaterial.Kind.LICENCE}
    for case in cases:
        if not wanted:
            break
        for line_id, candidates in queries.offers_for_case(case, today).items():
            chosen = next((c for c in candidates if c.kind in wanted), None)
            if chosen is None:
                continue
            line = case.materials.get(pk=line_id)
            try:
                actions.pick(line, actor=clerk, kind=chosen.kind, source_id=chosen.id, on=today)
            except DomainError:
                continue
            wanted.discard(chosen.kind)
            lines.append(f"免证办：{case.number}“{line.material.name}”复用{chosen.title}")
            break
    return lines
