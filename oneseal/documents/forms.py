"""Forms of the wording pages. They only parse input; every write goes through
`documents.actions`, whose refusals are put back on the form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """An action's refusal on the form: field errors on their fields, the rest on top."""
    placed = False
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    for reason in error.reasons:
        if not any(reason in messages for messages in error.fields.values()):
            form.add_error(None, reason)
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


class WordingForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("每行一段。占位符写作 {名称}，见下表；只含列表占位符的一行按条列出。"))
    closing = forms.CharField(label=_("落款前事项"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                              help_text=_("每行一项，如“受理人：{clerk}”；占位符没有取值的行不印出。"))
    reason = forms.CharField(label=_("修改原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StartDraftForm(forms.Form):
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=2000)


class PublishForm(forms.Form):
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text=_("该日期及以后成文的文书使用本版本"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"effective_from": timezone.localdate()})
        super().__init__(*args, **kwargs)
