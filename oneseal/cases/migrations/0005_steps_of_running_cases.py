"""Acceptance now stores a case's review steps at once (they used to be stored the first time
the case was worked on). Running cases accepted before that get theirs now, as acceptance
would have made them: the window's leading steps done by whoever accepted."""

from django.db import migrations

RUNNING = ("accepted", "suspended")


def store_steps(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseStep = apps.get_model("cases", "CaseStep")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    ReviewStep = apps.get_model("catalogue", "ReviewStep")
    cases = (Case.objects.filter(state__in=RUNNING, accepted_on__isnull=False)
             .exclude(pk__in=CaseStep.objects.values("case_id")).order_by("pk"))
    for case in cases.iterator():
        review_steps = list(ReviewStep.objects.filter(handling_item_id=case.handling_item_id).order_by("order", "id"))
        leading = 0
        for review_step in review_steps:
            if review_step.role != "clerk":
                break
            leading += 1
        accepted_by_id = None
        if leading:
            event = (CaseEvent.objects.filter(case_id=case.pk, action__in=["accept", "deem_accepted"])
                     .order_by("-seq").first())
            accepted_by_id = event.actor_id if event else None
        steps = []
        for i, review_step in enumerate(review_steps):
            step = CaseStep(case_id=case.pk, review_step_id=review_step.pk, order=i + 1, name=review_step.name,
                            role=review_step.role, section_id=review_step.section_id)
            if i < leading:
                step.state, step.done_by_id, step.done_on, step.outcome = "done", accepted_by_id, case.accepted_on, "approve"
                step.opinion = "逾期未作决定，依法视为受理" if case.deemed_accepted else "予以受理"
            steps.append(step)
        CaseStep.objects.bulk_create(steps)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_commitment_approval"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(store_steps, migrations.RunPython.noop)]
