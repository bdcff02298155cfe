"""The case pages' part about reuse (免证办): what each line reused, flagged when the
document is no longer in force, and for whoever may pick, the offered documents."""

from django import template
from django.template.context import Context

from oneseal.cases.models import Case
from oneseal.cases.rules import TRANSITIONS

from .. import actions, queries

register = template.Library()


def _open_for_files(case: Case) -> bool:
    allowed, _to = TRANSITIONS["attach_file"]
    return case.state in allowed


def _reused(context: Context, case: Case) -> list:
    """The case's reused lines checked again (one statement), read once per page render
    whichever tag asks first."""
    cache = context.render_context
    key = f"reuse:{case.pk}"
    if key not in cache:
        cache[key] = queries.of_case(case)
    return cache[key]


def _reuse_context(context: Context, case: Case, *, applicant: bool, back: str = "") -> dict:
    user = context["request"].user
    reused = _reused(context, case)
    lines = list(case.materials.select_related("material"))
    may = _open_for_files(case) and bool(lines) and actions.may_pick(user, lines[0])
    offers = queries.offers_for_case(case) if may else {}
    return {
        "case": case,
        "reused": reused,
        "flagged": [r for r in reused if r.problem],
        "offers": [(line, offers[line.pk]) for line in lines if offers.get(line.pk)],
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "applicant": applicant,
        "back": back,
    }


@register.inclusion_tag("reuse/_case.html", takes_context=True)
def case_reuse(context: Context, case: Case, back: str = "") -> dict:
    """`back="intake"`: the pick returns to the intake's checklist rather than the case page."""
    return _reuse_context(context, case, applicant=False, back=back)


@register.inclusion_tag("reuse/_case.html", takes_context=True)
def applicant_reuse(context: Context, case: Case) -> dict:
    return _reuse_context(context, case, applicant=True)


@register.simple_tag(takes_context=True)
def reused_of(context: Context, case: Case, line_id: int) -> list:
    """The reuse records of one line, read once per page for the whole case."""
    return [r for r in _reused(context, case) if r.row.case_material_id == line_id]
