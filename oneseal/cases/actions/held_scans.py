"""Scans the window holds for an intake it refused (`intake.hold_upload`), and the worker's
sweep of those no case came to use.

A held scan is stored once under its digest (`cases/shared/<sha256>.<suffix>`, where
`store_once` also puts a bundle's shared file) and marked by a `HeldScan` row; the form
carries a signed reference to it, valid for `VALIDITY` after the hold. Once that has passed
nothing can give the file to a case any more, so `sweep_held_scans` deletes it — unless a row
of any model names it (a case's upload, a bundle's shared file …): the file then belongs to
those rows and only the mark goes.

The mark is also the lock between the sweep and whoever gives the file to a row. The sweep
locks the marks it takes (passing over one another transaction holds) and decides under the
lock; the intake using a reference (`claim`) and `store_once` storing the same content lock
the mark up to the end of their own transaction, in which the row naming the file is written.
So either the sweep comes first — file and mark are gone, and the intake is refused under the
material, asking for the scan again — or the intake does, and the sweep finds the file named.

The reference itself (`sign_reference`, `read_reference`) is signed and bound to whoever held
the scan and to the form it was held for, so no other person or form can claim it."""

import datetime
from typing import Any

from django.apps import apps
from django.core import signing
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.audit import chain
from oneseal.audit.actions import record

from ..models import HeldScan
from ..stored import StoredFile

# How long the window's form may give a held scan back (the signed reference's max age).
VALIDITY = datetime.timedelta(hours=24)
# Marks handled per pass (one transaction, one audit row); the rest wait for the next pass.
BATCH = 500
REFERENCE_SALT = "cases.held_scans.reference"


def sign_reference(stored: StoredFile, *, holder: Any, context: str) -> str:
    """The signed reference a form carries to a held scan: bound to `holder` (the user who sent
    it) and `context` (the form: the case, the intake's token and material …)."""
    return signing.dumps(
        {
            "u": holder.pk,
            "x": context,
            "n": stored.name,
            "o": stored.original_name,
            "c": stored.content_type,
            "s": stored.size,
            "h": stored.sha256,
        },
        salt=REFERENCE_SALT,
        compress=True,
    )


def read_reference(ref: str, *, holder: Any, context: str) -> StoredFile | None:
    """The held scan `ref` names, or None when it is forged, another user's, another form's
    or older than `VALIDITY` (the form then asks for the scan again)."""
    if not ref:
        return None
    try:
        d = signing.loads(ref, salt=REFERENCE_SALT, max_age=int(VALIDITY.total_seconds()))
    except signing.BadSignature:
        return None
    if (
        holder.pk is None
        or not isinstance(d, dict)
        or (d.get("u"), d.get("x")) != (holder.pk, context)
    ):
        return None
    return StoredFile(
        name=d["n"],
        original_name=d["o"],
        content_type=d["c"],
        size=d["s"],
        sha256=d["h"],
        held=True,
    )


def lock(name: str) -> HeldScan | None:
    """The mark of the stored file `name`, locked until the caller's transaction ends (waiting
    for a sweep that holds it); None when the file is not held."""
    return HeldScan.objects.select_for_update().filter(name=name).first()


def hold(name: str, sha256: str) -> HeldScan:
    """Mark the stored file `name` held from now (a later hold of the same file renews it).
    The caller has locked the mark (`store_once`), so a sweep under way has finished."""
    mark, _created = HeldScan.objects.update_or_create(
        name=name, defaults={"sha256": sha256, "held_at": timezone.now()}
    )
    return mark


def claim(name: str) -> bool:
    """Whether the held scan `name` can still be given to a case: its mark locked until the
    caller's transaction ends (which writes the row naming it), and the file still stored."""
    lock(name)
    return default_storage.exists(name)


def file_fields() -> list[tuple[type[models.Model], str]]:
    """Every file column of every installed model (model, field name): whatever row names a
    stored file, in any app, keeps it."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.FileField)
    ]


def referenced(names: list[str]) -> set[str]:
    """Which of the stored files `names` a row of some model names."""
    found: set[str] = set()
    for model, field in file_fields():
        found.update(
            model._base_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True)
        )
    return found


def sweep_held_scans(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Run by the worker: delete every held scan whose reference has expired and that no row
    names, and drop the mark of those a row does name (released to it). One transaction and
    one audit row per pass that found any; marks another transaction holds (an intake using
    the scan, another worker's sweep) are left to a later pass. Returns {"removed", "released"}."""
    now = now or timezone.now()
    expired = HeldScan.objects.filter(held_at__lt=now - VALIDITY)
    if not expired.exists():  # most passes: no lock taken
        return {"removed": 0, "released": 0}
    with transaction.atomic():
        return _sweep(expired)


def _sweep(expired: models.QuerySet[HeldScan]) -> dict[str, int]:
    # The audit chain's head first: an intake may hold it (it recorded the applicant it
    # registered) while it waits for a mark, so a pass holding marks must never wait for the
    # head. With the head taken, the marks are locked without waiting (skip_locked): this pass
    # waits for nothing else, and an intake holding a mark while it waits for the head has
    # its mark passed over.
    chain.lock_head()
    marks = list(expired.order_by("pk").select_for_update(skip_locked=True)[:BATCH])
    if not marks:
        return {"removed": 0, "released": 0}
    kept = referenced([m.name for m in marks])
    gone = [m for m in marks if m.name not in kept]
    HeldScan.objects.filter(pk__in=[m.pk for m in marks]).delete()
    # Inside the transaction: should a deletion fail, the marks stay and a later pass retries;
    # a file deleted whose mark survives a failed commit is only a mark without its file.
    for mark in gone:
        default_storage.delete(mark.name)
    record(
        "cases.sweep_held_scans",
        actor=None,
        subject=marks[0],
        summary=_("清除过期未用的窗口暂存扫描件{n}份").format(n=len(gone)),
        data={
            "removed": len(gone),
            "released": len(marks) - len(gone),
            "sha256": [m.sha256 for m in gone],
        },
    )
    return {"removed": len(gone), "released": len(marks) - len(gone)}
