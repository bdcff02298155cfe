"""The staff's project register page: the projects of their region and below, newest first,
and the form a clerk registers a project with. A user who is not scoped staff gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oneseal.cases.queries import is_scoped_staff
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import actions, queries
from .forms import ProjectForm

PAGE_SIZE = 50


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    if not is_scoped_staff(request.user):
        raise Http404()
    may_register = has_role(request.user, Role.CLERK)
    form = ProjectForm(request.POST or None) if may_register else None
    if request.method == "POST":
        if form is None:
            raise Http404()
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                owner = actions.owner_by_credit_code(data.pop("owner"))
                project = actions.register_project(actor=request.user, owner=owner, **data)
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(
                    request,
                    _("已登记项目：{name}（{code}）").format(name=project.name, code=project.code),
                )
                return redirect("projects:list")
    page = Paginator(queries.visible_projects(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/list.html", {"page": page, "form": form})
