"""`oneseal load-demo` never touches a county list that is not the demo's."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.catalogue.models import Item
from oneseal.demo import builder
from oneseal.errors import Conflict
from oneseal.organisation.models import Department
from oneseal.regions.models import Region


def test_a_county_with_its_own_catalogue_is_refused_and_nothing_is_written(catalogue):
    regions, departments = Region.objects.count(), Department.objects.count()
    with pytest.raises(Conflict) as e:
        builder.load()
    assert "不是演示数据" in str(e.value.message)
    assert (Region.objects.count(), Department.objects.count()) == (regions, departments)
    assert not get_user_model().objects.exists() and not Item.objects.exists()
