from django.db import models

from .models import AuditEvent


def record(
    action: str, *, actor, subject: models.Model, region_code: str = "", summary: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append an audit row. Called by every domain action inside its own transaction, so the
    row exists exactly when the change does."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        region_code=region_code,
        summary=summary[:500],
        data=data or {},
    )
