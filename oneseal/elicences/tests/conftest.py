import pytest

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import HandlingItem, Material, Variant
from oneseal.documents import actions as document_actions
from oneseal.testing import day

CREDIT_CODE = "11640221MB0000001X"
ACTING = [
    (Variant.CHANGE, "食品经营许可变更"),
    (Variant.RENEWAL, "食品经营许可延续"),
    (Variant.REISSUE, "食品经营许可补办"),
    (Variant.CANCELLATION, "食品经营许可注销"),
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coded_bureau(bureau):
    bureau.credit_code = CREDIT_CODE
    bureau.save(update_fields=["credit_code"])
    return bureau


@pytest.fixture
def seal(coded_bureau):
    return document_actions.create_seal(coded_bureau, system=True, valid_from=day("2024-01-01"))


@pytest.fixture
def food(complete_draft, admin_user):
    """A published item with a 新办 handling item and one of each acting variant."""
    version = complete_draft(basic_code="640221-XK-101", name="食品经营许可")
    new = version.handling_items.get()
    new.result_name, new.result_validity = "食品经营许可证", "5年"
    catalogue_actions.save_draft_part(new, actor=admin_user)
    for n, (variant, name) in enumerate(ACTING, 2):
        hi = catalogue_actions.save_draft_part(
            HandlingItem(
                item_version=version,
                code=f"640221-XK-101-0{n}",
                name=name,
                variant=variant,
                statutory_limit_days=20,
                promised_limit_days=5,
                complaint_phone="0952-12345",
                result_name="食品经营许可证",
                result_validity="5年",
                order=n,
            ),
            actor=admin_user,
        )
        catalogue_actions.save_draft_part(
            Material(handling_item=hi, name="申请书", order=1), actor=admin_user
        )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return {hi.variant: hi for hi in version.handling_items.all()}
