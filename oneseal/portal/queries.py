"""Reads of the portal's pages. Every case comes through `cases.queries.visible_cases` and is
then narrowed to the applicants tied to the account: staff who also apply see their own
applications here, never their region's."""

import datetime
import hmac
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import represented
from oneseal.cases import texts
from oneseal.cases.models import Case, CaseEvent, ExpiryReminder, Licence
from oneseal.cases.queries import DETAIL_PREFETCH, Viewer, visible_cases, visible_licences
from oneseal.catalogue.models import ApplicantType, HandlingItem, Material
from oneseal.catalogue.rules import material_applies
from oneseal.documents.models import Document
from oneseal.documents.queries import documents_for


def own_applicants(user: Viewer) -> QuerySet[Applicant]:
    """The account's own person first, then the organisations it is authorised for today."""
    return represented(user).order_by("-kind", "name", "id")


def own_cases(user: Viewer) -> QuerySet[Case]:
    return (
        visible_cases(user)
        .filter(applicant__in=own_applicants(user))
        .select_related("applicant", "handling_item__item_version")
        .order_by("-received_at", "-id")
    )


def own_case(user: Viewer, pk: int) -> Case | None:
    return (
        own_cases(user)
        .select_related("region", "bureau")
        .prefetch_related(*DETAIL_PREFETCH)
        .filter(pk=pk)
        .first()
    )


def case_documents(user: Viewer, case: Case) -> list[Document]:
    """The notices and the licence of the case the user may download (the documents app
    decides who may)."""
    return documents_for(user, case)


# A code compared when no case has the typed number, so both answers take the same work.
_NO_CODE = "\x00" * 6


def tracked_case(number: str, query_code: str) -> Case | None:
    """The case a number and its query code name, or None: the same None whether the number
    does not exist or the code is wrong."""
    case = (
        (
            Case.objects.select_related("applicant", "handling_item__item_version")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=CaseEvent.objects.filter(action__in=texts.PUBLIC_STEPS).order_by(
                        "seq"
                    ),
                )
            )
            .filter(number=number)
            .first()
        )
        if number
        else None
    )
    expected = case.query_code if case is not None else _NO_CODE
    matches = hmac.compare_digest(expected.encode(), (query_code or "").encode())
    return case if case is not None and matches else None


# --- the guide's questions ------------------------------------------------------------------


@dataclass
class Situation:
    """The applicant's answers on a guide page and what follows from them."""

    who: str | None  # "person", "organisation" or None (not answered)
    by_agent: bool | None
    siblings: list[HandlingItem]  # the handling items of the same item version
    ask_who: bool
    ask_agent: bool
    materials: list[Material]  # the materials of this handling item for the situation
    all_materials: list[Material] = field(default_factory=list)
    fits: bool = True  # the handling item serves this kind of applicant

    @property
    def answered(self) -> bool:
        return self.who is not None or self.by_agent is not None


def situation(hi: HandlingItem, *, who: str | None, agent: str | None) -> Situation:
    """What the guide asks: the kind of applicant where the item serves both or its materials
    differ by kind, which handling item (new, change, renewal, cancellation …), and whether an
    agent files where a material depends on it. Answers filter the materials shown."""
    siblings = list(hi.item_version.handling_items.order_by("order", "id"))
    materials = list(hi.materials.all())
    types = {s.applicant_type for s in siblings}
    kind_specific = any(
        m.applies_to in (Material.AppliesTo.PERSON, Material.AppliesTo.ORGANISATION)
        for m in materials
    )
    ask_who = ApplicantType.BOTH in types or len(types) > 1 or kind_specific
    ask_agent = any(m.applies_to == Material.AppliesTo.AGENT for m in materials)
    who = who if who in (ApplicantType.PERSON, ApplicantType.ORGANISATION) else None
    by_agent = {"yes": True, "no": False}.get(agent or "")
    shown = [m for m in materials if material_applies(m, applicant_kind=who, by_agent=by_agent)]
    fits = who is None or hi.applicant_type in (ApplicantType.BOTH, who)
    return Situation(
        who=who,
        by_agent=by_agent,
        siblings=siblings,
        ask_who=ask_who,
        ask_agent=ask_agent,
        materials=shown,
        all_materials=materials,
        fits=fits,
    )


def fits_applicant(hi: HandlingItem, applicant: Applicant) -> bool:
    return hi.applicant_type in (ApplicantType.BOTH, applicant.kind)


def apply_materials(hi: HandlingItem, applicant: Applicant) -> list[Material]:
    """The materials an applicant filing online for themselves is asked for."""
    return [
        m
        for m in hi.materials.order_by("order", "id")
        if material_applies(m, applicant_kind=applicant.kind, by_agent=False)
    ]


def own_licences(user: Viewer) -> QuerySet[Licence]:
    """The licences held by the applicants tied to this account (through `visible_licences`)."""
    return (
        visible_licences(user)
        .filter(holder__in=own_applicants(user))
        .select_related("holder", "case__handling_item__item_version")
        .order_by("-issued_on", "-id")
    )


def own_reminders(user: Viewer, *, since: datetime.date) -> QuerySet[ExpiryReminder]:
    """Reminders of the holder's licences since `since`, newest first (the portal's messages)."""
    return (
        ExpiryReminder.objects.filter(licence__in=own_licences(user), on__gte=since)
        .select_related("licence")
        .order_by("-on", "-id")
    )
