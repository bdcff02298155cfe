"""E-licence pages: the staff list with the export for the provincial library, the OFD
download (staff in scope, the holder), and the public check page."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods

from oneseal.calendars.queries import today
from oneseal.interface.files import xlsx_response
from oneseal.organisation.rules import scope_prefix
from oneseal.throttling import throttle

from . import queries

MAX_UPLOAD = 10 * 1024 * 1024


class ExportForm(forms.Form):
    start = forms.DateField(label=_l("起始日期"))
    end = forms.DateField(label=_l("截止日期"))
    region = forms.RegexField(regex=r"^\d{0,12}$", required=False, label=_l("区划代码"))
    output = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("json", "JSON")], label=_l("格式"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("start") and data.get("end"):
            period = queries.ExportFilter(data["start"], data["end"], data.get("region") or "")
            for field, messages in queries.export_errors(period).items():
                for message in messages:
                    self.add_error(field, message)
        return data


@login_required
@require_GET
def elicence_list(request: HttpRequest) -> HttpResponseBase:
    prefix = scope_prefix(request.user)
    if prefix is None:
        raise PermissionDenied
    on = today()
    first = on.replace(day=1)
    form = ExportForm(request.GET or None, initial={"start": first, "end": on, "output": "xlsx"})
    if request.GET.get("export") and form.is_valid():
        region = form.cleaned_data["region"] or ""
        if region and not (region.startswith(prefix) or prefix.startswith(region)):
            raise PermissionDenied
        period = queries.ExportFilter(form.cleaned_data["start"], form.cleaned_data["end"], region)
        rows = queries.export_rows(request.user, period)
        if form.cleaned_data["output"] == "json":
            response = JsonResponse(
                {
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "region": region or prefix,
                    "elicences": [queries.export_record(e, on) for e in rows],
                },
                json_dumps_params={"ensure_ascii": False},
            )
            response["Content-Disposition"] = (
                f'attachment; filename="elicences-{period.start:%Y%m%d}-{period.end:%Y%m%d}.json"'
            )
            return response
        return xlsx_response(
            queries.export_xlsx(rows, on),
            filename=f"电子证照{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
            ascii_filename=f"elicences-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
        )
    rows = queries.visible_elicences(request.user).select_related("document")[:100]
    pending = queries.visible_elicences(request.user).pending().count()
    return render(
        request,
        "elicences/list.html",
        {"elicences": rows, "form": form, "pending": pending, "on": on},
        status=400 if request.GET.get("export") else 200,
    )


@login_required
@require_GET
def elicence_file(request: HttpRequest, pk: int) -> FileResponse:
    elicence = get_object_or_404(queries.visible_elicences(request.user), pk=pk)
    if not elicence.generated:
        raise Http404(_("该电子证照的OFD文件尚未生成"))
    response = FileResponse(
        elicence.file.open("rb"),
        content_type="application/ofd",
        as_attachment=True,
        filename=f"{elicence.number}-{elicence.issue}.ofd",
    )
    response["Cache-Control"] = "private, no-store"
    return response


class UploadForm(forms.Form):
    file = forms.FileField(label=_l("OFD文件"), help_text=_l("不超过10 MB"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件不能超过10 MB"))
        return upload.read()


@require_GET
@throttle("verify")
def verify(request: HttpRequest, code: str) -> HttpResponse:
    elicence = queries.public_elicence(code)
    if elicence is None:
        return render(
            request, "elicences/verify.html", {"code": code, "form": UploadForm()}, status=404
        )
    return render(
        request,
        "elicences/verify.html",
        {
            "code": code,
            "elicence": elicence,
            "standing": elicence.standing_display(today()),
            "stored": queries.stored_check(elicence),
            "form": UploadForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@throttle("verify")
def verify_file(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "code": ""}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "elicences/verify.html", context, status=400)
        result = queries.check_ofd(form.cleaned_data["file"])
        context["file_check"] = result
        if result.authentic and result.elicence is not None:
            context["elicence"] = result.elicence
            context["standing"] = result.elicence.standing_display(today())
    return render(request, "elicences/verify.html", context)
