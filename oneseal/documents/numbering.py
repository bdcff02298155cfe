"""The next number of a yearly sequence (文号): one row per bureau, year and kind, locked while
the number is taken, so two acts at once never share a number. Documents and the projects'
joint reports keep their own sequence tables; this is the one way both take a number."""

from typing import Any

from django.db import IntegrityError, models, transaction


def take_next(model: type[models.Model], **key: Any) -> int:
    """Lock the sequence row of `key` and take its next number. The first number of a year
    creates the row; when two do so at once, the loser's insert fails on the unique constraint
    and it locks the winner's row instead. Call inside the act's transaction."""
    for _attempt in range(3):
        row = model.objects.select_for_update().filter(**key).first()  # type: ignore[attr-defined]
        if row is None:
            try:
                with transaction.atomic():
                    row = model.objects.create(**key, last=0)  # type: ignore[attr-defined]
            except IntegrityError:
                continue
        row.last += 1
        row.save(update_fields=["last"])
        return row.last
    raise RuntimeError(f"{model.__name__} row could neither be created nor locked")
