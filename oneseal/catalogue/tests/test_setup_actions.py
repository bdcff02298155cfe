"""The lists themselves are set up through audited actions: a region's catalogue by an
administrator of the region, the installation's browsing topics by a superuser."""

import pytest
from django.db.models import QuerySet

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions
from oneseal.catalogue.models import Catalogue, Topic
from oneseal.errors import NotPermitted, ValidationFailed


def test_an_administrator_sets_up_the_regions_catalogue_with_an_audit_row(
    administrator, county, bureau
):
    made = actions.create_catalogue(
        actor=administrator,
        region=county,
        kind=Catalogue.Kind.LOCAL,
        name=" 平罗县审批服务事项目录 ",
        bureau=bureau,
    )
    assert (made.region, made.kind, made.name, made.bureau) == (
        county,
        "local",
        "平罗县审批服务事项目录",
        bureau,
    )
    event = AuditEvent.objects.get(action="catalogue.create_catalogue")
    assert event.actor == administrator and event.region_code == "640221"
    assert event.data == {"kind": "local", "bureau": bureau.pk}


def test_one_catalogue_of_each_kind_per_region_and_the_bureau_must_hold_the_region(
    administrator, county, bureau, regions, root
):
    actions.create_catalogue(
        actor=administrator, region=county, kind=Catalogue.Kind.LOCAL, name="目录", bureau=bureau
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.create_catalogue(
            actor=administrator, region=county, kind=Catalogue.Kind.LOCAL, name="第二个目录"
        )
    assert list(refused.value.fields) == ["kind"]
    neighbour = regions.get(code="640202")
    with pytest.raises(ValidationFailed) as refused:
        actions.create_catalogue(
            actor=root,
            region=neighbour,
            kind=Catalogue.Kind.LOCAL,
            name="大武口区目录",
            bureau=bureau,
        )
    assert list(refused.value.fields) == ["bureau"]
    with pytest.raises(ValidationFailed) as refused:
        actions.create_catalogue(actor=root, region=neighbour, kind=Catalogue.Kind.LOCAL, name=" ")
    assert list(refused.value.fields) == ["name"]
    assert (
        Catalogue.objects.count() == 1
        and AuditEvent.objects.filter(action="catalogue.create_catalogue").count() == 1
    )


def test_catalogues_are_refused_outside_the_region_and_to_catalogue_administrators(
    administrator, admin_user, regions
):
    province = regions.get(code="640000")
    with pytest.raises(
        NotPermitted
    ):  # a county's administrator does not set up the province's list
        actions.create_catalogue(
            actor=administrator, region=province, kind=Catalogue.Kind.GUIDANCE, name="指导目录"
        )
    with pytest.raises(
        NotPermitted
    ):  # catalogue administrators fill a list, they do not create one
        actions.create_catalogue(
            actor=admin_user,
            region=regions.get(code="640221"),
            kind=Catalogue.Kind.LOCAL,
            name="目录",
        )
    assert not Catalogue.objects.exists()


def test_topics_are_added_by_a_superuser_only_each_with_an_audit_row(
    root, administrator, admin_user
):
    for actor in (None, administrator, admin_user):
        with pytest.raises(NotPermitted):
            actions.create_topic(actor=actor, name="市场准入", order=1)
    topic = actions.create_topic(actor=root, name=" 市场准入 ", order=1)
    assert (topic.name, topic.order) == ("市场准入", 1)
    assert AuditEvent.objects.get(action="catalogue.create_topic").actor == root
    with pytest.raises(ValidationFailed) as refused:
        actions.create_topic(actor=root, name="市场准入")
    assert list(refused.value.fields) == ["name"]
    with pytest.raises(ValidationFailed):
        actions.create_topic(actor=root, name="")
    assert Topic.objects.count() == 1


def test_a_list_or_topic_set_up_by_someone_else_a_moment_ago_is_named_not_a_server_error(
    root, county, monkeypatch
):
    actions.create_catalogue(actor=root, region=county, kind=Catalogue.Kind.LOCAL, name="目录")
    actions.create_topic(actor=root, name="市场准入")
    # Both checks pass as they would in the other transaction's moment; the database refuses.
    exists = QuerySet.exists
    monkeypatch.setattr(
        QuerySet, "exists", lambda self: False if self.model in (Catalogue, Topic) else exists(self)
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.create_catalogue(
            actor=root, region=county, kind=Catalogue.Kind.LOCAL, name="第二个目录"
        )
    assert list(refused.value.fields) == ["kind"]
    with pytest.raises(ValidationFailed) as refused:
        actions.create_topic(actor=root, name="市场准入")
    assert list(refused.value.fields) == ["name"]
    monkeypatch.undo()
    assert Catalogue.objects.count() == 1 and Topic.objects.count() == 1
