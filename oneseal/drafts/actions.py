"""Saving an online application as it is filled in (保存草稿), resuming, submitting it as a
case, deleting it, and the worker's removal of drafts left alone for 30 days.

Only the draft's owner acts on it, and only while the account still acts for the draft's
applicant (`applicants.queries.acts_for`): an authorisation renounced since leaves the draft
closed to it. Every write locks the draft's row, so two devices saving at once are applied
one after the other: a field takes the later value, files of different materials both stay.
Files are checked exactly as a case's (`cases.actions.intake.check_upload`) and, on
submission, handed to the case as they are stored (`StoredFile`), never uploaded again."""

import datetime

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from oneseal.actors import User, acts_as_system
from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import acts_for, represented
from oneseal.audit.actions import record
from oneseal.calendars.queries import today as business_today
from oneseal.cases.actions import online_uploads
from oneseal.cases.actions.intake import StoredFile, check_upload, receive_blockers
from oneseal.cases.models import Case
from oneseal.catalogue.models import HandlingItem, Material, OnlineDepth
from oneseal.errors import NotPermitted, ValidationFailed, fail_blockers, fail_fields
from oneseal.notifications.actions import notify
from oneseal.reuse import actions as reuse_actions

from . import rules
from .models import Draft, DraftUpload


def submission_key(pk: int) -> str:
    """The idempotency key of the case a draft opens: a second submission of the same draft
    (a double click, two devices, a retry after the draft is gone) finds that case."""
    return f"draft-{pk}"


def start_blockers(handling_item: HandlingItem, applicant: Applicant, on: datetime.date) -> list:
    """Why this application cannot be saved as a draft today: the guide does not offer online
    submission, its version is not in force, or it does not serve this kind of applicant."""
    out = []
    if handling_item.online_depth < OnlineDepth.SUBMISSION:
        out.append(_("该办理项目前不能网上申请"))
    return out + receive_blockers(handling_item, applicant, on)


def _require_owner(draft: Draft, actor: "User") -> None:
    if draft.owner_id != getattr(actor, "pk", None) or not acts_for(actor, draft.applicant):
        raise NotPermitted()


def _locked(draft: Draft | int, actor: "User") -> Draft:
    pk = draft.pk if isinstance(draft, Draft) else int(draft)
    found = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("applicant", "handling_item__item_version__item__catalogue")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotPermitted(_("草稿不存在或已提交"))
    _require_owner(found, actor)
    return found


def _touch(draft: Draft, at: datetime.datetime) -> None:
    # A change restarts the 30 days, so an earlier warning no longer holds.
    draft.changed_at, draft.warned_at = at, None
    draft.save(update_fields=["fields", "changed_at", "warned_at"])


def _forget_files(names: list[str]) -> None:
    """Remove stored files once the transaction that dropped their rows has committed (a
    rolled-back removal keeps them)."""

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(remove)


@transaction.atomic
def start_draft(
    handling_item: HandlingItem,
    *,
    actor: "User",
    applicant: Applicant,
    at: datetime.datetime | None = None,
) -> Draft:
    """Open a draft of an online application for an applicant the account acts for."""
    if not acts_for(actor, applicant):
        raise NotPermitted()
    at = at or timezone.now()
    fail_blockers(
        start_blockers(handling_item, applicant, business_today(at)),
        field="handling_item",
        error=ValidationFailed,
    )
    draft = Draft.objects.create(
        owner_id=actor.pk,
        applicant=applicant,
        handling_item=handling_item,
        fields={},
        created_at=at,
        changed_at=at,
    )
    record(
        "drafts.start",
        actor=actor,
        subject=draft,
        region_code=handling_item.item_version.item.catalogue.region.code,
        summary=handling_item.name,
    )
    return draft


@transaction.atomic
def save_fields(
    draft: Draft | int, *, actor: "User", fields: dict, at: datetime.datetime | None = None
) -> Draft:
    """Save the form's values (`rules.FIELDS`) that `fields` carries; the others keep theirs.
    A value that is not valid is refused under its field and nothing of the call is saved.
    Saving the same values again changes nothing (an autosave with nothing new)."""
    locked = _locked(draft, actor)
    cleaned, errors = rules.clean_fields(fields)
    fail_fields(errors)
    merged = {**locked.fields, **cleaned}
    if merged == locked.fields:
        return locked
    locked.fields = merged
    _touch(locked, at or timezone.now())
    record("drafts.save", actor=actor, subject=locked, data={"fields": sorted(cleaned)})
    return locked


@transaction.atomic
def add_upload(
    draft: Draft | int,
    material: Material | int,
    *,
    actor: "User",
    upload: File,
    at: datetime.datetime | None = None,
) -> DraftUpload:
    """Store a file for one material of the draft, checked as a case's file is (size, kind by
    content, SHA-256). A file of a material that already has one replaces it; the other
    materials' files stay. Refused under the material's field (`material-<id>`)."""
    locked = _locked(draft, actor)
    material_id = material.pk if isinstance(material, Material) else int(material)
    wanted = {m.pk: m for m in online_uploads(locked.handling_item, locked.applicant)}
    field = f"material-{material_id}"
    if material_id not in wanted:
        raise ValidationFailed(fields={field: [_("该材料无需网上上传")]})
    material = wanted[material_id]
    try:
        sniffed = check_upload(upload)
    except ValidationFailed as exc:
        problems = [str(m) for msgs in exc.fields.values() for m in msgs] or [str(exc.message)]
        raise ValidationFailed(
            problems[0],
            fields={
                field: [_("“{m}”：{problem}").format(m=material.name, problem=p) for p in problems]
            },
        ) from exc
    at = at or timezone.now()
    previous = DraftUpload.objects.filter(draft=locked, material_id=material_id).first()
    if previous is not None:
        _forget_files([previous.file.name])
        previous.delete()
    row = DraftUpload(
        draft=locked,
        material=material,
        original_name=str(upload.name)[:255],
        content_type=sniffed.content_type,
        size=upload.size,
        sha256=sniffed.sha256,
        uploaded_at=at,
    )
    # Stored before the row, so there is never a row without its file.
    row.file.save(f"{sniffed.sha256[:16]}.{sniffed.suffix}", upload, save=False)
    row.save()
    _touch(locked, at)
    record(
        "drafts.add_upload",
        actor=actor,
        subject=locked,
        summary=material.name,
        data={"material": material.pk, "name": row.original_name, "sha256": row.sha256},
    )
    return row


@transaction.atomic
def remove_upload(
    upload: DraftUpload | int, *, actor: "User", at: datetime.datetime | None = None
) -> Draft:
    """Take a file off the draft; it is deleted from storage when this commits."""
    pk = upload.pk if isinstance(upload, DraftUpload) else int(upload)
    draft_id = DraftUpload.objects.filter(pk=pk).values_list("draft_id", flat=True).first()
    if draft_id is None:
        raise NotPermitted(_("文件不存在或已删除"))
    locked = _locked(draft_id, actor)
    row = DraftUpload.objects.filter(pk=pk, draft=locked).select_related("material").first()
    if row is None:  # removed by the other device while we waited for the lock
        return locked
    _forget_files([row.file.name])
    row.delete()
    _touch(locked, at or timezone.now())
    record(
        "drafts.remove_upload",
        actor=actor,
        subject=locked,
        summary=row.material.name,
        data={"material": row.material_id, "sha256": row.sha256},
    )
    return locked


def submitted_case(actor: "User", pk: int) -> Case | None:
    """The case a draft already submitted opened, for an account acting for its applicant."""
    return (
        Case.objects.filter(idempotency_key=submission_key(pk), applicant__in=represented(actor))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def submit(
    draft: Draft | int,
    *,
    actor: "User",
    picks: dict[int, str] | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Submit the draft as an online application (`reuse.actions.apply_online`): the same
    checks, the draft's files become the case's files as stored, and the draft is gone. A
    refusal (a required file missing, a licence not the applicant's …) keeps the draft as it
    was. A second submission of the same draft returns the case the first opened. `picks`
    (material id → an offered document, 免证办) stand for those materials: a file the draft
    holds for a picked material is left out, the pick being the applicant's later choice."""
    picks = {pk: choice for pk, choice in (picks or {}).items() if choice}
    pk = draft.pk if isinstance(draft, Draft) else int(draft)
    if not Draft.objects.filter(pk=pk).exists():
        existing = submitted_case(actor, pk)
        if existing is not None:
            return existing
    try:
        locked = _locked(pk, actor)
    except NotPermitted:
        # The other submission held the lock and won: hand back its case.
        existing = submitted_case(actor, pk)
        if existing is not None:
            return existing
        raise
    rows = list(locked.uploads.select_related("material"))
    files: dict[int, object] = {
        row.material_id: StoredFile(
            name=row.file.name,
            original_name=row.original_name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
        )
        for row in rows
        if row.material_id not in picks
    }
    case = reuse_actions.apply_online(
        locked.handling_item,
        actor=actor,
        applicant=locked.applicant,
        files=files,
        picks=picks,
        idempotency_key=submission_key(pk),
        target_licence=locked.fields.get("licence"),
        at=at,
    )
    record(
        "drafts.submit",
        actor=actor,
        subject=locked,
        region_code=case.region_code,
        summary=case.number,
        data={"case": case.pk, "files": len(rows)},
    )
    # The files now belong to the case's uploads: the rows go, the stored files stay.
    locked.uploads.all().delete()
    locked.delete()
    return case


@transaction.atomic
def delete_draft(draft: Draft | int, *, actor: "User") -> None:
    """The owner discards the draft; its files are deleted with it."""
    locked = _locked(draft, actor)
    _purge(locked, action="drafts.delete", actor=actor)


def _purge(draft: Draft, *, action: str, actor: "User | None") -> None:
    names = list(draft.uploads.values_list("file", flat=True))
    record(
        action,
        actor=actor,
        subject=draft,
        summary=draft.handling_item.name,
        data={"files": len(names), "changed_at": draft.changed_at.isoformat()},
    )
    draft.uploads.all().delete()
    draft.delete()
    _forget_files(names)


def warn_owner(draft: Draft, *, at: datetime.datetime | None = None) -> Draft:
    """Tell the owner the draft will be removed (3 days ahead) and record that it was told:
    the draft's page and 我的办件 show it from then on, and the removal waits for it. The
    message box (notifications) is called from here, so every warning goes through it."""
    draft.warned_at = at or timezone.now()
    draft.save(update_fields=["warned_at"])
    removal = rules.removal_day(business_today(draft.changed_at), business_today(draft.warned_at))
    record(
        "drafts.warn",
        actor=None,
        subject=draft,
        summary=draft.handling_item.name,
        data={"owner": draft.owner_id, "removal_day": removal.isoformat()},
    )
    with translation.override(settings.LANGUAGE_CODE):
        link = reverse("drafts:draft", args=[draft.pk])
    notify(
        user=draft.owner,
        kind="draft",
        title=_("草稿即将删除"),
        body=_(
            "您的“%(item)s”申请草稿长期未修改，将于%(day)s连同已上传的材料一并删除；如需保留，请打开草稿继续填写。"
        )
        % {"item": draft.handling_item.name, "day": formats.date_format(removal, "DATE_FORMAT")},
        link=link,
    )
    return draft


def _day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a business date in the bureau's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_default_timezone())


def expire_drafts(
    today: datetime.date, *, actor: "User | None" = None, system: bool = False
) -> dict[str, int]:
    """The worker's retention: warn the owners of drafts 27 days unchanged, and remove with
    their files the drafts 30 days unchanged whose owner was told at least 3 days ago. Each
    draft in its own transaction, locked and read again, so a save made meanwhile keeps it."""
    acts_as_system(actor, system=system)
    if actor is not None:
        raise NotPermitted()
    warned = removed = 0
    # The moment the warnings are recorded at: now, or midday of the day the worker was told
    # to run as (`oneseal worker --today`), so the 3 days are counted from that day.
    moment = (
        timezone.now()
        if today == business_today()
        else _day_start(today) + datetime.timedelta(hours=12)
    )
    warn_before = _day_start(rules.last_changed_day_to_warn(today) + datetime.timedelta(days=1))
    remove_before = _day_start(rules.last_changed_day_to_remove(today) + datetime.timedelta(days=1))
    told_before = _day_start(rules.last_warned_day_to_remove(today) + datetime.timedelta(days=1))
    for pk in Draft.objects.filter(changed_at__lt=warn_before, warned_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            draft = (
                Draft.objects.select_for_update(of=("self",))
                .select_related("handling_item")
                .filter(pk=pk, changed_at__lt=warn_before, warned_at__isnull=True)
                .first()
            )
            if draft is not None:
                warn_owner(draft, at=moment)
                warned += 1
    for pk in Draft.objects.filter(
        changed_at__lt=remove_before, warned_at__lt=told_before
    ).values_list("pk", flat=True):
        with transaction.atomic():
            draft = (
                Draft.objects.select_for_update(of=("self",))
                .select_related("handling_item")
                .filter(pk=pk, changed_at__lt=remove_before, warned_at__lt=told_before)
                .first()
            )
            if draft is not None:
                _purge(draft, action="drafts.expire", actor=None)
                removed += 1
    return {"warned": warned, "removed": removed}
