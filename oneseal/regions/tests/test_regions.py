import pytest

from oneseal.regions import rules
from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
from oneseal.regions.models import Region


def test_levels_and_prefixes_follow_the_code_digits():
    assert rules.level_of("640000") == "province" and rules.prefix_of("640000") == "64"
    assert rules.level_of("640200") == "city" and rules.prefix_of("640200") == "6402"
    assert rules.level_of("640221") == "county" and rules.prefix_of("640221") == "640221"
    assert rules.level_of("640221100") == "township" and rules.parent_code("640221100") == "640221"


@pytest.mark.parametrize("bad", ["64022", "64022A", "", "6402211"])
def test_malformed_codes_are_refused(bad):
    with pytest.raises(ValueError):
        rules.level_of(bad)


@pytest.mark.parametrize(
    ("prefix", "after"),
    [("64", "65"), ("6402", "6403"), ("6409", "641"), ("640229", "64023"), ("6499", "65")],
)
def test_the_codes_under_a_prefix_end_before_a_digit_string(prefix, after):
    assert rules.codes_after(prefix) == after


def test_nothing_is_after_a_prefix_of_nines_or_no_prefix():
    assert rules.codes_after("99") is None and rules.codes_after("") is None


def test_the_range_holds_exactly_the_codes_that_start_with_the_prefix():
    codes = [f"{n:04d}" for n in range(10000)] + ["64", "640", "6409", "64099", "641", "6410"]
    for prefix in ["6", "64", "640", "6409", "6499", "9", "99", "0999"]:
        after = rules.codes_after(prefix)
        assert after is None or after.isdigit()
        ranged = {c for c in codes if c >= prefix and (after is None or c < after)}
        assert ranged == {c for c in codes if c.startswith(prefix)}, prefix


def test_the_package_table_links_county_city_and_province(regions):
    pingluo = Region.objects.get(code="640221")
    assert pingluo.name == "平罗县"
    assert pingluo.parent.code == "640200" and pingluo.parent.parent.code == "640000"
    assert pingluo.full_name == "宁夏回族自治区石嘴山市平罗县"
    assert Region.objects.get(code="511602").parent.name == "广安市"


def test_within_selects_a_city_and_everything_below_it(regions):
    city = Region.objects.get(code="640200")
    codes = set(Region.objects.within(city).values_list("code", flat=True))
    assert {"640200", "640202", "640205", "640221"} <= codes
    assert "640100" not in codes and "511602" not in codes


def test_reloading_the_table_changes_nothing(regions):
    before = Region.objects.count()
    result = load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    assert result["created"] == 0 and result["renamed"] == 0
    assert Region.objects.count() == before


def test_a_load_leaves_one_audit_row_with_its_counts_and_source(regions):
    from oneseal.audit.models import AuditEvent

    load_regions({"640221100": "城关镇", "640221101": "黄渠桥镇"}, source="乡镇表", system=True)
    row = AuditEvent.objects.filter(action="regions.load_regions").latest("seq")
    assert row.subject_id == str(Region.objects.get(code="640221100").pk)
    assert row.data == {
        "source": "乡镇表",
        "only_prefix": "",
        "created": 2,
        "renamed": 0,
        "unchanged": 0,
    }
    # The fixture loaded two prefixes: one row each, the province as subject.
    assert AuditEvent.objects.filter(action="regions.load_regions").count() == 3
    assert set(
        AuditEvent.objects.filter(action="regions.load_regions").values_list(
            "region_code", flat=True
        )
    ) == {"640000", "510000", "640221100"}


def test_only_the_system_or_a_superuser_loads_regions(db, django_user_model):
    from oneseal.audit.models import AuditEvent
    from oneseal.errors import NotPermitted

    staff = django_user_model.objects.create_user("clerk", is_staff=True)
    gone = django_user_model.objects.create_superuser("gone", is_active=False)
    for actor in (None, staff, gone):
        with pytest.raises(NotPermitted):
            load_regions({"640000": "宁夏回族自治区"}, source="x", actor=actor)
    assert not Region.objects.exists() and not AuditEvent.objects.exists()
    root = django_user_model.objects.create_superuser("root")
    assert load_regions({"640000": "宁夏回族自治区"}, source="x", actor=root)["created"] == 1
    assert AuditEvent.objects.get(action="regions.load_regions").actor == root


def test_a_load_reads_the_table_once_and_links_each_level_to_the_rows_it_inserted(db):
    # Most tests load these rows (the `regions` fixture): the ids of each level's new rows come
    # back from its insert, not from reading the rows again (docs/testing.md).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"regions_region"' in q["sql"].split("WHERE")[0]
    ]
    assert len(reads) == 1, reads  # what was there before the load
    assert result["created"] == Region.objects.filter(code__startswith="64").count() > 20
    county = Region.objects.select_related("parent__parent").get(code="640221")
    assert (county.parent.code, county.parent.parent.code) == ("640200", "640000")
    assert not Region.objects.filter(code__startswith="64", parent=None).exclude(code="640000")
