"""The cases of one item in one state, within a region: the workbench's tabs and heading with
the item filter (workbench.queries.apply_filters), each a state or a few. With only
(handling_item, region_code) a province's tab read each of the item's 25,000 cases from the
table to test its state (1.4 s for a superuser's page at 1,000,000 cases, docs/scaling.md);
(handling_item, state, region_code) answers the state and a county's range from the index.

Built CONCURRENTLY on PostgreSQL, like 0015: a plain CREATE INDEX would hold every write to
`cases_case` for the whole scan. The model state gets the index as an ordinary AddIndex, so
the models and the migrations agree."""

from django.db import migrations, models

from oneseal.indexes import AddIndexConcurrently

INDEX = models.Index(
    fields=["handling_item", "state", "region_code"], name="case_item_state_region"
)
# The delivery queue's order (workbench.queries, "deliver"): a province's granted cases were
# sorted whole for a page, 17,398 of them at 1,000,000 cases and on disk under the 64 kB
# work_mem of a page with a review tab (83 ms; 1 ms along this index).
GRANTED = models.Index(
    fields=["delivery_due", "id"], condition=models.Q(state="granted"), name="case_granted_delivery"
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0018_drop_due_provisional")]

    operations = [
        AddIndexConcurrently(model_name="case", index=INDEX),
        AddIndexConcurrently(model_name="case", index=GRANTED),
    ]
