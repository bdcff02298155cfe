"""我的消息: the signed-in user's own message box (applicants and staff alike), marking read,
and the choice of channels. Another user's message answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.actors import stored_user
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error

from . import actions, queries, quiet
from .forms import PreferenceForm


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = queries.own_notifications(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": queries.unread_count(request.user),
        },
    )


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(queries.own_notifications(request.user), pk=pk)
    actions.mark_read(notification, actor=request.user)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts=None
    ):
        return redirect(notification.link or "notifications:inbox")
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = actions.mark_all_read(actor=request.user)
    messages.success(request, _("已将{n}条消息标为已读").format(n=count))
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    stored = queries.preference_of(stored_user(request.user))
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                actions.save_preference(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("通知设置已保存"))
                return redirect("notifications:preferences")
    else:
        form = PreferenceForm(
            initial={
                "by_email": stored.by_email,
                "by_sms": stored.by_sms,
                "email": stored.email,
                "phone": stored.phone,
                "quiet_hours": stored.quiet_hours,
            }
        )
    start, end = quiet.window()
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "quiet_from": start.strftime("%H:%M"),
            "quiet_until": end.strftime("%H:%M"),
            "email_configured": queries.email_configured(),
        },
    )
