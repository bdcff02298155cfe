"""The fixtures the apps' tests share, as a pytest plugin (`pytest_plugins` in
oneseal/conftest.py): the staff of the county's bureau in each role, applicants with and
without an online account, and published handling items to open cases on. They build on the
organisation and catalogue fixtures of oneseal/conftest.py; the helpers that bring a case to a
state (`accepted_case`, `reviewed` …) are plain functions in `oneseal.testing`. An app's own
conftest may override any of them by name (linkage's `supervisor` has a display name)."""

import itertools

import pytest
from django.contrib.auth import get_user_model

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Material, SpecialProcedure
from oneseal.organisation.models import Role, Section

from . import STEPS, builders, day, list_special_procedures


@pytest.fixture
def root(db):
    """The installation's superuser."""
    return get_user_model().objects.create_superuser("root", password="pw-root")


@pytest.fixture
def administrator(make_staff, county, bureau):
    """The county's system administrator: sets up its organisation, accounts and lists."""
    return make_staff("orgadmin", county, Role.ADMINISTRATOR, display_name="赵管理", bureau=bureau)


@pytest.fixture
def clerk(make_staff, county, bureau):
    return builders.clerk(county, bureau)


@pytest.fixture
def handling_item(complete_draft, admin_user):
    """食品经营许可（新办）, promised 5 / statutory 20 working days, with a core material and a
    tolerable non-core one, and the special procedures its guide lists."""
    version = complete_draft()
    hi = version.handling_items.get()
    catalogue_actions.save_draft_part(
        Material(
            handling_item=hi, name="食品安全管理制度", order=2, is_core=False, is_tolerable=True
        ),
        actor=admin_user,
    )
    list_special_procedures(hi, admin_user)
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


@pytest.fixture
def applicant(clerk):
    return builders.applicant(clerk)


@pytest.fixture
def section(bureau):
    return Section.objects.create(bureau=bureau, name="市场准入科")


@pytest.fixture
def reviewer(make_staff, county, bureau, section):
    return make_staff(
        "reviewer", county, Role.REVIEWER, display_name="李初审", bureau=bureau, section=section
    )


@pytest.fixture
def second_reviewer(make_staff, county, bureau):
    """A reviewer of another team: may do the second review, not the first."""
    return make_staff("reviewer2", county, Role.REVIEWER, display_name="赵复审", bureau=bureau)


@pytest.fixture
def signatory(make_staff, county, bureau):
    return builders.signatory(county, bureau)


@pytest.fixture
def deputy(make_staff, county, bureau):
    return make_staff("deputy", county, Role.SIGNATORY, display_name="陈副局长", bureau=bureau)


@pytest.fixture
def far_staff(make_staff, other_county):
    """Staff of the neighbouring county holding every role there."""
    return builders.far_staff(other_county)


@pytest.fixture
def supervisor(make_staff, county, department):
    return make_staff("supervisor", county, Role.SUPERVISOR, department=department)


@pytest.fixture
def applicant_user(db):
    return builders.applicant_user()


@pytest.fixture
def own_applicant(clerk, applicant_user):
    """An applicant with an online account (a natural person)."""
    return builders.own_applicant(clerk, applicant_user)


@pytest.fixture
def other_applicant_user(clerk):
    return builders.other_applicant_user(clerk)


@pytest.fixture
def make_item(complete_draft, admin_user, section):
    """A published 食品经营许可 handling item (promised 5 / statutory 20 working days unless
    told otherwise) with a core and a tolerable non-core material and, unless `steps` says
    otherwise (False, or a list like STEPS), the steps 受理 → 初审 (市场准入科) → 复审 → 决定."""
    codes = itertools.count(1)

    def make(*, steps=True, procedures=tuple(SpecialProcedure.Kind.values), **fields):
        return builders.published_item(
            complete_draft(basic_code=f"640221-XK-{next(codes):03d}"),
            admin_user,
            steps=STEPS if steps is True else (steps or []),
            section=section,
            procedures=procedures,
            **fields,
        )

    return make


@pytest.fixture
def item(make_item):
    return make_item()


@pytest.fixture
def migrations_recorded(transactional_db):
    """For a test that moves the schema back and forward through migrations. The suite makes
    its databases from the models (--no-migrations), which leaves no migration recorded and
    hides the migration modules; here they are visible again for the test and each one is
    recorded as applied — the schema the models make is the one the migrations make, which
    oneseal/tests/test_migrations.py checks."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder
    from django.test.utils import override_settings

    with override_settings(MIGRATION_MODULES={}):
        recorder = MigrationRecorder(connection)
        recorder.ensure_schema()
        applied = recorder.applied_migrations()
        for app, name in MigrationLoader(connection, ignore_no_migrations=True).graph.nodes:
            if (app, name) not in applied:
                recorder.record_applied(app, name)
        yield


@pytest.fixture
def migration_steps(migrations_recorded):
    """`migration_steps(node, …)`: a MigrationSteps (oneseal.testing.migrating) that moves just
    those migrations back and forward. Whatever a test leaves unapplied (it failed half way)
    is applied again after it, so the tests after it have the whole schema."""
    from oneseal.testing.migrating import MigrationSteps

    made: list[MigrationSteps] = []

    def make(*nodes):
        steps = MigrationSteps(*nodes)
        made.append(steps)
        return steps

    yield make
    for steps in made:
        steps.forward()
