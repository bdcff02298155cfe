"""What the case actions ask of a project's shared steps before a decision. Depends on models
only; registered with `cases.decisions` in ProjectsConfig.ready, so the case actions never
import the projects app (whose joint steps' actions call the case actions)."""

from django.utils.translation import gettext as _

from oneseal.cases.models import Case

from .models import JointStep


def open_step_blockers(case: Case) -> list[str]:
    """A case that uses a shared step (联合审图, 多评合一, 联合验收) waits for its report: the
    decision rests on the merged opinion."""
    return [
        _("{kind}“{title}”尚未出具报告，不能作出决定").format(
            kind=step.get_kind_display(), title=step.title
        )
        for step in JointStep.objects.filter(cases=case, state=JointStep.StepState.OPEN).order_by(
            "id"
        )
    ]
