"""Characters that must not reach stored text: the check every layer shares. The request
filter (`oneseal.inputs`) refuses them at the door; domain rules (an applicant's name, an
address) refuse them again for the paths that do not pass the door (the worker, imports,
the admin)."""

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make stored text
# print in another order than it was typed ("Trojan Source"). The plain direction marks
# (U+200E, U+200F, U+061C) are left alone: Uyghur text typed on an ordinary keyboard has them.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def control_characters(text: str) -> bool:
    return bool(CONTROL.search(text))


def bidi_controls(text: str) -> bool:
    return bool(BIDI.search(text))
