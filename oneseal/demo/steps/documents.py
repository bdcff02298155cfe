"""The demo's documents: the Pingluo bureau's approval seal (the departments' old seals are the
`seals` step's), every notice and licence the 42 demo cases call for, signed, plus one
corrected (superseded) and one revoked document, so the verification page shows all three states, and one licence revoked through the
whole procedure at a department's request (its PDF verifies as authentic, not in force); that
case is archived before the request, so its revocation becomes a supplementary package.

Idempotent: the seal is created once, only documents not yet issued are issued, and the correction and the revocation are made only when none exists yet. Every write
goes through `documents.actions`."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import State
from oneseal.documents import actions, queries
from oneseal.documents.models import Document, DocumentKind
from oneseal.documents.rules import chinese_date
from oneseal.organisation.models import Bureau

from ..builder import TRANSFER_DATE
from ..cases import demo_cases
from ..data import organisation as org
from .archives import archive_ahead

# Notices handed over at the window are issued by the clerk; decisions by the signatory.
WINDOW_KINDS = {
    DocumentKind.ACCEPTANCE,
    DocumentKind.TOLERATED_ACCEPTANCE,
    DocumentKind.CORRECTION,
    DocumentKind.REFUSAL,
    DocumentKind.LICENCE,
    DocumentKind.RECEIPT,
    DocumentKind.WITHDRAWAL,
}


def _seals(bureau: Bureau) -> list[str]:
    lines = []
    if queries.active_seal(bureau) is None:
        seal = actions.create_seal(
            bureau, system=True, name=f"{bureau.name}行政审批专用章", valid_from=TRANSFER_DATE
        )
        lines.append(
            _("电子印章：{name}自{date}启用（证书指纹 {fp}…）").format(
                name=seal.name, date=chinese_date(seal.valid_from), fp=seal.fingerprint[:16]
            )
        )
    return lines


def _revocation(users, today) -> list[str]:
    """A department asks for a licence's revocation; the signatory takes the request up, which
    starts the procedure (cases.actions.revocation): the notice is issued and served, the
    holder's period passes without views, and the signatory revokes — then the licence's PDF
    verifies as authentic but no longer in force. Only once: skipped when a proposal exists."""
    from oneseal.cases import actions as case_actions
    from oneseal.cases.models import Licence, RevocationProposal
    from oneseal.linkage import actions as linkage_actions
    from oneseal.linkage.models import Push

    if (
        "supervisor" not in users
        or RevocationProposal.objects.filter(case__in=demo_cases()).exists()
    ):
        return []
    cal = current_calendar()
    push = (
        Push.objects.filter(
            case__in=demo_cases(),
            decision="grant",
            department=users["supervisor"].staff.department,
            licence__state=Licence.LicenceState.VALID,
            case__state="delivered",
        )
        # a licence as first issued, still running, that no change or renewal has acted on
        .filter(licence__version=1, licence__acting_cases__isnull=True)
        .exclude(licence__valid_until__lt=today)
        .exclude(feedback__kind="revocation_request")
        .select_related("case", "licence")
        .order_by("pushed_on", "id")
        .first()
    )
    if push is None:
        return []
    # The worker archived the case once it ended (its last act's evening); what follows is
    # archived in its supplement (补充归档), built by the archives step.
    last = push.case.events.order_by("-seq").values_list("on", flat=True).first() or today
    archive_ahead(
        push.case,
        at=min(
            timezone.make_aware(datetime.datetime.combine(last, datetime.time(18))),
            timezone.now(),
        ),
    )
    # Asked a working day after the push, served the same day; the decision waits out the five
    # working days for views. A demo built too close to the push leaves the procedure running.
    asked = min(cal.add(push.pushed_on, 1).date, today)
    feedback = linkage_actions.give_feedback(
        push,
        actor=users["supervisor"],
        kind="revocation_request",
        on=asked,
        document_number="平市监建〔演示〕001号",
        summary="经现场检查，该经营场所已被拆除，不再具备许可条件",
    )
    linkage_actions.decide_revocation_request(
        feedback,
        actor=users["signatory"],
        revoke=True,
        on=asked,
        note="经核实，拟依法撤销，先告知持证人陈述、申辩",
    )
    case = push.case
    # Proposing issues its notice itself (cases.notices); without a seal yet it waits in the queue.
    if any(d.kind == DocumentKind.REVOCATION_NOTICE for d in queries.due_documents(case)):
        actions.issue_document(case, kind=DocumentKind.REVOCATION_NOTICE, actor=users["signatory"])
    proposal = case_actions.notify_revocation(case, actor=users["clerk"], on=asked)
    lines = [
        _(
            "撤销程序：{case} 证照{number}，{department}建议撤销，已告知持证人，陈述、申辩期限至{date}"
        ).format(
            case=case.number,
            number=push.licence.number,
            department=push.department,
            date=chinese_date(proposal.views_due),
        )
    ]
    decided = cal.add(proposal.views_due, 1).date
    if decided <= today:
        case_actions.decide_revocation(
            case,
            actor=users["signatory"],
            revoke=True,
            on=decided,
            reason="持证人在规定期限内未提出陈述、申辩意见，经复核，撤销事实清楚、依据充分",
        )
        actions.issue_due_documents(case, actor=users["signatory"])
        # The department signs for the revocation it asked for (审管联动), within its days.
        pushed = Push.objects.get(case=case, decision="revoke_licence")
        linkage_actions.sign_push(
            pushed, actor=users["supervisor"], on=min(cal.add(pushed.pushed_on, 1).date, today)
        )
        feedback.refresh_from_db()
        licence_document = Document.objects.filter(case=case, kind=DocumentKind.LICENCE).first()
        lines.append(
            _(
                "撤销程序：{date}决定撤销，撤销行政许可决定书已出具，部门建议已办结（{state}）"
            ).format(date=chinese_date(decided), state=feedback.get_request_state_display())
        )
        if licence_document is not None:
            lines.append(
                _("核验示例（已撤销许可的证照 {number}，签章真实但已失效）：{url}").format(
                    number=licence_document.number,
                    url=actions.public_url(licence_document.verification_code),
                )
            )
    return lines


def load(*, today) -> list[str]:
    bureau = Bureau.objects.select_related("region").filter(region__code=org.COUNTY_CODE).first()
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=("clerk", "signatory", "supervisor"))
        .select_related("staff__department")
    }
    if bureau is None or not {"clerk", "signatory"} <= set(users) or not demo_cases().exists():
        return []
    lines = _seals(bureau)

    # In the order of the events that call for them, so each series' numbers rise with the dates.
    due = [
        (d.event.on, d.event.seq, case.pk, d.kind, case)
        for case in demo_cases().select_related(
            "bureau__region", "region", "applicant", "handling_item"
        )
        for d in queries.due_documents(case)
        if not d.blockers
    ]
    due.sort(key=lambda row: row[:4])
    for _on, _seq, _pk, kind, case in due:
        actor = users["clerk"] if kind in WINDOW_KINDS else users["signatory"]
        actions.issue_document(case, kind=kind, actor=actor)

    documents = Document.objects.filter(bureau=bureau, case__in=demo_cases())
    if not documents.filter(state=Document.DocumentState.SUPERSEDED).exists():
        first = (
            documents.filter(kind=DocumentKind.ACCEPTANCE, state=Document.DocumentState.GENUINE)
            .order_by("seq")
            .first()
        )
        if first is not None:
            actions.reissue_document(
                first, actor=users["clerk"], reason="受理通知书所载承诺办结日期有误，予以更正"
            )
    if not documents.filter(state=Document.DocumentState.REVOKED).exists():
        # A notice whose case has answered it: the one a case still waits on is corrected,
        # never revoked (documents.actions.revoke_document refuses it).
        wrong = (
            documents.filter(kind=DocumentKind.CORRECTION, state=Document.DocumentState.GENUINE)
            .exclude(case__state=State.AWAITING_CORRECTION)
            .order_by("-seq")
            .first()
        )
        if wrong is not None:
            actions.revoke_document(
                wrong, actor=users["signatory"], reason="补正材料通知书错发至其他申请人，予以撤销"
            )

    lines += _revocation(users, today)

    states = dict.fromkeys(Document.DocumentState.values, 0)
    for state in documents.values_list("state", flat=True):
        states[state] += 1
    genuine = (
        documents.filter(state=Document.DocumentState.GENUINE, kind=DocumentKind.LICENCE).first()
        or documents.filter(state=Document.DocumentState.GENUINE).first()
    )
    lines.append(
        _(
            "文书：{total} 份已签章（有效 {g}，已被更正 {s}，已撤销 {r}），本次新出具 {new} 份；"
            "尚有 {blocked} 份暂不能出具。"
        ).format(
            total=sum(states.values()),
            g=states["genuine"],
            s=states["superseded"],
            r=states["revoked"],
            new=len(due),
            blocked=sum(
                1 for case in demo_cases() for d in queries.due_documents(case) if d.blockers
            ),
        )
    )
    if genuine is not None:
        lines.append(
            _("核验示例（{label} {number}）：{url}").format(
                label=genuine.get_kind_display(),
                number=genuine.number,
                url=actions.public_url(genuine.verification_code),
            )
        )
    return lines
