"""Authorisations at the window (单位授权): the clerk finds the organisation by its credit code,
checks the papers, and records that a person with an online account may act online for it —
as its legal representative or as an agent under a power of attorney — or revokes it. Every
write is one call of `applicants.actions`; every find by number is audited there."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from oneseal.actors import User
from oneseal.applicants.actions import (
    look_up,
    record_authorisation,
    register_applicant,
    revoke_authorisation,
)
from oneseal.applicants.models import Applicant, Authorisation
from oneseal.applicants.queries import authorisations_for
from oneseal.calendars.queries import today as business_today
from oneseal.errors import DomainError, NotPermitted
from oneseal.interface.rows import shown_with
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from .views.common import domain_errors, staff_only

RECORD_FIELDS = (
    "credit_code",
    "name",
    "representative",
    "phone",
    "id_number",
    "capacity",
    "papers",
    "valid_from",
    "valid_until",
)


def _require_clerk(user: User) -> None:
    if not has_role(user, Role.CLERK):
        raise PermissionDenied(_("只有窗口人员可以登记单位授权"))


def _date(text: str, field: str, errors: dict) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors[field] = [_("日期格式应为 YYYY-MM-DD")]
        return None


def _page(request: HttpRequest, *, values: dict, errors: dict, status: int = 200) -> HttpResponse:
    organisation, number_error = None, ""
    code = values.get("credit_code", "")
    if code:
        try:
            organisation = look_up(
                actor=request.user,
                kind=Applicant.Kind.ORGANISATION,
                number=code,
                via="authorisations",
            )
        except ValueError as exc:
            number_error = str(exc)
    today = business_today()
    rows = list(authorisations_for(organisation)) if organisation else []
    for row in rows:
        shown_with(row, active=row.is_active(today))
    return render(
        request,
        "workbench/authorisations.html",
        {
            "values": values,
            "errors": errors,
            "organisation": organisation,
            "number_error": number_error,
            "authorisations": rows,
            "capacities": Authorisation.Capacity.choices,
        },
        status=status,
    )


@staff_only
@require_http_methods(["GET"])
def authorisations(request: HttpRequest) -> HttpResponse:
    _require_clerk(request.user)
    values = dict.fromkeys(RECORD_FIELDS, "")
    values.update(
        credit_code=request.GET.get("credit_code", "").strip(),
        capacity=Authorisation.Capacity.REPRESENTATIVE,
    )
    return _page(request, values=values, errors={})


@staff_only
@require_POST
def record(request: HttpRequest) -> HttpResponse:
    """Register the organisation if the window has not yet (its papers are on the counter),
    find the person by their ID number, and record the authorisation."""
    _require_clerk(request.user)
    values = {f: request.POST.get(f, "").strip() for f in RECORD_FIELDS}
    errors: dict[str, list[str]] = {}
    valid_from = _date(values["valid_from"], "valid_from", errors)
    valid_until = _date(values["valid_until"], "valid_until", errors)
    person = None
    try:
        person = look_up(
            actor=request.user,
            kind=Applicant.Kind.PERSON,
            number=values["id_number"],
            via="authorisations",
        )
        if person is None:
            errors["id_number"] = [
                _("该身份证号码尚未登记：请被授权人先以本人身份证号码在网上注册账号")
            ]
    except ValueError as exc:
        errors["id_number"] = [str(exc)]
    if not errors and person is not None:
        try:
            organisation = register_applicant(
                actor=request.user,
                kind=Applicant.Kind.ORGANISATION,
                name=values["name"],
                number=values["credit_code"],
                phone=values["phone"],
                representative=values["representative"],
            )
            record_authorisation(
                organisation,
                person=person,
                capacity=values["capacity"],
                papers=values["papers"],
                valid_from=valid_from,
                valid_until=valid_until,
                actor=request.user,
            )
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from None
        except DomainError as exc:
            names = {"credit_code": "credit_code", "person": "id_number"}
            errors = {names.get(k, k): v for k, v in domain_errors(exc).items()}
        else:
            messages.success(
                request,
                _("已登记“{person}”为“{organisation}”的{capacity}").format(
                    person=person.name,
                    organisation=organisation.name,
                    capacity=dict(Authorisation.Capacity.choices).get(values["capacity"], ""),
                ),
            )
            return redirect(
                reverse("workbench:authorisations")
                + "?"
                + urlencode({"credit_code": organisation.credit_code})
            )
    return _page(request, values=values, errors=errors, status=400)


@staff_only
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clerk(request.user)
    authorisation = get_object_or_404(Authorisation.objects.select_related("organisation"), pk=pk)
    back = (
        reverse("workbench:authorisations")
        + "?"
        + urlencode({"credit_code": authorisation.organisation.credit_code})
    )
    try:
        revoke_authorisation(
            authorisation, actor=request.user, reason=request.POST.get("reason", "")
        )
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from None
    except DomainError as exc:
        for msgs in domain_errors(exc).values():
            for m in msgs:
                messages.error(request, _("撤销授权：{problem}").format(problem=m))
    else:
        messages.success(request, _("授权已撤销"))
    return redirect(back)
