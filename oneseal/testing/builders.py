"""The bodies of the shared fixtures (oneseal/conftest.py, `oneseal.testing.fixtures`) as plain
functions: the fixtures build one test's county with them, and a module that shares one build
between its tests (a module-scoped fixture in a savepoint, as `cases/tests/
test_licence_register.py` does) builds the same rows with the same names, which a fixture of
narrower scope cannot give it (`module_build`, `county_build`, `licensed_case`)."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings

from oneseal.applicants.actions import register_applicant
from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import invalidate
from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material, ReviewStep, SpecialProcedure
from oneseal.organisation.models import Bureau, Department, Role, Section, Staff, StaffRole
from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
from oneseal.regions.models import Region

from . import accepted_case, day, list_special_procedures

COUNTY = "640221"  # 平罗县
OTHER_COUNTY = "640202"  # 大武口区, same city


def regions():
    # 宁夏: 平罗县 640221 and its neighbours; 四川: 广安区 511602
    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="51", system=True)
    return Region.objects


def bureau(county: Region) -> Bureau:
    return Bureau.objects.create(
        region=county, name="平罗县审批服务管理局", complaint_phone="0952-12345"
    )


def department(county: Region) -> Department:
    return Department.objects.create(
        region=county, name="平罗县市场监督管理局", short_name="市场监管局", order=6
    )


def catalogue(county: Region, bureau: Bureau) -> Catalogue:
    return Catalogue.objects.create(region=county, bureau=bureau, name="平罗县审批服务事项目录")


def make_staff(username: str, region: Region, *roles: str, **fields):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    staff = Staff.objects.create(
        user=user, region=region, display_name=fields.pop("display_name", username), **fields
    )
    for role in roles:
        StaffRole.objects.create(staff=staff, role=role)
    return user


def admin_user(county: Region):
    return make_staff("catadmin", county, Role.CATALOGUE_ADMIN)


def complete_draft(
    catalogue: Catalogue,
    admin_user,
    department: Department,
    basic_code: str = "640221-XK-001",
    name: str = "食品经营许可",
    **fields,
):
    """A draft version 1 whose guide is complete enough to publish."""
    v = catalogue_actions.create_item(
        catalogue,
        actor=admin_user,
        basic_code=basic_code,
        name=name,
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        original_department=department,
        **fields,
    )
    hi = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=v,
            code=basic_code + "-01",
            name=name + "（新办）",
            statutory_limit_days=20,
            promised_limit_days=5,
            complaint_phone="0952-12345",
        ),
        actor=admin_user,
    )
    catalogue_actions.save_draft_part(
        Material(handling_item=hi, name="食品经营许可申请书", order=1), actor=admin_user
    )
    return v


def clerk(county: Region, bureau: Bureau):
    return make_staff("clerk", county, Role.CLERK, display_name="王窗口", bureau=bureau)


def signatory(county: Region, bureau: Bureau):
    return make_staff("chief", county, Role.SIGNATORY, display_name="张局长", bureau=bureau)


def far_staff(other_county: Region):
    """Staff of the neighbouring county holding every role there."""
    return make_staff(
        "far", other_county, Role.CLERK, Role.REVIEWER, Role.SIGNATORY, display_name="外区人员"
    )


def applicant(clerk):
    return register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县𠮷祥餐饮有限公司",
        number="91350100M000100Y43",
        phone="0952-6012345",
    )


def applicant_user():
    return get_user_model().objects.create_user(username="public", password="pw-public")


def own_applicant(clerk, applicant_user):
    """An applicant with an online account (a natural person)."""
    return register_applicant(
        actor=clerk,
        kind="person",
        name="马𠮷祥",
        number="640221198001011237",
        phone="13909520000",
        user=applicant_user,
    )


def other_applicant_user(clerk):
    user = get_user_model().objects.create_user(username="stranger", password="pw-stranger")
    register_applicant(
        actor=clerk,
        kind="person",
        name="路人甲",
        number="640221199002150049",
        phone="13909520001",
        user=user,
    )
    return user


def published_item(
    version,
    admin_user,
    *,
    steps=(),
    section: Section | None = None,
    procedures=tuple(SpecialProcedure.Kind.values),
    **fields,
) -> HandlingItem:
    """Publish `version` (a `complete_draft`) as the shared fixture `make_item` does:
    食品经营许可（新办） with a core and a tolerable non-core material, its special procedures
    (`procedures`), the review `steps` (name, role, in `section`; none unless told) and any
    handling-item `fields`, in force from 2024-01-01."""
    hi = version.handling_items.get()
    hi.result_name, hi.deliver_by_post = "食品经营许可证", True
    for name, value in fields.items():
        setattr(hi, name, value)
    catalogue_actions.save_draft_part(hi, actor=admin_user)
    catalogue_actions.save_draft_part(
        Material(
            handling_item=hi, name="食品安全管理制度", order=2, is_core=False, is_tolerable=True
        ),
        actor=admin_user,
    )
    list_special_procedures(hi, admin_user, procedures)
    for order, (name, role, in_section) in enumerate(steps, 1):
        catalogue_actions.save_draft_part(
            ReviewStep(
                handling_item=hi,
                order=order,
                name=name,
                role=role,
                section=section if in_section else None,
            ),
            actor=admin_user,
        )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextlib.contextmanager
def module_build(django_db_blocker) -> Iterator[None]:
    """The frame of a module's one build (a module-scoped fixture yields its ids inside it):
    the database opened to it, in a transaction rolled back after the module's last test, with
    a fast password hasher and the calendar cache cleared at both ends. Each test runs in its
    own savepoint on top (the `db` fixture) and reads its objects afresh, so what one test
    changes, in the database or in memory, the next does not see."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        invalidate()
        yield
        transaction.set_rollback(True)
    invalidate()


@dataclass
class County:
    """The shared fixtures' county as `county_build` makes it."""

    region: Region
    bureau: Bureau
    admin_user: Any
    department: Department
    catalogue: Catalogue
    clerk: Any
    signatory: Any
    applicant_user: Any
    own_applicant: Applicant

    def complete_draft(self, **fields):
        return complete_draft(self.catalogue, self.admin_user, self.department, **fields)

    def people(self) -> dict[str, int]:
        """The ids a module's fixtures read the people back by (the strangers made now: the
        other applicant and the neighbouring county's staff)."""
        return {
            "clerk": self.clerk.pk,
            "signatory": self.signatory.pk,
            "applicant_user": self.applicant_user.pk,
            "own_applicant": self.own_applicant.pk,
            "other_applicant_user": other_applicant_user(self.clerk).pk,
            "far_staff": far_staff(Region.objects.get(code=OTHER_COUNTY)).pk,
        }


def county_build() -> County:
    """平罗县 with its bureau, catalogue administrator, department and catalogue, the window
    clerk, the signatory and the online applicant: the rows and names of the shared fixtures."""
    county = regions().get(code=COUNTY)
    the_bureau = bureau(county)
    admin = admin_user(county)
    the_department = department(county)
    the_catalogue = catalogue(county, the_bureau)
    the_clerk = clerk(county, the_bureau)
    user = applicant_user()
    return County(
        region=county,
        bureau=the_bureau,
        admin_user=admin,
        department=the_department,
        catalogue=the_catalogue,
        clerk=the_clerk,
        signatory=signatory(county, the_bureau),
        applicant_user=user,
        own_applicant=own_applicant(the_clerk, user),
    )


def licensed_case(item: HandlingItem, holder: Applicant, clerk, signatory) -> Case:
    """A case of `item` accepted on 2025-09-22, granted on 2025-09-24 (热食类食品制售, valid
    to 2030-09-23) and delivered at the window on 2025-09-25."""
    case = accepted_case(item, holder, clerk, "2025-09-22")
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-09-24"),
        scope="热食类食品制售",
        valid_from=day("2025-09-24"),
        valid_until=day("2030-09-23"),
    )
    case_actions.deliver(case, actor=clerk, channel="window", on=day("2025-09-25"))
    return case
