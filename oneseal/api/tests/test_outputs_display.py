"""The answers' labels (`api.cases.outputs._display`) are get_FOO_display's, in the language of
the request, without building every choice's label per call."""

import pytest
from django.utils import translation

from oneseal.api.cases import outputs
from oneseal.cases.models import Case, CaseMaterial, State
from oneseal.documents.models import Document, DocumentKind


@pytest.mark.parametrize(
    ("model", "name"),
    [(Case, "state"), (CaseMaterial, "status"), (Document, "kind"), (Document, "state")],
)
def test_each_label_is_get_display_in_each_language(model, name):
    field = model._meta.get_field(name)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, _label in field.flatchoices:
                obj = model(**{field.attname: value})
                assert outputs._display(obj, name) == str(getattr(obj, f"get_{name}_display")())
            unknown = model(**{field.attname: "no-such-value"})
            assert outputs._display(unknown, name) == "no-such-value"


def test_a_choice_given_as_its_member_is_labelled_as_its_value():
    assert outputs._display(Case(state=State.ACCEPTED), "state") == str(State.ACCEPTED.label)
    assert outputs._display(Document(kind=DocumentKind.ACCEPTANCE), "kind") == str(
        DocumentKind.ACCEPTANCE.label
    )
