"""Sign up and sign in of applicants (网上办事账号). The account is tied to one applicant whose
number is validated by `applicants.actions.sign_up`; these views only carry the form."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from oneseal.applicants import rules as applicant_rules
from oneseal.applicants.actions import sign_up
from oneseal.applicants.models import Applicant
from oneseal.errors import ValidationFailed
from oneseal.throttling import throttle

SIGN_UP_FIELDS = ("username", "kind", "name", "number", "representative", "phone", "email")


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@throttle("signup", methods=("POST",))
def signup(request):
    values = {f: request.POST.get(f, "").strip() for f in SIGN_UP_FIELDS}
    if not values["kind"]:
        values["kind"] = request.GET.get("kind") if request.GET.get("kind") in Applicant.Kind.values else "person"
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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册成功，账号已与“{name}”关联。").format(name=applicant.name))
            return redirect(_next_url(request, reverse_lazy("portal:my_cases")))
    return render(request, "portal/account/signup.html", {
        "values": values, "errors": errors, "kinds": Applicant.Kind.choices,
        "next": _next_url(request, ""),
    }, status=400 if errors else 200)


@require_GET
def check_number(request):
    """The number checked as it is typed (htmx): its format only, never whether it is taken."""
    kind = request.GET.get("kind", "person")
    number = request.GET.get("number", "")
    problem = applicant_rules.number_problem(kind, number) if number.strip() else ""
    return render(request, "portal/account/_number_check.html", {"problem": problem, "number": number.strip()})


class SignInView(auth_views.LoginView):
    """Wrong passwords are counted and locked out by django-axes (settings.AXES_*), as on the
    staff and admin logins: the form passes the request to authenticate()."""

    template_name = "portal/account/signin.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return str(reverse_lazy("portal:my_cases"))
