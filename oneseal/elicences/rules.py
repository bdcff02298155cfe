"""Pure rules of the e-licence (电子证照, GB/T 36901–36905): its identifier and the metadata
GB/T 36903《电子证照 元数据规范》 names. No database here.

证照标识 (the licence identifier, GB/T 36903 and the national platform's 证照标识编码规则): the
e-licence root arc 1.2.156.3005.2 followed, dot-separated, by
  证照类型代码 (the licence type, defined by the body that defines the type),
  证照颁发机构代码 (the issuing body's 统一社会信用代码, 18 characters),
  证照顺序号 (the licence's own number, letters and digits only),
  版本号 (three digits: the e-licence's issue of this licence),
  校验位 (one character: ISO/IEC 7064 MOD 37,36, the hybrid system of GB/T 17710, over every
          letter and digit of the four parts before it).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

ROOT = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# 持证主体代码类型 (the kind of number identifying the holder), as the provincial library
# exchanges it: the 统一社会信用代码 of an organisation, the 公民身份号码 of a person.
CODE_TYPE_CREDIT = "统一社会信用代码"
CODE_TYPE_ID_CARD = "公民身份号码"


def check_character(payload: str) -> str:
    """ISO/IEC 7064 MOD 37,36 (GB/T 17710 hybrid system) check character of `payload`'s letters
    and digits (case-insensitive; anything else, such as the dots, is not counted)."""
    m = 36
    p = m
    for ch in payload.upper():
        if ch not in ALPHABET:
            continue
        s = (p + ALPHABET.index(ch)) % m or m
        p = (s * 2) % (m + 1)
    return ALPHABET[(m + 1 - p) % m]


def is_valid_identifier(identifier: str) -> bool:
    """Whether `identifier` has the root, four parts and their right check character."""
    if not identifier.startswith(ROOT + "."):
        return False
    parts = identifier[len(ROOT) + 1 :].split(".")
    if len(parts) != 5 or len(parts[4]) != 1:
        return False
    return check_character("".join(parts[:4])) == parts[4].upper()


def serial_of(licence_number: str) -> str:
    """The 证照顺序号: the licence number's letters and digits (the identifier's parts are
    dot-separated and carry no other characters)."""
    return "".join(ch for ch in licence_number.upper() if ch in ALPHABET)


def identifier(*, type_code: str, issuer_code: str, serial: str, version: int) -> str:
    """The 证照标识 of one issue of a licence (see the module docstring)."""
    if not 1 <= version <= 999:
        raise ValueError("version must be 1–999")
    parts = [type_code.upper(), issuer_code.upper(), serial.upper(), f"{version:03d}"]
    for part in parts:
        if not part or any(ch not in ALPHABET for ch in part):
            raise ValueError(f"identifier part {part!r} must be letters and digits")
    body = ".".join([ROOT, *parts])
    return f"{body}.{check_character(''.join(parts))}"


def type_code(defining_body_code: str, n: int) -> str:
    """A licence type defined by a body: its 统一社会信用代码 and a three-digit number of the
    body's own types."""
    return f"{defining_body_code.upper()}{n:03d}"


def is_credit_code(code: str) -> bool:
    return bool(CREDIT_CODE.match(code or ""))


@dataclass(frozen=True)
class Holder:
    """持证主体, 持证主体代码, 持证主体代码类型."""

    name: str
    code: str
    code_type: str


def face_items(
    *,
    name: str,
    number: str,
    holder: str,
    holder_code: str,
    scope: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    issuer: str,
    issued_on: datetime.date,
) -> list[list[str]]:
    """照面信息: what the licence's face shows, as ordered key/value pairs (GB/T 36903 keeps
    the face's items as a list of 照面项名称 and 照面项值)."""
    until = chinese_date(valid_until) if valid_until else "长期"
    return [
        ["证照名称", name],
        ["证照编号", number],
        ["持证主体", holder],
        ["持证主体代码", holder_code],
        ["许可范围", scope],
        ["有效期", f"{chinese_date(valid_from)}至{until}"],
        ["发证机关", issuer],
        ["发证日期", chinese_date(issued_on)],
    ]


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
