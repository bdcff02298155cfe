import json

import pytest
from django.utils import translation

from oneseal.cases import actions as case_actions
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Material
from oneseal.documents import actions as document_actions
from oneseal.reuse import importing
from oneseal.reuse.actions import import_licences
from oneseal.testing import accepted_case, day

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _chinese_first():
    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


@pytest.fixture
def food_licence(make_item, applicant, clerk, signatory, seal):
    """The applicant's 食品经营许可证, granted on 2025-03-03 for five years, with its signed
    licence document."""
    case = accepted_case(make_item(steps=False), applicant, clerk, "2025-03-03")
    return case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-03-03"),
        scope="热食类食品制售",
        valid_from=day("2025-03-03"),
        valid_until=day("2030-03-02"),
    )


@pytest.fixture
def sign_item(complete_draft, admin_user):
    """户外广告设置许可（新办）: asks for the 食品经营许可证 and the 营业执照 among its
    materials, documents a body already issued."""
    version = complete_draft(basic_code="640221-XK-050", name="户外广告设置许可")
    hi = version.handling_items.get()
    for order, name in ((2, "食品经营许可证（副本）复印件"), (3, "营业执照")):
        catalogue_actions.save_draft_part(
            Material(handling_item=hi, name=name, order=order), actor=admin_user
        )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


def elicence(**over):
    row = {
        "identifier": "1.2.156.3005.2.11100000000013127D001.91350100M000100Y43.001",
        "type_code": "11100000000013127D001",
        "type_name": "营业执照",
        "number": "91350100M000100Y43",
        "holder_name": "平罗县𠮷祥餐饮有限公司",
        "holder_code": "91350100M000100Y43",
        "issuer": "平罗县市场监督管理局",
        "issued_on": "2020-05-06",
        "valid_from": "2020-05-06",
        "valid_until": "长期",
        "status": "有效",
    }
    row.update(over)
    return row


@pytest.fixture
def business_licence(db):
    """The applicant's 营业执照 as the provincial library sent it."""
    import_licences(importing.read_json(json.dumps([elicence()])), source="file", system=True)
    from oneseal.reuse.models import ImportedLicence

    return ImportedLicence.objects.get()


@pytest.fixture
def sign_case(sign_item, applicant, clerk):
    from oneseal.testing import at

    return case_actions.receive(
        sign_item, actor=clerk, applicant=applicant, at=at("2025-04-01 09:00")
    )


def line_of(case, name):
    return case.materials.get(material__name=name)
