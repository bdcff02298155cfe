"""What a rollout sets up in each county beyond the bureau (its starting accounts with their
roles and no password, the request for its approval seal) and the filing (备案) of its list
with the city: submitted by the county, accepted or returned with reasons by the city."""

import pytest
from django.contrib.auth import authenticate, get_user_model

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue
from oneseal.documents import actions as document_actions
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Bureau, Role, Staff
from oneseal.organisation.rules import has_role
from oneseal.regions.models import Region
from oneseal.testing import day
from oneseal.transfers import accounts
from oneseal.transfers import rollout as rollouts
from oneseal.transfers.models import ListFiling, SealRequest

from .conftest import D1

ON = day("2026-01-20")


@pytest.fixture
def zn(started):
    return started.counties.get(region__code="640521")


@pytest.fixture
def zn_head(zn):
    """The director account the rollout opened for 中宁县, given a password for the test."""
    user = get_user_model().objects.get(username="640521-director")
    user.set_password("director-pw-2026")
    user.save()
    return user


@pytest.fixture
def complete_list(zn, city_admin):
    local = Catalogue.objects.get(region=zn.region, kind=Catalogue.Kind.LOCAL)
    catalogue_actions.create_item(
        local, actor=city_admin, basic_code="XK-001", name="食品经营许可", legal_basis="某法"
    )
    catalogue_actions.declare_no_such_power(
        local, actor=city_admin, basic_code="XK-010", reason="本县无矿产资源审批权"
    )
    return local


@pytest.fixture
def other_city_admin(make_staff):
    return make_staff("sz_admin", Region.objects.get(code="640200"), Role.ADMINISTRATOR)


def test_every_county_gets_the_templates_accounts_with_roles_and_no_password(started, chosen):
    for county in chosen:
        staff = Staff.objects.filter(bureau__region=county).select_related("user", "section")
        by_name = {s.user.username: s for s in staff}
        assert set(by_name) == {
            f"{county.code}-{k}" for k in ("director", "admin", "window", "review")
        }
        director = by_name[f"{county.code}-director"]
        assert director.role_set == {Role.SIGNATORY, Role.CATALOGUE_ADMIN}
        assert director.region == county
        assert by_name[f"{county.code}-admin"].role_set == {Role.ADMINISTRATOR}
        assert by_name[f"{county.code}-review"].section.name == "审批一科"
        assert by_name[f"{county.code}-window"].role_set == {Role.CLERK}
        for member in staff:
            assert not member.user.has_usable_password()
    assert authenticate(username="640521-director", password="") is None
    assert AuditEvent.objects.filter(action="organisation.create_account").count() == 12
    assert AuditEvent.objects.filter(action="organisation.grant_role").count() == 15
    assert started.accounts[0]["key"] == "director"


def test_the_one_time_link_sets_the_first_password_and_is_spent(
    started, zn, city_admin, make_staff
):
    director = Staff.objects.get(user__username="640521-director")
    window = make_staff("zn_window", zn.region, Role.CLERK, bureau=zn.bureau)
    with pytest.raises(NotPermitted):
        accounts.issue_link(director, actor=window)
    path = accounts.issue_link(director, actor=city_admin)
    uid, token = path.rstrip("/").split("/")[-2:]
    with pytest.raises(ValidationFailed) as caught:
        accounts.set_first_password(uid, token, password="short", confirm="other")
    assert {"password", "confirm"} <= set(caught.value.fields)
    assert accounts.account_of(uid, token) is not None
    accounts.set_first_password(uid, token, password="Gz-2026-director", confirm="Gz-2026-director")
    assert authenticate(username="640521-director", password="Gz-2026-director") is not None
    assert accounts.account_of(uid, token) is None
    with pytest.raises(InvalidTransition):
        accounts.set_first_password(
            uid, token, password="Another-2026-pw", confirm="Another-2026-pw"
        )
    with pytest.raises(InvalidTransition):
        accounts.issue_link(director, actor=city_admin)
    assert AuditEvent.objects.filter(action="transfers.account_password_set").count() == 1


def test_the_city_administrators_rollout_seats_each_countys_own_administrator(
    started, zn, city_admin, other_city_admin, city, root
):
    """The administrator seat: granted by the city's administrator who started the rollout
    (`organisation.rules.may_grant_administrator`), its holder sets their password through
    the one-time link and keeps the county's organisation, but seats no administrator,
    neither in another county nor at city level; nor does another city's administrator; the
    superuser still does."""
    seat = Staff.objects.select_related("user").get(user__username="640521-admin")
    granted = AuditEvent.objects.get(
        action="organisation.grant_role", subject_id=str(seat.pk), data__role="administrator"
    )
    assert granted.actor == city_admin and granted.region_code == "640521"
    assert not seat.user.has_usable_password()
    uid, token = accounts.issue_link(seat, actor=city_admin).rstrip("/").split("/")[-2:]
    accounts.set_first_password(uid, token, password="Zn-2026-admin!", confirm="Zn-2026-admin!")
    admin = authenticate(username="640521-admin", password="Zn-2026-admin!")
    assert admin is not None and has_role(admin, Role.ADMINISTRATOR, zn.region)
    window = Staff.objects.get(user__username="640521-window")
    organisation_actions.set_roles(window, [Role.CLERK, Role.REVIEWER], actor=admin)
    assert window.role_set == {Role.CLERK, Role.REVIEWER}
    neighbour = Staff.objects.get(user__username="640502-window")
    city_bureau = Bureau.objects.create(region=city, name="中卫市行政审批局")
    city_member = Staff.objects.create(
        user=get_user_model().objects.create_user("zw_city", password="pw-zw-city"),
        region=city,
        bureau=city_bureau,
        display_name="中卫市局人员",
    )
    for actor, member in (
        (admin, window),
        (admin, neighbour),
        (admin, city_member),
        (other_city_admin, window),
        (city_admin, city_member),
    ):
        held = set(member.roles.values_list("role", flat=True))
        with pytest.raises(NotPermitted):
            organisation_actions.set_roles(member, held | {Role.ADMINISTRATOR}, actor=actor)
        assert set(member.roles.values_list("role", flat=True)) == held
    organisation_actions.set_roles(city_member, [Role.ADMINISTRATOR], actor=root)
    assert has_role(city_member.user, Role.ADMINISTRATOR, city)


def test_seal_requests_are_marked_made_when_the_seal_is_registered(started):
    requests = SealRequest.objects.filter(county__rollout=started)
    assert [r.state for r in requests] == [SealRequest.State.REQUESTED] * 3
    assert requests[0].name == "沙坡头区行政审批局行政审批专用章"
    assert requests[0].requested_on == D1
    first = requests[0]
    seal = document_actions.create_seal(first.bureau, system=True, valid_from=day("2026-01-30"))
    first.refresh_from_db()
    assert (first.state, first.made_on, first.seal) == (
        SealRequest.State.MADE,
        day("2026-01-30"),
        seal,
    )
    assert [r.state for r in requests[1:]] == [SealRequest.State.REQUESTED] * 2
    # A replacement seal later leaves the made request as it was.
    document_actions.create_seal(first.bureau, system=True, valid_from=day("2026-03-02"))
    first.refresh_from_db()
    assert first.seal == seal
    assert AuditEvent.objects.filter(action="transfers.seal_made").count() == 1


def test_the_city_returns_a_filing_with_reasons_and_the_county_files_again(
    zn, zn_head, city_admin, complete_list, other_city_admin, make_staff
):
    filing = rollouts.file_list(zn, actor=zn_head, on=ON)
    with pytest.raises(InvalidTransition):  # one pending at a time
        rollouts.file_list(zn, actor=zn_head, on=ON)
    for outsider in (zn_head, other_city_admin):
        with pytest.raises(NotPermitted):
            rollouts.return_filing(filing, actor=outsider, reasons="x", on=ON)
        with pytest.raises(NotPermitted):
            rollouts.accept_filing(filing, actor=outsider, on=ON)
    with pytest.raises(ValidationFailed) as caught:
        rollouts.return_filing(filing, actor=city_admin, reasons="  ", on=ON)
    assert "reasons" in caught.value.fields
    rollouts.return_filing(filing, actor=city_admin, reasons="缺少中介服务事项说明", on=ON)
    filing.refresh_from_db()
    assert (filing.state, filing.reasons) == (ListFiling.State.RETURNED, "缺少中介服务事项说明")
    with pytest.raises(InvalidTransition):  # already decided
        rollouts.accept_filing(filing, actor=city_admin, on=ON)
    line = rollouts.dashboard(zn.rollout, city_admin, ON)[1]
    assert any("缺少中介服务事项说明" in w for w in line.warnings)
    again = rollouts.file_list(zn, actor=zn_head, on=day("2026-01-22"))
    assert again.pk != filing.pk and again.state == ListFiling.State.PENDING
    assert rollouts.dashboard(zn.rollout, city_admin, ON)[1].phase == "目录待市级审核"
    rollouts.accept_filing(again, actor=city_admin, on=day("2026-01-23"))
    again.refresh_from_db()
    assert (again.state, again.decided_by) == (ListFiling.State.ACCEPTED, city_admin)
    with pytest.raises(InvalidTransition):
        rollouts.file_list(zn, actor=zn_head)
    assert rollouts.dashboard(zn.rollout, city_admin, ON)[1].phase == "目录已备案"


def test_the_city_does_not_file_for_a_county(zn, city_admin, complete_list):
    with pytest.raises(NotPermitted):
        rollouts.file_list(zn, actor=city_admin, on=ON)
    assert not ListFiling.objects.exists()


def test_acceptance_checks_the_list_again(zn, zn_head, city_admin, complete_list):
    filing = rollouts.file_list(zn, actor=zn_head, on=ON)
    # The draft that listed a guidance item is thrown away after the list was filed.
    draft = complete_list.items.get(basic_code="XK-001").versions.get()
    catalogue_actions.discard_draft(draft, actor=city_admin)
    with pytest.raises(InvalidTransition):
        rollouts.accept_filing(filing, actor=city_admin, on=ON)
    filing.refresh_from_db()
    assert filing.state == ListFiling.State.PENDING


def test_county_staff_and_another_citys_staff_cannot_start_a_rollout(
    city, make_staff, other_city_admin, guidance, regions
):
    counties = [Region.objects.get(code="640521")]
    county_admin = make_staff("zn_admin", counties[0], Role.ADMINISTRATOR, Role.CATALOGUE_ADMIN)
    for user in (county_admin, other_city_admin):
        with pytest.raises(NotPermitted):
            rollouts.start_rollout(city, actor=user, name="x", plan_document="y", counties=counties)
        assert not rollouts.startable_cities(user).filter(pk=city.pk).exists()
    assert not Staff.objects.filter(user__username="640521-director").exists()


def test_a_taken_account_name_refuses_the_whole_rollout(city, chosen, city_admin, make_staff):
    make_staff("640522-director", chosen[2], Role.CLERK)
    with pytest.raises(ValidationFailed) as caught:
        rollouts.start_rollout(city, actor=city_admin, name="x", plan_document="y", counties=chosen)
    assert "640522-director" in caught.value.fields["counties"][0]
    assert not SealRequest.objects.exists()
