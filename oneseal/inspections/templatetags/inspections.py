"""The case pages' part about site inspections: the workbench's case page lists them (with the
link to schedule one), the portal's case page shows the applicant the agreed time."""

from django import template
from django.template.context import Context

from oneseal.cases.models import Case
from oneseal.organisation.rules import has_role

from .. import actions, queries
from ..models import Reschedule

register = template.Library()


@register.inclusion_tag("inspections/_case_staff.html", takes_context=True)
def case_inspections(context: Context, case: Case) -> dict:
    user = context["request"].user
    rows = list(queries.of_case(case))
    return {
        "case": case,
        "rows": rows,
        "may_schedule": any(has_role(user, role, case.region) for role in actions.ORGANISING_ROLES)
        and not actions.schedule_blockers(case),
    }


@register.inclusion_tag("inspections/_case_applicant.html", takes_context=True)
def applicant_inspections(context: Context, case: Case) -> dict:
    rows = [
        (i, not actions.reschedule_blockers(i, Reschedule.Side.APPLICANT))
        for i in queries.of_case(case).exclude(state="cancelled")
    ]
    return {"rows": rows, "request": context["request"], "csrf_token": context.get("csrf_token")}
