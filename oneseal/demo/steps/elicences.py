"""The demo's e-licences: every demo licence document issued also as an e-licence (GB/T 36903
metadata and a signed OFD), including the changed, replaced and revoked ones in their states.

The demo bureau has its 统一社会信用代码 from its creation (the identifier needs the issuer's
code), so each licence document gets its e-licence as it is issued; a bureau of a database
loaded before is given it here, through the organisation action. The licences are then followed through
`elicences.actions.follow_licence`, as the worker does for documents issued before. Idempotent:
a licence whose e-licences are all there and in their state is left as it is."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.cases.models import Licence
from oneseal.elicences import actions
from oneseal.elicences.models import ELicence
from oneseal.elicences.rules import is_credit_code
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Bureau

from ..cases import demo_cases
from ..data import organisation as org


def load(*, today) -> list[str]:
    bureau = Bureau.objects.filter(region__code=org.COUNTY_CODE).first()
    if bureau is None:
        return []
    lines = []
    if not is_credit_code(bureau.credit_code):
        bureau.credit_code = org.BUREAU_CREDIT_CODE
        superuser = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
        organisation_actions.save_bureau(bureau, actor=superuser)
        lines.append(
            _("{bureau}统一社会信用代码：{code}").format(
                bureau=bureau.name, code=bureau.credit_code
            )
        )
    before = ELicence.objects.count()
    for licence in Licence.objects.filter(case__in=demo_cases()).order_by("pk"):
        actions.follow_licence(licence, system=True)
    made = ELicence.objects.count() - before
    if made:
        lines.append(_("电子证照：{n}份（证照标识、元数据和签名的OFD文件）").format(n=made))
    return lines
