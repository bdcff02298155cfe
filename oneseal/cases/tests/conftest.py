import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.actions import register_applicant
from oneseal.cases import actions
from oneseal.cases.models import CaseEvent, CaseMaterial
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Material, ReviewStep, SpecialProcedure
from oneseal.organisation.models import Role, Section

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    """A moment on a business day in the bureau's time zone: '2025-01-24 10:00'."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def clerk(make_staff, county, bureau):
    return make_staff("clerk", county, Role.CLERK, display_name="王窗口", bureau=bureau)


def list_special_procedures(hi, admin_user, kinds=tuple(SpecialProcedure.Kind.values)):
    """The guide's special procedures (every kind unless told): the kinds a case of it may be
    suspended for."""
    for kind in kinds:
        catalogue_actions.save_draft_part(SpecialProcedure(handling_item=hi, kind=kind, limit_days=10),
                                          actor=admin_user)


@pytest.fixture
def handling_item(complete_draft, admin_user):
    """食品经营许可（新办）, promised 5 / statutory 20 working days, with a core material and a
    tolerable non-core one, and the special procedures its guide lists."""
    version = complete_draft()
    hi = version.handling_items.get()
    catalogue_actions.save_draft_part(Material(handling_item=hi, name="食品安全管理制度", order=2, is_core=False,
                                               is_tolerable=True), actor=admin_user)
    list_special_procedures(hi, admin_user)
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


@pytest.fixture
def applicant(clerk):
    return register_applicant(actor=clerk, kind="organisation", name="平罗县𠮷祥餐饮有限公司",
                              number="91350100M000100Y43", phone="0952-6012345")


# --- shared fixtures ----------------------------------------------------------------------


@pytest.fixture
def section(bureau):
    return Section.objects.create(bureau=bureau, name="市场准入科")


@pytest.fixture
def reviewer(make_staff, county, bureau, section):
    return make_staff("reviewer", county, Role.REVIEWER, display_name="李初审", bureau=bureau, section=section)


@pytest.fixture
def second_reviewer(make_staff, county, bureau):
    """A reviewer of another team: may do the second review, not the first."""
    return make_staff("reviewer2", county, Role.REVIEWER, display_name="赵复审", bureau=bureau)


@pytest.fixture
def signatory(make_staff, county, bureau):
    return make_staff("chief", county, Role.SIGNATORY, display_name="张局长", bureau=bureau)


@pytest.fixture
def deputy(make_staff, county, bureau):
    return make_staff("deputy", county, Role.SIGNATORY, display_name="陈副局长", bureau=bureau)


@pytest.fixture
def far_staff(make_staff, other_county):
    """Staff of the neighbouring county holding every role there."""
    return make_staff("far", other_county, Role.CLERK, Role.REVIEWER, Role.SIGNATORY, display_name="外区人员")


@pytest.fixture
def supervisor(make_staff, county, department):
    return make_staff("supervisor", county, Role.SUPERVISOR, department=department)


@pytest.fixture
def applicant_user(db):
    return get_user_model().objects.create_user(username="public", password="pw-public")


@pytest.fixture
def own_applicant(clerk, applicant_user):
    """An applicant with an online account (a natural person)."""
    return register_applicant(actor=clerk, kind="person", name="马𠮷祥", number="640221198001011237",
                              phone="13909520000", user=applicant_user)


@pytest.fixture
def other_applicant_user(clerk):
    user = get_user_model().objects.create_user(username="stranger", password="pw-stranger")
    register_applicant(actor=clerk, kind="person", name="路人甲", number="640221199002150049",
                       phone="13909520001", user=user)
    return user


STEPS = [("受理", ReviewStep.Role.CLERK, False), ("初审", ReviewStep.Role.REVIEWER, True),
         ("复审", ReviewStep.Role.REVIEWER, False), ("决定", ReviewStep.Role.SIGNATORY, False)]


@pytest.fixture
def make_item(complete_draft, admin_user, section):
    """A published 食品经营许可 handling item (promised 5 / statutory 20 working days unless
    told otherwise) with a core and a tolerable non-core material and, unless `steps` says
    otherwise (False, or a list like STEPS), the steps 受理 → 初审 (市场准入科) → 复审 → 决定."""
    codes = itertools.count(1)

    def make(*, steps=True, procedures=tuple(SpecialProcedure.Kind.values), **fields):
        version = complete_draft(basic_code=f"640221-XK-{next(codes):03d}")
        hi = version.handling_items.get()
        hi.result_name, hi.deliver_by_post = "食品经营许可证", True
        for name, value in fields.items():
            setattr(hi, name, value)
        catalogue_actions.save_draft_part(hi, actor=admin_user)
        catalogue_actions.save_draft_part(Material(handling_item=hi, name="食品安全管理制度", order=2, is_core=False,
                                                   is_tolerable=True), actor=admin_user)
        list_special_procedures(hi, admin_user, procedures)
        chosen = STEPS if steps is True else (steps or [])
        for order, (name, role, in_section) in enumerate(chosen, 1):
            catalogue_actions.save_draft_part(ReviewStep(handling_item=hi, order=order, name=name, role=role,
                                                         section=section if in_section else None), actor=admin_user)
        catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
        return hi
    return make


@pytest.fixture
def item(make_item):
    return make_item()


def accepted_case(hi, applicant, clerk, on: str, *, tolerated_until: str | None = None):
    """Receive on `on` at 09:00 and accept the same day, through the real actions."""
    case = actions.receive(hi, actor=clerk, applicant=applicant, at=at(f"{on} 09:00"))
    core, non_core = case.materials.order_by("material__order")
    if tolerated_until:
        actions.check_materials(case, actor=clerk, statuses={core.pk: CaseMaterial.Status.PROVIDED})
        return actions.accept(case, actor=clerk, on=day(on), tolerated={non_core.pk: day(tolerated_until)})
    actions.check_materials(case, actor=clerk, statuses={m.pk: CaseMaterial.Status.PROVIDED for m in (core, non_core)})
    return actions.accept(case, actor=clerk, on=day(on))


def reviewed(case, reviewer, second_reviewer, on: str):
    """Both review steps done, the case waits for the decision."""
    case = actions.complete_review_step(case, actor=reviewer, opinion="材料齐全，符合条件", outcome="approve", on=day(on))
    return actions.complete_review_step(case, actor=second_reviewer, opinion="同意初审意见", outcome="approve", on=day(on))


def events(case) -> int:
    return CaseEvent.objects.filter(case=case).count()


# --- review steps -------------------------------------------------------------------------


def revoke_through_procedure(case, *, proposer, clerk, signatory, proposed_on: str, notified_on: str,
                             decided_on: str, facts: str = "以欺骗手段取得行政许可", views: str | None = None):
    """Revoke the case's licence the only way there is: propose (its notice is issued with it;
    a bureau seal is created when there is none, and a notice left waiting for one is issued
    now), record its service, hear the holder (when `views`), and let a signatory decide
    after the period."""
    from oneseal.documents import actions as document_actions
    from oneseal.documents.models import Seal
    from oneseal.testing import issued_document

    if not Seal.objects.filter(bureau=case.bureau, kind=Seal.Kind.BUREAU, state=Seal.SealState.ACTIVE).exists():
        document_actions.create_seal(case.bureau, actor=None, valid_from=day("2024-01-01"))
    from oneseal.cases.actions.revocation import open_proposal

    if open_proposal(case) is None:
        actions.propose_revocation(case, actor=proposer, facts=facts, on=day(proposed_on))
    issued_document(case, kind="revocation_notice", actor=clerk)
    actions.notify_revocation(case, actor=clerk, on=day(notified_on))
    if views is not None:
        actions.submit_revocation_views(case, actor=clerk, views=views, on=day(notified_on))
    return actions.decide_revocation(case, actor=signatory, revoke=True, reason="经复核，事实清楚，依据充分",
                                     on=day(decided_on))
