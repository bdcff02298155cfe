from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    by_email = forms.BooleanField(label=_("电子邮件通知"), required=False)
    by_sms = forms.BooleanField(label=_("短信通知"), required=False)
    email = forms.CharField(
        label=_("接收邮箱"),
        required=False,
        max_length=254,
        help_text=_("不填写则使用账号或申请人登记的邮箱"),
    )
    phone = forms.CharField(
        label=_("接收手机号码"),
        required=False,
        max_length=20,
        help_text=_("不填写则使用申请人登记的手机号码"),
    )
    quiet_hours = forms.BooleanField(
        label=_("夜间免打扰"),
        required=False,
        help_text=_("免打扰时段内不发送邮件和短信，时段结束后补发；站内消息不受影响"),
    )
