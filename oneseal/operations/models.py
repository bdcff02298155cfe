from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last sign of life of a long-running process (`oneseal worker`, `oneseal linkage
    deliver`) on one host: one row per (process kind, host), written at each pass. /healthz
    calls the installation unhealthy when no worker has beaten recently."""

    process = models.CharField(_("进程"), max_length=20)
    host = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    beat_at = models.DateTimeField(_("最近心跳"))

    class Meta:
        verbose_name = _("进程心跳")
        verbose_name_plural = _("进程心跳")
        constraints = [
            models.UniqueConstraint(fields=["process", "host"], name="heartbeat_one_per_host")
        ]

    def __str__(self) -> str:
        return f"{self.process}@{self.host}"
