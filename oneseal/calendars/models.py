from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day entered by hand: a holiday or adjusted workday of a year the package does not
    carry yet, or a correction of the package. Overrides the package for that date."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(
        _("说明"), max_length=100, blank=True, help_text=_("如：春节、国庆节调休上班")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历调整日")
        verbose_name_plural = _("日历调整日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {'班' if self.is_workday else '休'} {self.name}"


class CalendarYear(models.Model):
    """A year whose official schedule has been entered by hand, so dates in it are no longer
    provisional. Years the package carries need no row."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    announcement = models.CharField(
        _("依据文件"), max_length=300, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("已公布年度安排")
        verbose_name_plural = _("已公布年度安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
