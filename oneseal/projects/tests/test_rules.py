"""The investment-project code on real shapes: a good one, and each bad part named."""

import pytest

from oneseal.projects.rules import parse_project_code
from oneseal.testing import day

TODAY = day("2026-12-06")


def test_a_real_code_parses_into_its_parts():
    code = parse_project_code("2020-640221-47-01-012345", today=TODAY)
    assert (code.year, code.region_code, code.industry, code.procedure, code.serial) == (
        2020,
        "640221",
        "47",
        "01",
        "012345",
    )


def test_full_width_digits_and_dashes_are_normalised():
    code = parse_project_code(" ２０２０－640221—47-03-000017 ", today=TODAY)
    assert code.text == "2020-640221-47-03-000017"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", "请填写投资项目统一代码"),
        ("2020640221470101234", "格式应为"),
        ("2020-640221-47-01-01234", "格式应为"),
        ("2020-64022A-47-01-012345", "格式应为"),
        ("2013-640221-47-01-012345", "年份“2013”"),
        ("2027-640221-47-01-012345", "年份“2027”"),
        ("2020-990221-47-01-012345", "行政区划代码“990221”"),
        ("2020-640221-00-01-012345", "行业代码“00”"),
        ("2020-640221-98-01-012345", "行业代码“98”"),
        ("2020-640221-47-04-012345", "类别代码“04”"),
        ("2020-640221-47-01-000000", "流水号"),
    ],
)
def test_each_bad_part_is_named(text, names):
    with pytest.raises(ValueError) as e:
        parse_project_code(text, today=TODAY)
    assert names in str(e.value)
