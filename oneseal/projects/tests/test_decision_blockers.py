"""A department's opinion still awaited and a shared step still without its report hold back
every decision on the case they concern — whichever path decides (the action, the API, the
workbench form) — through the checks other apps register with `cases.decisions`."""

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.cases import actions as case_actions
from oneseal.cases import decisions
from oneseal.cases.models import CaseEvent, State
from oneseal.errors import InvalidTransition
from oneseal.linkage import actions as linkage_actions
from oneseal.linkage.opinion_records import opinion_blockers
from oneseal.projects import actions, joint_actions
from oneseal.projects.joint_records import open_step_blockers
from oneseal.projects.models import Stage
from oneseal.testing import accepted_case, at, day, reviewed, versioned

OPINION = "正在征求市场监管局意见"
STEP = "尚未出具报告"


@pytest.fixture
def template(catalogue, admin_user, section, item):
    draft = actions.create_stage_template(
        catalogue,
        actor=admin_user,
        stage=Stage.CONSTRUCTION_ENGINEERING,
        name="工程建设许可阶段（社会投资）",
        limit_days=20,
        project_kinds=["enterprise"],
        lead_section=section,
        legal_basis="平罗县工程建设项目审批制度改革实施方案",
    )
    actions.add_stage_item(draft, item, actor=admin_user)
    return actions.publish_stage_template(draft, actor=admin_user)


@pytest.fixture
def held(item, owner, clerk, reviewer, second_reviewer, department, project, template, section):
    """Two reviewed cases of 2026-02-12: one waits on the department's opinion (its silence is
    no consent), the other on the stage's drawing review."""
    asked, stepped = (accepted_case(item, owner, clerk, "2026-02-12") for _ in range(2))
    linkage_actions.request_opinion(
        asked,
        actor=reviewer,
        department=department,
        subject="请就消防安全条件提出意见",
        days=3,
        on=day("2026-02-12"),
    )
    joint_actions.open_joint_step(
        project,
        actor=reviewer,
        stage=Stage.CONSTRUCTION_ENGINEERING,
        kind="drawing_review",
        title="施工图联合审查",
        template=template,
        sections=[section],
        cases=[stepped],
        on=day("2026-02-12"),
    )
    return {
        OPINION: reviewed(asked, reviewer, second_reviewer, "2026-02-13"),
        STEP: reviewed(stepped, reviewer, second_reviewer, "2026-02-13"),
    }


def test_the_checks_are_registered_not_imported(held):
    """The case actions ask the registry; the linkage and the projects registered theirs."""
    checks = [check for check, _dated in decisions._blockers]
    assert opinion_blockers in checks and open_step_blockers in checks
    for text, case in held.items():
        assert any(text in b for b in decisions.blockers(case, on=day("2026-02-13")))
        assert any(text in b for b in case_actions.grant_blockers(case, on=day("2026-02-13")))
        assert any(text in b for b in case_actions.deny_blockers(case, on=day("2026-02-13")))


def test_every_path_refuses_the_decision_while_the_opinion_or_the_step_is_awaited(
    held, signatory, client
):
    grant = {"scope": "预包装食品销售", "valid_from": "2026-02-13", "valid_until": "2031-02-12"}
    api = APIClient()
    api.force_authenticate(signatory)
    client.force_login(signatory)
    for text, case in held.items():
        before = CaseEvent.objects.filter(case=case).count()
        with pytest.raises(InvalidTransition) as refused:
            case_actions.grant(
                case,
                actor=signatory,
                on=day("2026-02-13"),
                scope=grant["scope"],
                valid_from=day("2026-02-13"),
                valid_until=day("2031-02-12"),
            )
        assert any(text in str(r) for r in refused.value.reasons)
        with pytest.raises(InvalidTransition) as refused:
            case_actions.deny(case, actor=signatory, on=day("2026-02-13"), reasons=["不符合条件"])
        assert any(text in str(r) for r in refused.value.reasons)

        with time_machine.travel(at("2026-02-13 10:00"), tick=False):
            for name, body in (("grant", grant), ("deny", {"reasons": ["不符合条件"]})):
                r = api.post(f"/api/v1/cases/{case.pk}/{name}", body, format="json")
                assert r.status_code == 400, (name, r.content)
                assert any(text in reason for reason in r.json()["reasons"]), r.json()

                page = client.post(
                    reverse("workbench:act", args=[case.pk, name]),
                    versioned(case, {**body, "reasons": "不符合条件"} if name == "deny" else body),
                )
                assert page.status_code == 400, name
                assert text in page.content.decode()

        case.refresh_from_db()
        assert case.state == State.ACCEPTED
        assert CaseEvent.objects.filter(case=case).count() == before
