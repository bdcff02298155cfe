from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the installation: the processes' heartbeats, /healthz, /metrics, backups."""

    name = "oneseal.operations"
    label = "operations"
    verbose_name = _("运行维护")

    def ready(self) -> None:
        from django.conf import settings

        # Counting case actions costs a little on every action: only when someone may read
        # the count (a metrics token or address is configured).
        if settings.METRICS_ENABLED:
            from oneseal.cases import notices

            from . import metrics

            notices.observe(metrics.case_event)
