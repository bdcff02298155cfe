"""What every workbench page shares: who may see it (`staff_only`), how a case is loaded
(`load_case`, scoped by `visible_cases`), and how an action's refusal becomes form errors."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from oneseal.cases.models import (
    Case,
)
from oneseal.cases.queries import Viewer, is_scoped_staff, visible_cases
from oneseal.errors import DomainError
from oneseal.interface.case_actions import ACTIONS
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

PAGE_SIZE = 25


ACTION_BY_NAME = {action.name: action for action in ACTIONS}


def staff_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in staff with a role; an applicant's account gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_scoped_staff(request.user):
            raise PermissionDenied(_("审批工作台仅供行政审批局工作人员使用"))
        return view(request, *args, **kwargs)

    return wrapped


def load_case(user: Viewer, pk: int) -> Case:
    return get_object_or_404(
        visible_cases(user).select_related("handling_item__item_version", "region", "applicant"),
        pk=pk,
    )


def case_url(case: Case, *, issued: Iterable[Model] = (), anchor: str = "") -> str:
    url = reverse("workbench:case", args=[case.pk])
    if issued:
        url += "?" + urlencode({"issued": ",".join(str(d.pk) for d in issued)})
    return url + (f"#{anchor}" if anchor else "")


def serializer_errors(errors: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for field, messages_ in errors.items():
        if isinstance(messages_, dict):  # a map field: {line: [messages]}
            flat = [
                str(m)
                for value in messages_.values()
                for m in (value if isinstance(value, list) else [value])
            ]
        else:
            flat = [str(m) for m in messages_]
        out["general" if field == "non_field_errors" else field] = flat
    return out


def domain_errors(exc: DomainError) -> dict[str, list[str]]:
    out = {field: [str(m) for m in msgs] for field, msgs in exc.fields.items()}
    placed = {m for msgs in out.values() for m in msgs}
    top = [str(r) for r in exc.reasons if str(r) not in placed]
    if not out and not top:
        top = [str(exc.message)]
    if top:
        out["general"] = top
    return out


def require_clerk(user: Viewer) -> None:
    if not has_role(user, Role.CLERK):
        raise PermissionDenied(_("收件受理仅供综合受理窗口工作人员办理"))
