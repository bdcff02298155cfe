"""Modules whose rows are built once (`builders.module_build`): each has a module-scoped
`shared` fixture that yields the ids of what it built, the people of `builders.County.people`
among them. The fixtures here read those people back for each test, afresh, so what one test
changes in memory the next does not see; a module reads its own rows the same way."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.models import Applicant


def shared_user(shared: dict, name: str):
    return get_user_model().objects.get(pk=shared[name])


@pytest.fixture
def clerk(shared, db):
    return shared_user(shared, "clerk")


@pytest.fixture
def signatory(shared, db):
    return shared_user(shared, "signatory")


@pytest.fixture
def applicant_user(shared, db):
    return shared_user(shared, "applicant_user")


@pytest.fixture
def other_applicant_user(shared, db):
    return shared_user(shared, "other_applicant_user")


@pytest.fixture
def far_staff(shared, db):
    return shared_user(shared, "far_staff")


@pytest.fixture
def own_applicant(shared, db):
    return Applicant.objects.get(pk=shared["own_applicant"])
