"""The demo's documents: the Pingluo bureau's approval seal, the twelve transferred departments'
old seals registered as sealed away on the transfer date (seed 000 四(二)5), every notice and
licence the 42 demo cases call for, signed, plus one corrected (superseded) and one revoked
document, so the verification page shows all three states.

Idempotent: the seal and the old seals are registered once, only documents not yet issued are
issued, and the correction and the revocation are made only when none exists yet. Every write
goes through `documents.actions`."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.demo.builder import TRANSFER_DATE
from oneseal.demo.cases import demo_cases
from oneseal.demo.data import organisation as org
from oneseal.organisation.models import Bureau, Department

from . import actions, queries
from .models import Document, DocumentKind, Seal
from .rules import chinese_date

# Notices handed over at the window are issued by the clerk; decisions by the signatory.
WINDOW_KINDS = {DocumentKind.ACCEPTANCE, DocumentKind.TOLERATED_ACCEPTANCE, DocumentKind.CORRECTION,
                DocumentKind.REFUSAL, DocumentKind.LICENCE}


def _seals(bureau: Bureau) -> list[str]:
    lines = []
    if queries.active_seal(bureau) is None:
        seal = actions.create_seal(bureau, actor=None, name=f"{bureau.name}行政审批专用章", valid_from=TRANSFER_DATE)
        lines.append(_("电子印章：{name}自{date}启用（证书指纹 {fp}…）").format(
            name=seal.name, date=chinese_date(seal.valid_from), fp=seal.fingerprint[:16]))
    transferred = [row.name for row in org.DEPARTMENTS if row.section]
    registered = set(Seal.objects.filter(kind=Seal.Kind.DEPARTMENT).values_list("department__name", flat=True))
    new = 0
    for department in Department.objects.filter(region=bureau.region, name__in=transferred):
        if department.name not in registered:
            actions.register_department_seal(department, actor=None, name=f"{department.name}行政许可专用章",
                                             sealed_away_on=TRANSFER_DATE)
            new += 1
    if new:
        lines.append(_("原部门印章：{n} 枚登记为{date}封存，不能再用于签章").format(n=new, date=chinese_date(TRANSFER_DATE)))
    return lines


def load(*, today) -> list[str]:
    bureau = Bureau.objects.select_related("region").filter(region__code=org.COUNTY_CODE).first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=("clerk", "signatory"))}
    if bureau is None or len(users) < 2 or not demo_cases().exists():
        return []
    lines = _seals(bureau)

    # In the order of the events that call for them, so each series' numbers rise with the dates.
    due = [(d.event.on, d.event.seq, case.pk, d.kind, case)
           for case in demo_cases().select_related("bureau__region", "region", "applicant", "handling_item")
           for d in queries.due_documents(case) if not d.blockers]
    due.sort(key=lambda row: row[:4])
    for _on, _seq, _pk, kind, case in due:
        actor = users["clerk"] if kind in WINDOW_KINDS else users["signatory"]
        actions.issue_document(case, kind=kind, actor=actor)

    documents = Document.objects.filter(bureau=bureau, case__in=demo_cases())
    if not documents.filter(state=Document.DocumentState.SUPERSEDED).exists():
        first = documents.filter(kind=DocumentKind.ACCEPTANCE, state=Document.DocumentState.GENUINE).order_by("seq").first()
        if first is not None:
            actions.reissue_document(first, actor=users["clerk"], reason="受理通知书所载承诺办结日期有误，予以更正")
    if not documents.filter(state=Document.DocumentState.REVOKED).exists():
        wrong = (documents.filter(kind=DocumentKind.CORRECTION, state=Document.DocumentState.GENUINE)
                 .order_by("-seq").first())
        if wrong is not None:
            actions.revoke_document(wrong, actor=users["signatory"], reason="补正材料通知书错发至其他申请人，予以撤销")

    states = dict.fromkeys(Document.DocumentState.values, 0)
    for state in documents.values_list("state", flat=True):
        states[state] += 1
    genuine = documents.filter(state=Document.DocumentState.GENUINE, kind=DocumentKind.LICENCE).first() or \
        documents.filter(state=Document.DocumentState.GENUINE).first()
    lines.append(_("文书：{total} 份已签章（有效 {g}，已被更正 {s}，已撤销 {r}），本次新出具 {new} 份；"
                   "尚有 {blocked} 份暂不能出具。").format(
        total=sum(states.values()), g=states["genuine"], s=states["superseded"], r=states["revoked"], new=len(due),
        blocked=sum(1 for case in demo_cases() for d in queries.due_documents(case) if d.blockers)))
    if genuine is not None:
        lines.append(_("核验示例（{label} {number}）：{url}").format(
            label=genuine.get_kind_display(), number=genuine.number, url=actions.public_url(genuine.verification_code)))
    return lines
