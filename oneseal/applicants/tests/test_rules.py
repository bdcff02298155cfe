import datetime

import pytest

from oneseal.applicants.rules import (
    credit_check_char,
    id_check_char,
    normalise,
    validate_credit_code,
    validate_id_number,
)

# GB 11643-1999's own worked example and a number ending in X.
VALID_ID = "11010519491231002X"
VALID_ID_2 = "440524188001010014"
# Unified social credit codes as printed on real business licences.
VALID_CREDIT = "91350100M000100Y43"
VALID_CREDIT_2 = "11511301008778183N"  # a department of 广安区 in the shipped catalogue


def test_the_check_characters_match_the_standards():
    assert id_check_char(VALID_ID[:17]) == "X"
    assert id_check_char(VALID_ID_2[:17]) == "4"
    assert credit_check_char(VALID_CREDIT[:17]) == "3"
    assert credit_check_char(VALID_CREDIT_2[:17]) == "N"


def test_lower_case_x_and_full_width_digits_are_normalised():
    assert validate_id_number("11010519491231002x") == VALID_ID
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ") == VALID_ID
    assert validate_id_number(" 110105 19491231 002X ") == VALID_ID
    assert normalise("９１３５") == "9135"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "校验位错误"),
        ("11010519491231002", "应为18位"),
        ("110105491231002", "15位旧身份证"),
        ("11010519491331002X", "出生日期“19491331”不存在"),
        ("99010519491231002X", "地址码"),
        ("1101051949123100AX", "前17位应为数字"),
        ("", "请填写"),
    ],
)
def test_wrong_id_numbers_are_refused_with_the_reason(number, message):
    with pytest.raises(ValueError, match=message):
        validate_id_number(number)


def test_a_birth_date_in_the_future_is_refused():
    first17 = "11010520300101001"
    with pytest.raises(ValueError, match="不合理"):
        validate_id_number(first17 + id_check_char(first17), today=datetime.date(2026, 11, 23))


def test_credit_codes_are_checked_and_normalised():
    assert validate_credit_code("91350100m000100y43") == VALID_CREDIT
    assert validate_credit_code(VALID_CREDIT_2) == VALID_CREDIT_2


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位错误"),
        ("91350100M000100Y4", "应为18位"),
        ("91350100M0001O0Y43", "不能含有字符：O"),
        ("91AB0100M000100Y43", "第3至8位"),
    ],
)
def test_wrong_credit_codes_are_refused_with_the_reason(code, message):
    with pytest.raises(ValueError, match=message):
        validate_credit_code(code)
