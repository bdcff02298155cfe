"""A city rolls out its counties (seed 004): bureaus, sections and catalogues made at once,
each county's list checked against the province's guidance catalogue (seed 002), filed with
the city only when the check passes, and a dashboard scoped to city or county."""

import pytest

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Bureau, Role, Section
from oneseal.regions.models import Region
from oneseal.testing import day
from oneseal.transfers import rollout as rollouts
from oneseal.transfers.models import ListFiling


def test_a_rollout_creates_every_countys_bureau_sections_and_catalogue(started, chosen):
    for county in chosen:
        bureau = Bureau.objects.get(region=county)
        assert bureau.name == f"{county.name}行政审批局"
        assert set(Section.objects.filter(bureau=bureau).values_list("name", flat=True)) == {
            "综合科",
            "审批一科",
            "审批二科",
        }
        assert Catalogue.objects.filter(region=county, kind=Catalogue.Kind.LOCAL).exists()
    assert AuditEvent.objects.filter(action="organisation.save_bureau").count() == 3
    assert AuditEvent.objects.filter(action="transfers.rollout_started").count() == 1


def test_only_the_city_administrator_rolls_out_and_only_its_own_counties(
    city, chosen, far_staff, administrator, city_admin, guidance, county
):
    for user in (far_staff, administrator):
        with pytest.raises(NotPermitted):
            rollouts.start_rollout(city, actor=user, name="x", plan_document="y", counties=chosen)
    with pytest.raises(ValidationFailed) as caught:
        rollouts.start_rollout(
            city,
            actor=city_admin,
            name="x",
            plan_document="y",
            counties=[county],
            template="nonesuch",
        )
    assert set(caught.value.fields) == {"counties", "template"}
    assert not Bureau.objects.filter(region__in=chosen).exists()


def test_a_list_is_filed_only_once_every_guidance_item_is_listed_or_declared_absent(
    started, city_admin, make_staff
):
    county = started.counties.get(region__code="640521")
    head = make_staff("zn_head", county.region, Role.SIGNATORY)
    assert len(rollouts.list_problems(county)) == 2
    with pytest.raises(InvalidTransition):
        rollouts.file_list(county, actor=head)
    local = Catalogue.objects.get(region=county.region, kind=Catalogue.Kind.LOCAL)
    catalogue_actions.create_item(
        local, actor=city_admin, basic_code="XK-001", name="食品经营许可", legal_basis="某法"
    )
    catalogue_actions.declare_no_such_power(
        local, actor=city_admin, basic_code="XK-010", reason="本县无矿产资源审批权"
    )
    assert rollouts.list_problems(county) == []
    other = make_staff("other_head", Region.objects.get(code="640522"), Role.SIGNATORY)
    with pytest.raises(NotPermitted):
        rollouts.file_list(county, actor=other)
    filing = rollouts.file_list(county, actor=head, on=day("2026-01-20"))
    assert (filing.guidance_total, filing.exempted) == (2, 1)
    assert filing.state == ListFiling.State.PENDING
    with pytest.raises(InvalidTransition):
        rollouts.file_list(county, actor=head)
    assert ListFiling.objects.count() == 1


def test_county_staff_see_their_county_and_city_staff_see_all(started, city_admin, make_staff):
    county_user = make_staff("zn_clerk", Region.objects.get(code="640521"), Role.CLERK)
    everyone = rollouts.dashboard(started, city_admin, day("2026-01-20"))
    assert [line.county.region.code for line in everyone] == ["640502", "640521", "640522"]
    assert all(line.warnings for line in everyone)  # every list still misses guidance items
    own = rollouts.dashboard(started, county_user, day("2026-01-20"))
    assert [line.county.region.code for line in own] == ["640521"]
    outsider = make_staff("pl_clerk", Region.objects.get(code="640221"), Role.CLERK)
    assert rollouts.dashboard(started, outsider, day("2026-01-20")) == []
    assert not rollouts.visible_rollouts(outsider).exists()
    assert rollouts.visible_rollouts(county_user).get() == started
