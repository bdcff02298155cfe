"""A region scope is a range on the region code, with no LIKE beside it (regions.rules
.prefix_scope): PostgreSQL answers the range by a plain b-tree and estimates it as it is, and
every app that scopes rows by region says it so."""

import pytest
from django.core.exceptions import EmptyResultSet

from oneseal.regions.models import Region
from oneseal.regions.rules import prefix_scope

pytestmark = pytest.mark.django_db


def sql_of(queryset) -> str:
    try:
        return str(queryset.query)
    except EmptyResultSet:  # a scope of nothing (no region) says no LIKE either
        return ""


@pytest.mark.parametrize("prefix", ["", "64", "6402", "640221", "6409", "6499", "99", "51"])
def test_a_prefix_scopes_the_regions_whose_code_starts_with_it(regions, prefix):
    expected = {r.code for r in Region.objects.all() if r.code.startswith(prefix)}
    assert {r.code for r in Region.objects.filter(prefix_scope(prefix, "code"))} == expected


def test_a_digit_prefix_is_a_range_and_nothing_beside_it(regions):
    for prefix in ("64", "640221", "6409", "99"):
        assert "LIKE" not in sql_of(Region.objects.filter(prefix_scope(prefix, "code")))
    county = Region.objects.get(code="640221")
    assert "LIKE" not in sql_of(Region.objects.within(county))
    assert set(Region.objects.within(county)) == {
        r for r in Region.objects.all() if r.code.startswith("640221")
    }
    # Not a region code: the LIKE says it.
    assert "LIKE" in sql_of(Region.objects.filter(prefix_scope("64%", "code")))
    assert not Region.objects.filter(prefix_scope("64%", "code")).exists()


def test_every_apps_region_scope_is_a_range(clerk, signatory, reviewer):
    """A county's staff: the scopes of the apps that carry a region code on their rows."""
    from oneseal.appointments import queries as appointments
    from oneseal.archives import queries as archives
    from oneseal.linkage.models import Push
    from oneseal.publications.models import Publication
    from oneseal.ratings import queries as ratings
    from oneseal.transfers import queries as transfers
    from oneseal.workbench.assigned import _sources

    county = Region.objects.get(code="640221")
    scoped = [
        ratings.visible_ratings(clerk),
        ratings.visible_ratings(signatory),
        archives.visible_handovers(clerk),
        transfers.visible_agreements(signatory),
        transfers.visible_transitions(signatory),
        transfers.visible_staff_transfers(signatory),
        Push.objects.under("640221"),
        Publication.objects.in_region("640221"),
        appointments.visible_bookings(clerk),
        *_sources(clerk).values(),
        *_sources(reviewer).values(),
    ]
    for queryset in scoped:
        sql = sql_of(queryset)
        assert "LIKE" not in sql.upper(), sql
    assert any("640221" in sql_of(q) for q in scoped)
    assert county.prefix == "640221"
