"""Sign up and sign in of applicants (网上办事账号), and the account page. The account is one
natural person whose number is validated by `applicants.actions.sign_up`; it acts for an
organisation under the authorisations a window recorded, listed on the account page. These
views only carry the forms."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneseal.applicants import rules as applicant_rules
from oneseal.applicants.actions import revoke_authorisation, sign_up
from oneseal.applicants.models import Applicant, Authorisation
from oneseal.applicants.queries import authorisations_of, own_person
from oneseal.calendars.queries import today as business_today
from oneseal.errors import DomainError, ValidationFailed
from oneseal.throttling import throttle

signed_in = login_required(login_url="portal:signin")

SIGN_UP_FIELDS = ("username", "name", "number", "phone", "email")


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@throttle("signup", methods=("POST",))
def signup(request: HttpRequest) -> HttpResponse:
    values = {f: request.POST.get(f, "").strip() for f in SIGN_UP_FIELDS}
    # An account is a natural person; an organisation is acted for under a window's authorisation.
    values["kind"] = request.POST.get("kind", Applicant.Kind.PERSON)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        password, password2 = request.POST.get("password", ""), request.POST.get("password2", "")
        try:
            if password != password2:
                raise ValidationFailed(fields={"password2": [_("两次输入的密码不一致")]})
            user, applicant = sign_up(password=password, **values)
        except ValidationFailed as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.fields.items()}
        else:
            login(request, user, backend="oneseal.organisation.backends.StaffBackend")
            messages.success(
                request, _("注册成功，账号已与“{name}”关联。").format(name=applicant.name)
            )
            return redirect(_next_url(request, str(reverse_lazy("portal:my_cases"))))
    return render(
        request,
        "portal/account/signup.html",
        {
            "values": values,
            "errors": errors,
            "next": _next_url(request, ""),
        },
        status=400 if errors else 200,
    )


@require_GET
def check_number(request: HttpRequest) -> HttpResponse:
    """The number checked as it is typed (htmx): its format only, never whether it is taken."""
    kind = request.GET.get("kind", "person")
    number = request.GET.get("number", "")
    problem = applicant_rules.number_problem(kind, number) if number.strip() else ""
    return render(
        request, "portal/account/_number_check.html", {"problem": problem, "number": number.strip()}
    )


class SignInView(auth_views.LoginView):
    """Wrong passwords are counted and locked out by django-axes (settings.AXES_*), as on the
    staff and admin logins: the form passes the request to authenticate()."""

    template_name = "portal/account/signin.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return str(reverse_lazy("portal:my_cases"))


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    """Who the account is and whom it may act for: its person and every authorisation of that
    person, standing or not, with how to get one at a window."""
    person = own_person(request.user)
    rows = list(authorisations_of(person)) if person else []
    today = business_today()
    for row in rows:
        # For the template, which cannot pass the day to is_active.
        row.active = row.is_active(today)  # type: ignore[attr-defined]
    return render(
        request, "portal/account/account.html", {"person": person, "authorisations": rows}
    )


@signed_in
@require_POST
def renounce(request: HttpRequest, pk: int) -> HttpResponse:
    """The person gives up an authorisation (no longer the representative, the task done)."""
    person = own_person(request.user)
    authorisation = get_object_or_404(Authorisation, pk=pk, person=person) if person else None
    if authorisation is None:
        raise Http404
    try:
        revoke_authorisation(
            authorisation, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        for msgs in exc.fields.values():
            for m in msgs:
                messages.error(request, str(m))
        if not exc.fields:
            messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("已放弃代表“{name}”办事的授权").format(name=authorisation.organisation.name)
        )
    return redirect("portal:account")
