"""The command line acts as the operator only when it says so (`system=True`): a missing
actor is refused, never taken for the operator."""

import pytest

from oneseal.errors import NotPermitted
from oneseal.linkage import actions
from oneseal.linkage.models import ApiToken, DepartmentLink


def test_a_missing_actor_is_refused_and_the_operator_says_system(db, department):
    with pytest.raises(NotPermitted):
        actions.create_token(department, actor=None, name="监管系统", scopes=["pushes:read"])
    with pytest.raises(NotPermitted):
        actions.configure_department_link(department, sign_days=3)
    assert not ApiToken.objects.exists() and not DepartmentLink.objects.exists()
    token, _plain = actions.create_token(
        department, system=True, name="监管系统", scopes=["pushes:read"]
    )
    with pytest.raises(NotPermitted):
        actions.revoke_token(token)
    assert actions.revoke_token(token, system=True).revoked_at is not None
