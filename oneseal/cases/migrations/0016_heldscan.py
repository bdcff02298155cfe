"""The mark of a scan the window holds (`cases.actions.held_scans`). Scans held before it
existed are marked from their latest hold in the audit log, so the worker's first sweep
deletes those no case came to use."""

from django.db import migrations, models


def mark_earlier_holds(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    HeldScan = apps.get_model("cases", "HeldScan")
    latest: dict[str, tuple[str, object]] = {}
    held = AuditEvent.objects.filter(action="cases.hold_upload").order_by("at", "seq")
    for data, at in held.values_list("data", "at").iterator():
        name = (data or {}).get("file")
        if name:
            latest[name] = (str(data.get("sha256", "")), at)
    HeldScan.objects.bulk_create(
        [HeldScan(name=name, sha256=sha, held_at=at) for name, (sha, at) in latest.items()],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chain_required"),
        ("cases", "0015_casestep_pending_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="HeldScan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(max_length=200, unique=True, verbose_name="存储文件"),
                ),
                ("sha256", models.CharField(max_length=64)),
                ("held_at", models.DateTimeField(db_index=True, verbose_name="暂存时间")),
            ],
            options={
                "verbose_name": "窗口暂存扫描件",
                "verbose_name_plural": "窗口暂存扫描件",
            },
        ),
        migrations.RunPython(mark_earlier_holds, migrations.RunPython.noop),
    ]
