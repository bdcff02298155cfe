# A reform task's lead and helping units become relations to the organisation (the bureau or a
# department of the region) instead of typed names. Existing names are mapped where they match
# a unit of the reform's region; what matches nothing stays in former_* so nothing is lost.

import re

import django.db.models.deletion
from django.db import migrations, models

# "县人社局" in a county's table means the county's own office: the region's name replaces the
# leading level word, or the word is dropped to meet a short name ("人社局").
LEVEL_WORDS = ("县", "区", "市", "旗", "省")


def _candidates(name: str, region_name: str) -> list[str]:
    out = [name]
    if name[:1] in LEVEL_WORDS:
        out += [region_name + name[1:], name[1:]]
    return out


def _units(apps, region_code: str):
    Bureau = apps.get_model("organisation", "Bureau")
    Department = apps.get_model("organisation", "Department")
    Region = apps.get_model("regions", "Region")
    prefix = region_code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    region = Region.objects.filter(code=region_code).first()
    region_name = region.name if region else ""
    bureaus = {}
    for bureau in Bureau.objects.filter(region__code__startswith=prefix):
        bureaus.setdefault(bureau.name, bureau)
    departments = {}
    for department in Department.objects.filter(region__code__startswith=prefix).order_by("id"):
        departments.setdefault(department.name, department)
        if department.short_name:
            departments.setdefault(department.short_name, department)
    # "县行政审批局" without the county's name is the region's own bureau.
    own = Bureau.objects.filter(region__code=region_code).first()

    def find(name: str):
        for candidate in _candidates(name, region_name):
            if candidate in bureaus:
                return bureaus[candidate]
            if candidate in departments:
                return departments[candidate]
        if own is not None and name[:1] in LEVEL_WORDS and name[1:] == "行政审批局":
            return own
        return None

    return Bureau, find


def link_units(apps, schema_editor):
    ReformTask = apps.get_model("transfers", "ReformTask")
    for task in ReformTask.objects.select_related("reform"):
        Bureau, find = _units(apps, task.reform.region_code)
        lead = find(task.former_lead_unit.strip()) if task.former_lead_unit.strip() else None
        if lead is not None:
            if isinstance(lead, Bureau):
                task.lead_bureau = lead
            else:
                task.lead_department = lead
            task.former_lead_unit = ""
        unmatched = []
        for name in re.split(r"[、，,；;\s]+", task.former_helping_units):
            if not name:
                continue
            unit = find(name)
            if unit is None:
                unmatched.append(name)
            elif isinstance(unit, Bureau):
                task.helping_bureaus.add(unit)
            else:
                task.helping_departments.add(unit)
        task.former_helping_units = "、".join(unmatched)
        task.save(
            update_fields=[
                "lead_bureau",
                "lead_department",
                "former_lead_unit",
                "former_helping_units",
            ]
        )


def unlink_units(apps, schema_editor):
    ReformTask = apps.get_model("transfers", "ReformTask")
    for task in ReformTask.objects.select_related("lead_bureau", "lead_department"):
        lead = task.lead_bureau or task.lead_department
        if lead is not None:
            task.former_lead_unit = lead.name[:100]
        names = [b.name for b in task.helping_bureaus.all()]
        names += [d.name for d in task.helping_departments.all()]
        if task.former_helping_units:
            names.append(task.former_helping_units)
        task.former_helping_units = "、".join(names)[:300]
        task.save(update_fields=["former_lead_unit", "former_helping_units"])


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0002_role_administrator"),
        ("regions", "0001_initial"),
        ("transfers", "0004_rollout_setup"),
    ]

    operations = [
        migrations.RenameField("reformtask", "lead_unit", "former_lead_unit"),
        migrations.AlterField(
            model_name="reformtask",
            name="former_lead_unit",
            field=models.CharField(blank=True, max_length=100, verbose_name="原填牵头单位"),
        ),
        migrations.RenameField("reformtask", "helping_units", "former_helping_units"),
        migrations.AlterField(
            model_name="reformtask",
            name="former_helping_units",
            field=models.CharField(blank=True, max_length=300, verbose_name="原填配合单位"),
        ),
        migrations.AddField(
            model_name="reformtask",
            name="helping_bureaus",
            field=models.ManyToManyField(
                blank=True,
                related_name="helped_reform_tasks",
                to="organisation.bureau",
                verbose_name="配合单位（审批局）",
            ),
        ),
        migrations.AddField(
            model_name="reformtask",
            name="helping_departments",
            field=models.ManyToManyField(
                blank=True,
                related_name="helped_reform_tasks",
                to="organisation.department",
                verbose_name="配合单位（部门）",
            ),
        ),
        migrations.AddField(
            model_name="reformtask",
            name="lead_bureau",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="led_reform_tasks",
                to="organisation.bureau",
                verbose_name="牵头单位（审批局）",
            ),
        ),
        migrations.AddField(
            model_name="reformtask",
            name="lead_department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="led_reform_tasks",
                to="organisation.department",
                verbose_name="牵头单位（部门）",
            ),
        ),
        migrations.AddConstraint(
            model_name="reformtask",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("lead_bureau__isnull", True),
                    ("lead_department__isnull", True),
                    _connector="OR",
                ),
                name="reform_task_one_lead_unit",
            ),
        ),
        migrations.RunPython(link_units, unlink_units),
    ]
