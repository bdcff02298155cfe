"""The pick form of the workbench's and the portal's case pages: one POST per line naming
`kind:id` of an offered document. Thin: `actions.pick` decides; the page says what happened."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.applicants.queries import acts_for
from oneseal.cases.models import CaseMaterial
from oneseal.cases.queries import visible_cases
from oneseal.errors import DomainError

from . import actions


@login_required
@require_POST
def pick(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    row = get_object_or_404(CaseMaterial.objects.select_related("material"), case=case, pk=line)
    own = acts_for(request.user, case.applicant)
    if own:
        back = reverse("portal:my_case", args=[case.pk]) + f"#line-{row.pk}"
    elif request.POST.get("back") == "intake":
        back = reverse("workbench:intake-case", args=[case.pk]) + f"#line-{row.pk}"
    else:
        back = reverse("workbench:case", args=[case.pk]) + f"#reuse-line-{row.pk}"
    kind, _sep, source_id = request.POST.get("source", "").partition(":")
    if not source_id:
        messages.error(request, _("“{m}”：请选择要复用的证照或文书").format(m=row.material.name))
        return redirect(back)
    try:
        picked = actions.pick(row, actor=request.user, kind=kind, source_id=source_id)
    except DomainError as exc:
        if exc.code == "not_permitted":
            raise Http404 from None
        for msgs in (exc.fields or {"": [exc.message]}).values():
            for message in msgs:
                messages.error(request, str(message))
    else:
        messages.success(
            request,
            _("“{m}”已复用“{doc}”（{ident}）").format(
                m=row.material.name, doc=picked.title, ident=picked.identifier
            ),
        )
    return redirect(back)
