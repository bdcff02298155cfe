"""Every write of the public register: a decision's publication opened with the decision
(`open_for_event`, registered with `cases.notices`), published (`publish`: the worker's
`publish_due` or staff), withdrawn with a reason (`withdraw`). Each publish and withdrawal is
one transaction with an audit row."""

import datetime
import logging
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User, acts_as_system, stored_user
from oneseal.applicants.models import Applicant
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import Case, CaseEvent, Licence
from oneseal.characters import bidi_controls, control_characters
from oneseal.documents.models import Document, DocumentKind
from oneseal.errors import NotPermitted, fail_blockers, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import rules
from .models import HolderKind, Kind, Publication

logger = logging.getLogger("oneseal.publications")

# The decision document each kind of event issues (its 文书号 is the feed's XK_WSH).
DECISION_DOCUMENTS = {
    "grant": (DocumentKind.GRANT, DocumentKind.CANCELLATION),
    "deem_renewed": (DocumentKind.DEEMED_RENEWAL,),
    "revoke_licence": (DocumentKind.REVOCATION,),
    "terminate": (DocumentKind.TERMINATION,),
}


def _decision_document(event: CaseEvent) -> Document | None:
    kinds = DECISION_DOCUMENTS.get(event.action, ())
    return (
        Document.objects.filter(event=event, kind__in=kinds)
        .exclude(state=Document.DocumentState.REVOKED)
        .order_by("pk")
        .first()
    )


def _licence_of(case: Case, event: CaseEvent) -> Licence | None:
    number = (event.data or {}).get("licence") or (event.data or {}).get("licence_voided")
    if number:
        return Licence.objects.filter(number=number).first()
    return None


def _holder(applicant: Applicant) -> dict:
    """The holder as published: a person's masked name and nothing else; an organisation's
    full name and credit code."""
    if applicant.kind == Applicant.Kind.PERSON:
        return {
            "holder_kind": HolderKind.PERSON,
            "holder_name": rules.mask_person_name(applicant.name),
            "holder_credit_code": "",
        }
    return {
        "holder_kind": HolderKind.ORGANISATION,
        "holder_name": applicant.name,
        "holder_credit_code": applicant.credit_code,
    }


def open_publication(case: Case, event: CaseEvent) -> Publication | None:
    """The pending publication of the decision `event` records, created once (a second call
    returns the one there is); None when the event decides no licence."""
    kind = rules.kind_of(event.action, event.data)
    if kind is None:
        return None
    existing = Publication.objects.filter(event=event).first()
    if existing is not None:
        return existing
    licence = _licence_of(case, event)
    if licence is None:
        return None
    holder = Applicant.objects.get(pk=licence.holder_id)
    hi = case.handling_item
    bureau = case.bureau
    due = rules.publication_due(current_calendar(), event.on)
    document = _decision_document(event)
    return Publication.objects.create(
        event=event,
        licence=licence,
        kind=kind,
        deemed=event.action == "deem_renewed",
        **_holder(holder),
        licence_number=licence.number,
        licence_name=licence.name,
        item_name=hi.item_version.name,
        decided_on=event.on,
        valid_from=licence.valid_from,
        valid_until=licence.valid_until,
        decision_title=str(document.get_kind_display()) if document else "",
        decision_number=document.number if document else "",
        bureau_name=bureau.name,
        bureau_credit_code=bureau.credit_code,
        region_id=case.region_id,
        region_code=case.region_code,
        due_on=due.date,
        due_provisional=due.provisional,
    )


def open_for_event(case: Case, event: CaseEvent, actor: "Actor | None") -> None:
    """Registered with `cases.notices` (PublicationsConfig.ready): every licence decision,
    whatever path recorded it (window, portal, API, worker, admin), opens its publication in
    the decision's transaction. In a savepoint: the decision stands whatever happens here, and
    `publish_due` opens what is missing on its next pass."""
    if rules.kind_of(event.action, event.data) is None:
        return
    try:
        with transaction.atomic():
            open_publication(case, event)
    except Exception:
        logger.exception("opening the publication of event %s of case %s failed", event.pk, case.pk)


# --- publish and withdraw ----------------------------------------------------------------------


def may_publish(actor: Actor, publication: Publication) -> bool:
    """The window's clerks and the signatories of the decision's region (and above it)."""
    region = publication.region
    return has_role(actor, Role.CLERK, region) or has_role(actor, Role.SIGNATORY, region)


def may_withdraw(actor: Actor, publication: Publication) -> bool:
    """Taking a decision off the public record is a signatory's act."""
    return has_role(actor, Role.SIGNATORY, publication.region)


def _lock(publication: Publication) -> Publication:
    return (
        Publication.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=publication.pk)
    )


def publish_blockers(publication: Publication, *, today: datetime.date) -> list[str]:
    if publication.state == Publication.State.PUBLISHED:
        return [_("该决定已公示")]
    if publication.state == Publication.State.WITHDRAWN:
        return [_("该公示已撤回，不能再公示")]
    if publication.decided_on > today:
        return [_("决定日期{date}尚未到来").format(date=publication.decided_on.isoformat())]
    return []


def _fill_decision_document(publication: Publication) -> list[str]:
    """The decision document may have been issued after the decision (a notice waiting for the
    seal): its title and number are taken when publishing."""
    if publication.decision_number:
        return []
    document = _decision_document(publication.event)
    if document is None:
        return []
    publication.decision_title = str(document.get_kind_display())
    publication.decision_number = document.number
    return ["decision_title", "decision_number"]


@transaction.atomic
def publish(
    publication: Publication,
    *,
    actor: "User | None" = None,
    system: bool = False,
    today: datetime.date | None = None,
) -> Publication:
    """Put a pending decision on the public register. The worker publishes as the system;
    staff may publish one at once."""
    publication = _lock(publication)
    if not acts_as_system(actor, system=system) and not (
        actor is not None and may_publish(actor, publication)
    ):
        raise NotPermitted()
    today = today or timezone.localdate()
    fail_blockers(publish_blockers(publication, today=today))
    publication.state = Publication.State.PUBLISHED
    publication.published_at = timezone.now().replace(microsecond=0)
    publication.published_by = None if actor is None else stored_user(actor)
    fields = ["state", "published_at", "published_by", *_fill_decision_document(publication)]
    publication.save(update_fields=fields)
    late = today > publication.due_on
    record(
        "publications.publish",
        actor=actor,
        subject=publication,
        region_code=publication.region_code,
        summary=f"{publication.get_kind_display()} {publication.licence_number} 公示",
        data={
            "licence": publication.licence_number,
            "kind": publication.kind,
            "decided_on": publication.decided_on.isoformat(),
            "due_on": publication.due_on.isoformat(),
            "late": late,
        },
    )
    return publication


def withdraw_blockers(publication: Publication) -> list[str]:
    if publication.state == Publication.State.WITHDRAWN:
        return [_("该公示已撤回")]
    return []


@transaction.atomic
def withdraw(publication: Publication, *, actor: User, reason: str) -> Publication:
    """Take a publication off the public register (a decision published in error, a court's
    judgment …). The record stays: who withdrew it, when and why."""
    publication = _lock(publication)
    if not may_withdraw(actor, publication):
        raise NotPermitted()
    fail_blockers(withdraw_blockers(publication))
    reason = (reason or "").strip()
    if not reason:
        fail_fields({"reason": [_("请填写撤回理由")]})
    if len(reason) > 500:
        fail_fields({"reason": [_("撤回理由不能超过500字")]})
    # The request filter refuses these at the door; the worker, the shell and the admin do
    # not pass it.
    if control_characters(reason) or bidi_controls(reason):
        fail_fields({"reason": [_("撤回理由不能含有控制字符")]})
    was = publication.state
    publication.state = Publication.State.WITHDRAWN
    publication.withdrawn_at = timezone.now().replace(microsecond=0)
    publication.withdrawn_by = stored_user(actor)
    publication.withdrawal_reason = reason
    publication.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    record(
        "publications.withdraw",
        actor=actor,
        subject=publication,
        region_code=publication.region_code,
        summary=f"{publication.get_kind_display()} {publication.licence_number} 撤回公示",
        data={"licence": publication.licence_number, "was": was, "reason": reason},
    )
    return publication


# --- the worker ---------------------------------------------------------------------------------


def _missing_decisions(today: datetime.date) -> Iterator[CaseEvent]:
    """Licence decisions with no publication: opened by the hook unless it failed, or made
    before this app was installed."""
    events = (
        CaseEvent.objects.filter(action__in=rules.DECISION_ACTIONS, on__lte=today)
        .exclude(pk__in=Publication.objects.values("event_id"))
        .select_related("case")
        .order_by("pk")
    )
    for event in events.iterator():
        if rules.kind_of(event.action, event.data) is not None:
            yield event


def publish_due(today: datetime.date) -> dict[str, int]:
    """Run by the worker: open any missing publication, then publish every pending one decided
    by `today`. The policy is to publish at once; the 7 working days are the deadline, which
    e-supervision watches. Each publication is its own transaction, so one failure stops
    nothing else; a second run finds nothing to do."""
    opened = published = 0
    for event in _missing_decisions(today):
        with transaction.atomic():
            if open_publication(event.case, event) is not None:
                opened += 1
    pending = Publication.objects.filter(
        state=Publication.State.PENDING, decided_on__lte=today
    ).order_by("decided_on", "pk")
    for pk in list(pending.values_list("pk", flat=True)):
        try:
            publish(Publication(pk=pk), system=True, today=today)
        except Exception:
            # Published meanwhile by staff or another worker, or withdrawn: nothing to do.
            if Publication.objects.filter(pk=pk, state=Publication.State.PENDING).exists():
                logger.exception("publishing %s failed", pk)
            continue
        published += 1
    return {"opened": opened, "published": published}


__all__ = [
    "Kind",
    "open_for_event",
    "open_publication",
    "publish",
    "publish_due",
    "withdraw",
]
