"""Fixtures of the portal's pages: a published handling item with materials for every
situation, a window clerk, and applicants with online accounts made through `sign_up`."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from oneseal.applicants.actions import record_authorisation, register_applicant, sign_up
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import ApplicantType, HandlingItem, Material, Variant
from oneseal.organisation.models import Role

PASSWORD = "Pingluo-2025!"
PERSON_NUMBER = "640221199605180423"
OTHER_PERSON_NUMBER = "640221198001011237"
COMPANY_NUMBER = "91350100M000100Y43"
REPRESENTATIVE_NUMBER = "640221198203150024"


@pytest.fixture(autouse=True)
def _portal_setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield  # the tracking page's failure counts: oneseal/conftest.py's _shared_counts clears them
    translation.deactivate()  # a request to an /en/ page leaves English active on the thread


@pytest.fixture
def clerk(make_staff, county, bureau):
    return make_staff("clerk", county, Role.CLERK, display_name="王窗口", bureau=bureau)


@pytest.fixture
def item(complete_draft, admin_user):
    """食品经营许可 with two handling items: 新办 (for anyone) with a form every applicant
    fills, a person's ID card, an organisation's business licence (shared data), a tolerable
    non-core material and a power of attorney for agents; and 变更 (for organisations)."""
    version = complete_draft()
    new = version.handling_items.get()
    new.applicant_type, new.fee_charged = ApplicantType.BOTH, False
    new.visits_required = 0
    catalogue_actions.save_draft_part(new, actor=admin_user)
    for order, (name, fields) in enumerate(
        [
            ("申请人居民身份证", {"applies_to": Material.AppliesTo.PERSON}),
            (
                "营业执照",
                {"applies_to": Material.AppliesTo.ORGANISATION, "source": Material.Source.SHARED},
            ),
            ("食品安全管理制度", {"is_core": False, "is_tolerable": True}),
            (
                "授权委托书",
                {"applies_to": Material.AppliesTo.AGENT, "is_required": False, "is_core": False},
            ),
        ],
        start=2,
    ):
        catalogue_actions.save_draft_part(
            Material(handling_item=new, name=name, order=order, **fields), actor=admin_user
        )
    change = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=version,
            code=new.code[:-2] + "02",
            name="食品经营许可（变更）",
            variant=Variant.CHANGE,
            applicant_type=ApplicantType.ORGANISATION,
            statutory_limit_days=20,
            promised_limit_days=3,
            complaint_phone="0952-12345",
            fee_charged=True,
            fee_standard="工本费10元",
            fee_basis="宁价费发〔2020〕1号",
            order=2,
        ),
        actor=admin_user,
    )
    catalogue_actions.save_draft_part(
        Material(handling_item=change, name="变更申请书", order=1), actor=admin_user
    )
    catalogue_actions.publish(version, actor=admin_user, effective_from=datetime.date(2024, 1, 1))
    return version


@pytest.fixture
def new_item(item):
    return item.handling_items.get(variant=Variant.NEW)


@pytest.fixture
def change_item(item):
    return item.handling_items.get(variant=Variant.CHANGE)


def signed_up(username, *, name="张珊", number=PERSON_NUMBER):
    user, applicant = sign_up(
        username=username, password=PASSWORD, name=name, number=number, phone="13995210418"
    )
    return user


@pytest.fixture
def person(db):
    return signed_up("zhangshan")


@pytest.fixture
def stranger(db):
    return signed_up("stranger", name="路人甲", number=OTHER_PERSON_NUMBER)


@pytest.fixture
def company(clerk):
    """The legal representative's own account, authorised at the window for her company."""
    user = signed_up("shahurenjia", name="马玉兰", number=REPRESENTATIVE_NUMBER)
    organisation = register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县沙湖人家餐饮有限公司",
        number=COMPANY_NUMBER,
        phone="0952-6021835",
        representative="马玉兰",
    )
    record_authorisation(
        organisation,
        person=user.applicants.get(),
        capacity="representative",
        papers="营业执照副本、法定代表人身份证",
        actor=clerk,
    )
    return user


@pytest.fixture
def window_applicant(clerk):
    """A person registered at the window, with no online account."""
    return register_applicant(
        actor=clerk, kind="person", name="马𠮷祥", number="11010519491231002X", phone="13909520000"
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name="申请书.pdf", body=b"%PDF-1.7 test"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")
