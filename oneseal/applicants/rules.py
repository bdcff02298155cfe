"""Identity numbers (domain.md §13). Each check returns the normalised number or raises
ValueError with a Chinese message; callers attach the message to the field they validate.

- 居民身份证号码, GB 11643-1999: 17 digits (region, birth date, sequence) and a check character,
  sum of digit × weight (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) mod 11 → "10X98765432".
- 统一社会信用代码, GB 32100-2015: 18 characters over 0-9 and the letters without I O Z S V, the
  last a check character, 31 − (sum of value × weight (1 3 9 27 19 26 16 17 20 29 25 13 8 24
  10 30 28) mod 31), 31 written as 0.
"""

import datetime
import unicodedata

from django.utils.translation import gettext as _

from oneseal.characters import bidi_controls, control_characters

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Province-level prefixes of GB/T 2260 (including Taiwan, Hong Kong and Macao residence permits).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII, spaces removed, upper case (x → X)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(text: str, *, today: datetime.date | None = None) -> str:
    number = normalise(text)
    if not number:
        raise ValueError(_("请填写居民身份证号码"))
    if len(number) == 15 and number.isdigit():
        raise ValueError(_("这是15位旧身份证号码，请填写18位居民身份证号码"))
    if len(number) != 18:
        raise ValueError(_("居民身份证号码应为18位，现为{n}位").format(n=len(number)))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError(_("居民身份证号码前17位应为数字，最后一位为数字或X"))
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValueError(
            _("居民身份证号码的地址码“{code}”不是有效的省级代码").format(code=number[:2])
        )
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(
            _("居民身份证号码中的出生日期“{d}”不存在").format(d=number[6:14])
        ) from None
    if born.year < 1900 or born > (today or datetime.date.today()):  # noqa: DTZ011 - a calendar date
        raise ValueError(_("居民身份证号码中的出生日期“{d}”不合理").format(d=number[6:14]))
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValueError(_("居民身份证号码校验位错误，请核对号码"))
    return number


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(text: str) -> str:
    code = normalise(text)
    if not code:
        raise ValueError(_("请填写统一社会信用代码"))
    if len(code) != 18:
        raise ValueError(_("统一社会信用代码应为18位，现为{n}位").format(n=len(code)))
    bad = sorted({c for c in code if c not in CREDIT_ALPHABET})
    if bad:
        raise ValueError(
            _("统一社会信用代码不能含有字符：{chars}（不使用I、O、Z、S、V）").format(
                chars="、".join(bad)
            )
        )
    if not code[2:8].isdigit():
        raise ValueError(_("统一社会信用代码第3至8位应为登记管理机关行政区划码"))
    if code[17] != credit_check_char(code[:17]):
        raise ValueError(_("统一社会信用代码校验位错误，请核对代码"))
    return code


def birth_date_of(id_number: str) -> datetime.date:
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def number_problem(kind: str, number: str) -> str:
    """What is wrong with a typed number of an applicant of `kind` ("person" or
    "organisation"), or "" when it is well formed. Checks the format only: whether the number
    is registered is never said to someone typing it."""
    try:
        if kind == "organisation":
            validate_credit_code(number)
        else:
            validate_id_number(number)
    except ValueError as exc:
        return str(exc)
    return ""


def name_problem(name: str) -> str:
    """What is wrong with a person's or an organisation's name (an applicant, a legal
    representative, an agent), or "" when nothing is. A name is printed on notices and
    licences: a control character or a bidirectional override (U+202E makes "马祥" print as
    another string) must never reach one."""
    if control_characters(name):
        return _("姓名或名称不能含有控制字符")
    if bidi_controls(name):
        return _("姓名或名称不能含有文字方向控制字符（如 U+202E）")
    return ""
