import pytest

from oneseal.regions import rules
from oneseal.regions.actions import gb2260_table, load_regions
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
    result = load_regions(gb2260_table(), only_prefix="64")
    assert result["created"] == 0 and result["renamed"] == 0
    assert Region.objects.count() == before
