"""Forms of the wording pages. They only parse input; every write goes through
`documents.actions`, whose refusals are put back on the form."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from oneseal.calendars.queries import today
from oneseal.organisation.models import Department

from .models import Seal


class WordingForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("每行一段。占位符写作 {名称}，见下表；只含列表占位符的一行按条列出。"),
    )
    closing = forms.CharField(
        label=_("落款前事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("每行一项，如“受理人：{clerk}”；占位符没有取值的行不印出。"),
    )
    reason = forms.CharField(
        label=_("修改原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StartDraftForm(forms.Form):
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=2000)


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=_("生效日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("该日期及以后成文的文书使用本版本"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"effective_from": today()})
        super().__init__(*args, **kwargs)


# A signed notice is a few hundred kilobytes; a cap far above that keeps a public form from
# being used to push large files through the validator.
VERIFY_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
PDF_HEADER_WINDOW = 1024  # ISO 32000-1 §7.5.2: the header may sit anywhere in the first 1024 bytes


class VerifyUploadForm(forms.Form):
    """The public page's upload: a PDF to check. `cleaned_data["file"]` is its bytes."""

    file = forms.FileField(label=_("上传电子文书（PDF）"), help_text=_("不超过10 MB"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > VERIFY_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件超过10 MB，不是本局签发的电子文书"))
        data = upload.read(VERIFY_UPLOAD_MAX_BYTES + 1)
        if len(data) > VERIFY_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件超过10 MB，不是本局签发的电子文书"))
        if b"%PDF-" not in data[:PDF_HEADER_WINDOW]:
            raise forms.ValidationError(_("上传的文件不是 PDF 文件"))
        return data


# --- the seals page: a department's old seal registered, then handed over and sealed away ------

SEAL_DATE = forms.DateInput(attrs={"type": "date"})


class DepartmentSealForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("原审批部门"))
    name = forms.CharField(label=_("印章名称"), max_length=100)
    valid_from = forms.DateField(label=_("启用日期"), widget=SEAL_DATE)
    holder = forms.CharField(label=_("现保管人"), max_length=50, required=False)
    place = forms.CharField(label=_("存放地点"), max_length=200, required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)  # declared above
        field.queryset = departments


class SealHandoverForm(forms.Form):
    seal = forms.ModelChoiceField(Seal.objects.none(), label=_("原部门印章"))
    sealed_away_on = forms.DateField(
        label=_("封存日期"), widget=SEAL_DATE, help_text=_("不得早于该部门的划转日期")
    )
    handed_over_by = forms.CharField(label=_("移交人"), max_length=50)
    received_by = forms.CharField(label=_("接收人"), max_length=50)
    holder = forms.CharField(label=_("保管人"), max_length=50)
    place = forms.CharField(label=_("存放地点"), max_length=200)
    checklist = forms.CharField(
        label=_("移交清单"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("印章名称、枚数、印模及随交物品；监交人"),
    )
    checklist_signed = forms.BooleanField(
        label=_("移交清单已经移交人、接收人双方签字"), required=False
    )

    def __init__(self, *args: Any, seals: QuerySet[Seal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["seal"]
        assert isinstance(field, forms.ModelChoiceField)  # declared above
        field.queryset = seals
