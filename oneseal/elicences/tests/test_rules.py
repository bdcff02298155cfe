"""The identifier's rule and its check character, without a database."""

import pytest

from oneseal.elicences import rules

CODE = "11640221MB0000001X"


def test_the_check_character_follows_iso_7064_mod_37_36():
    # The hybrid system's defining property (ISO/IEC 7064 §7, GB/T 17710): run over the
    # payload and then its check character, the last sum is 1 modulo 36.
    for payload in ("0", "A", "6402212025L000001", CODE + "001" + CODE + "001"):
        check = rules.check_character(payload)
        p = 36
        for ch in payload:
            s = (p + rules.ALPHABET.index(ch)) % 36 or 36
            p = (s * 2) % 37
        assert (p + rules.ALPHABET.index(check)) % 36 == 1, payload


def test_the_identifier_is_root_type_issuer_serial_version_and_check():
    identifier = rules.identifier(
        type_code=CODE + "001", issuer_code=CODE, serial="6402212025L000001", version=2
    )
    root, rest = identifier[: len(rules.ROOT)], identifier[len(rules.ROOT) + 1 :]
    assert root == "1.2.156.3005.2"
    assert rest.split(".")[:4] == [CODE + "001", CODE, "6402212025L000001", "002"]
    assert rules.is_valid_identifier(identifier)
    wrong = identifier[:-1] + ("0" if identifier[-1] != "0" else "1")
    assert not rules.is_valid_identifier(wrong)
    # One changed character of the serial is caught by the check character.
    assert not rules.is_valid_identifier(identifier.replace("L000001", "L000007"))


def test_identifier_parts_must_be_letters_and_digits():
    with pytest.raises(ValueError):
        rules.identifier(type_code="X.1", issuer_code=CODE, serial="1", version=1)
    with pytest.raises(ValueError):
        rules.identifier(type_code="X1", issuer_code="", serial="1", version=1)
    with pytest.raises(ValueError):
        rules.identifier(type_code="X1", issuer_code=CODE, serial="1", version=1000)


def test_the_serial_keeps_the_licence_numbers_letters_and_digits():
    assert rules.serial_of("640221-2025-l000001号") == "6402212025L000001"
    assert rules.is_credit_code(CODE) and not rules.is_credit_code("123")
