"""Pages for catalogue administrators: upload a county list to import it, download the
catalogue as one. The work is done by `importing` and `exporting`; these views only check
who may act for which region, read the form and show the result."""

import io

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from oneseal.calendars.queries import today
from oneseal.errors import DomainError
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, staff_of
from oneseal.regions.models import Region

from .actions import ensure_local_catalogue, import_catalogue
from .exporting import export_catalogue
from .importing.columns import ImportRejected
from .importing.readers import read_rows
from .queries import local_catalogue


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("目录文件"),
        help_text=gettext_lazy(
            "县级清单格式的 .xlsx（每个办理项一行，中文表头），或政务服务网导出的 .csv"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("调整原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("导入会调整已发布的事项时必填"),
    )
    basis = forms.CharField(
        label=gettext_lazy("调整依据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("如文件名称和文号；导入会调整已发布的事项时必填"),
    )
    publish_on = forms.DateField(
        label=gettext_lazy("发布并于此日生效"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("留空则只保存为草稿；填写则发布新增或变更且办事指南完整的事项"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("文件大小为 {size}，超过上限 {limit}，请拆分后分批导入").format(
                    size=filesizeformat(upload.size),
                    limit=filesizeformat(settings.UPLOAD_MAX_BYTES),
                )
            )
        return upload


def _region_for(request) -> Region:
    """The region the page acts for: the one asked for (a city's administrator may act for
    its counties), else the staff member's own; only for its catalogue administrators."""
    code = (request.POST.get("region") or request.GET.get("region") or "").strip()
    if code:
        region = Region.objects.filter(code=code).first()
    else:
        staff = staff_of(request.user)
        region = staff.region if staff else None
    if region is None or not has_role(request.user, Role.CATALOGUE_ADMIN, region):
        raise PermissionDenied(_("只有本地区的事项目录管理员可以导入或导出事项目录"))
    return region


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    region = _region_for(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = form.cleaned_data
        try:
            with transaction.atomic():
                catalogue = ensure_local_catalogue(region, actor=request.user)
                report = import_catalogue(
                    catalogue,
                    read_rows(upload, name=upload.name),
                    actor=request.user,
                    reason=data["reason"],
                    basis=data["basis"],
                    publish_on=data["publish_on"],
                )
        except ImportRejected as rejected:
            problems = rejected.problems
            form.add_error(None, rejected.message)
        except DomainError as error:
            form.add_error(None, error.message)
    status = 400 if problems or (request.method == "POST" and not form.is_valid()) else 200
    return render(
        request,
        "catalogue/io/import.html",
        {
            "region": region,
            "form": form,
            "report": report,
            "problems": problems,
            "catalogue": local_catalogue(region),
        },
        status=status,
    )


@login_required
@require_GET
def export_list(request):
    region = _region_for(request)
    catalogue = local_catalogue(region)
    if catalogue is None:
        raise Http404(_("该地区还没有本级事项目录"))
    include_drafts = request.GET.get("include_drafts") == "1"
    data = export_catalogue(catalogue, include_drafts=include_drafts)
    suffix = _("（含草稿）") if include_drafts else ""
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"{catalogue.name}{suffix}-{today():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
