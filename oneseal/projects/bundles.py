"""One application for several handling items (联办): a stage of a construction project or a
life event (一件事一次办). One form, one set of materials, one case per item opened in one
transaction through the ordinary intake (`cases.actions.receive`), and one conclusion when
every case is decided.

The form is the union of the items' forms: who applies and who files for them are asked once,
and a material several items need (the same name once normalised: 营业执照 in the food licence
and in the signboard permit) is one field, its file checked and stored once and attached to
every case that lists it. A licence already issued to the applicant (an earlier stage's
permit) can be named instead of a file: its signed document is attached, and the case's event
says it was reused. Bad input refuses all of it, every problem under its field (`material-<id>`
for a material, `item-<id>` for an item), and nothing is opened."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User, stored_user
from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import acts_for
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.cases.actions import intake
from oneseal.cases.actions.joint import record_joint_result
from oneseal.cases.models import Case, CaseEvent, Channel, Licence, State
from oneseal.cases.queries import published_parts
from oneseal.catalogue import rules as catalogue_rules
from oneseal.catalogue.models import HandlingItem, LifeEvent, Material
from oneseal.documents.models import Document, DocumentKind
from oneseal.errors import DomainError, NotPermitted, ValidationFailed, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role
from oneseal.regions.models import Region

from .models import Bundle, BundleCase

logger = logging.getLogger(__name__)

# The acts after which a case is decided for the bundle: a licence granted or denied, or the
# application ended before a decision (refused at intake, withdrawn, terminated).
DECIDED = {State.GRANTED, State.DENIED, State.DELIVERED, State.REFUSED, State.WITHDRAWN}
DECIDED |= {State.TERMINATED}
NOT_GRANTED = {State.DENIED, State.REFUSED, State.WITHDRAWN, State.TERMINATED}
DECIDING_ACTIONS = frozenset({"grant", "deny", "refuse", "withdraw", "terminate"})


@dataclass(frozen=True)
class Wanted:
    """A handling item the application opens a case for; `required` ones decide the outcome."""

    handling_item: HandlingItem
    required: bool = True


@dataclass
class MaterialGroup:
    """One line of the bundle's material list: a material as several items name it."""

    field: str
    name: str
    # dataclasses.field in full: `field` above names this class's own field.
    materials: list[Material] = dataclasses.field(default_factory=list)
    items: list[HandlingItem] = dataclasses.field(
        default_factory=list
    )  # each material's item, in step
    errors: list[str] = dataclasses.field(default_factory=list)  # set by a page shown again

    @property
    def item_names(self) -> list[str]:
        return [hi.name for hi in self.items]

    @property
    def required(self) -> bool:
        """A file is needed when any item requires it and cannot tolerate its absence."""
        return any(m.is_required and not m.is_tolerable for m in self.materials)

    @property
    def shared(self) -> bool:
        return len(self.materials) > 1


def material_key(name: str) -> str:
    """Two materials are the same when their names are, once full-width forms, spaces and
    brackets' shapes no longer differ."""
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(c for c in text if not c.isspace()).replace("(", "（").replace(")", "）")


def material_groups(
    items: Sequence[HandlingItem], applicant_kind: str | None, *, by_agent: bool = False
) -> list[MaterialGroup]:
    """The bundle's material list for an applicant of `applicant_kind` (None: every
    situation): what the applicant provides, each material once however many items need it,
    in the order the items first name them. The field is that of its first material."""
    groups: dict[str, MaterialGroup] = {}
    for hi in items:
        # The checklist the intake will copy into the case (read once per process for a
        # published version): the form lists exactly what each case will list.
        for m in published_parts(hi).materials:
            if m.source != Material.Source.APPLICANT:
                continue
            if applicant_kind is not None and not catalogue_rules.material_applies(
                m, applicant_kind=applicant_kind, by_agent=by_agent
            ):
                continue
            key = material_key(m.name)
            if key not in groups:
                groups[key] = MaterialGroup(field=intake.upload_field(m), name=m.name)
            groups[key].materials.append(m)
            groups[key].items.append(hi)
    return list(groups.values())


def reusable_licences(applicant: Applicant) -> list[Licence]:
    """The applicant's licences in force that carry a signed document to attach instead of a
    new file (an earlier stage's permit, a business licence issued here)."""
    return [
        licence
        for licence in Licence.objects.filter(
            holder=applicant, state=Licence.LicenceState.VALID
        ).select_related("case")
        if licence_document(licence) is not None
    ]


def licence_document(licence: Licence) -> Document | None:
    """The licence's signed document: the licence itself, or its grant decision."""
    return (
        Document.objects.filter(
            case_id=licence.case_id,
            state=Document.DocumentState.GENUINE,
            kind__in=[DocumentKind.LICENCE, DocumentKind.GRANT],
        )
        .order_by("kind", "-pk")  # "grant" < "licence": prefer the licence
        .last()
    )


def _region_of(items: Sequence[Wanted]) -> Region | None:
    regions = {w.handling_item.item_version.item.catalogue.region for w in items}
    return regions.pop() if len(regions) == 1 else None


def _item_key(key: str, hi: HandlingItem) -> str:
    """The idempotency key of one item's case, derived from the bundle's: a repeated
    submission finds every case again, and no two items' keys collide."""
    return "b-" + hashlib.sha256(f"{key}\x00{hi.pk}".encode()).hexdigest()[:40]


def _may_open(actor: User, *, channel: str, region: Region, applicant: Applicant) -> None:
    if channel == Channel.WINDOW and has_role(actor, Role.CLERK, region):
        return
    if channel == Channel.ONLINE and acts_for(actor, applicant):
        return
    raise NotPermitted()


def _reused_file(
    licence_id: Any, applicant: Applicant, group: MaterialGroup
) -> tuple[intake.StoredFile | None, str | None]:
    try:
        licence = Licence.objects.select_related("case").get(pk=int(licence_id))
    except (Licence.DoesNotExist, TypeError, ValueError):
        return None, _("所选证照不存在")
    if licence.holder_id != applicant.pk:
        return None, _("所选证照不属于申请人")
    if licence.state != Licence.LicenceState.VALID:
        return None, _("所选证照“{number}”不在有效状态").format(number=licence.number)
    document = licence_document(licence)
    if document is None:
        return None, _("证照“{number}”尚无已签发的电子文书，请上传材料").format(
            number=licence.number
        )
    return (
        intake.StoredFile(
            name=document.file.name,
            original_name=f"{licence.name}（{licence.number}）.pdf",
            content_type="application/pdf",
            size=document.size,
            sha256=document.sha256,
            reused={
                "licence": licence.number,
                "document": document.number,
                "material": group.name,
            },
        ),
        None,
    )


@transaction.atomic
def open_bundle(
    wanted: Sequence[Wanted],
    *,
    actor: User,
    applicant: Applicant,
    kind: str,
    channel: str = Channel.WINDOW,
    files: Mapping[str, File] | None = None,
    reuse: Mapping[str, Any] | None = None,
    idempotency_key: str = "",
    agent_name: str = "",
    agent_id_number: str = "",
    agent_phone: str = "",
    at: datetime.datetime | None = None,
    life_event: LifeEvent | None = None,
    answers: Mapping[str, Any] | None = None,
) -> Bundle:
    """Open one case per wanted item for `applicant`, all or none. `files` and `reuse` are
    keyed by the material groups' fields (`material_groups`): a file, or the id of the
    applicant's licence whose document stands for the material. An online application must
    bring every required material (a file or a reused licence); at the window the clerk checks
    the papers. The same idempotency key from the same applicant returns the bundle already
    opened."""
    files, reuse = dict(files or {}), dict(reuse or {})
    if not wanted:
        fail_fields({"items": [_("请至少选择一个办理事项")]})
    region = _region_of(wanted)
    if region is None:
        fail_fields({"items": [_("联办的办理事项应属于同一行政区划的事项目录")]})
    assert region is not None
    _may_open(actor, channel=channel, region=region, applicant=applicant)
    if idempotency_key:
        existing = Bundle.objects.filter(
            applicant=applicant, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    at = at or timezone.now()
    on = today(at)
    items = [w.handling_item for w in wanted]
    errors: dict[str, list[str]] = {}
    if len({hi.pk for hi in items}) != len(items):
        errors["items"] = [_("同一办理事项不能重复申请")]
    # Read once: `receive` is handed what was found here rather than reading it again.
    item_blockers = {hi.pk: intake.receive_blockers(hi, applicant, on) for hi in items}
    for hi in items:
        if item_blockers[hi.pk]:
            errors[f"item-{hi.pk}"] = [f"{hi.name}：{b}" for b in item_blockers[hi.pk]]
    by_agent = bool(agent_name or agent_id_number)
    groups = {g.field: g for g in material_groups(items, applicant.kind, by_agent=by_agent)}
    stored: dict[str, intake.StoredFile] = {}
    for name in sorted(set(files) | set(reuse)):
        if name not in groups:
            errors[name] = [_("该材料不在本次申请的材料清单中")]
    for name, group in groups.items():
        upload, licence_id = files.get(name), reuse.get(name)
        if upload is not None and licence_id not in (None, ""):
            errors[name] = [_("“{m}”请上传文件或选择已有证照，二者选一").format(m=group.name)]
        elif licence_id not in (None, ""):
            reused, problem = _reused_file(licence_id, applicant, group)
            if problem:
                errors[name] = [_("“{m}”：{problem}").format(m=group.name, problem=problem)]
            else:
                assert reused is not None
                stored[name] = reused
        elif upload is not None:
            try:
                intake.check_upload(upload)
            except ValidationFailed as exc:
                errors[name] = [
                    _("“{m}”：{problem}").format(m=group.name, problem=p)
                    for msgs in exc.fields.values()
                    for p in msgs
                ]
        elif channel == Channel.ONLINE and group.required:
            errors[name] = [
                _("请上传“{m}”（{items}共用）").format(
                    m=group.name, items="、".join(group.item_names)
                )
                if group.shared
                else _("请上传“{m}”").format(m=group.name)
            ]
    fail_fields(
        errors, message=_("申请未通过校验，所有事项均未受理，请逐项修改") if errors else None
    )
    # Every file is stored once, after the whole application was found good.
    for name, upload in files.items():
        if upload is not None:
            stored[name] = intake.store_once(upload)
    bundle = Bundle(
        kind=kind,
        applicant=applicant,
        life_event=life_event,
        region=region,
        region_code=region.code,
        channel=channel,
        idempotency_key=idempotency_key,
        received_at=at,
        received_on=on,
        form={
            "applicant": applicant.name,
            "agent_name": agent_name.strip(),
            "agent_phone": agent_phone.strip(),
        },
        answers=dict(answers or {}),
        materials=[
            {
                "field": name,
                "name": group.name,
                "items": group.item_names,
                "sha256": stored[name].sha256 if name in stored else None,
                "reused": stored[name].reused if name in stored else {},
            }
            for name, group in groups.items()
        ],
        created_by=stored_user(actor) if actor is not None and getattr(actor, "pk", None) else None,
    )
    if idempotency_key:
        try:
            with transaction.atomic():
                bundle.save()
        except IntegrityError:
            # The same submission raced us and won: hand back its bundle.
            return Bundle.objects.get(applicant=applicant, idempotency_key=idempotency_key)
    else:
        bundle.save()
    members = []
    for order, w in enumerate(wanted, 1):
        hi = w.handling_item
        own = {
            m.pk: stored[g.field]
            for g in groups.values()
            if g.field in stored
            for m in g.materials
            if m.handling_item_id == hi.pk
        }
        try:
            case = intake.receive(
                hi,
                actor=actor,
                applicant=applicant,
                channel=channel,
                idempotency_key=_item_key(idempotency_key, hi) if idempotency_key else "",
                agent_name=agent_name,
                agent_id_number=agent_id_number,
                agent_phone=agent_phone,
                at=at,
                uploads=own,
                known_blockers=item_blockers[hi.pk],
            )
        except DomainError as exc:
            # Checked above; what the intake still refuses refuses everything, under the item.
            fields = exc.fields or {"item": [str(exc.message)]}
            errors[f"item-{hi.pk}"] = [f"{hi.name}：{m}" for msgs in fields.values() for m in msgs]
            continue
        members.append(BundleCase(bundle=bundle, case=case, required=w.required, order=order))
    if errors:
        # Raised inside this transaction: the cases opened so far go with it.
        fail_fields(errors, message=_("申请未通过校验，所有事项均未受理，请逐项修改"))
    BundleCase.objects.bulk_create(members)
    record(
        "projects.open_bundle",
        actor=actor,
        subject=bundle,
        region_code=region.code,
        summary=_("{kind}：{applicant}，{n}个办理事项").format(
            kind=bundle.get_kind_display(), applicant=applicant.name, n=len(members)
        ),
        data={
            "cases": [m.case.number for m in members],
            "shared": [n for n, g in groups.items() if g.shared and n in stored],
            "reused": [s.reused["licence"] for s in stored.values() if s.reused],
        },
    )
    bundle.new_cases = [m.case for m in members]  # type: ignore[attr-defined]
    return bundle


# --- one conclusion ------------------------------------------------------------------------


def _reason_of(case: Case) -> str:
    event = case.events.filter(action__in=DECIDING_ACTIONS - {"grant"}).order_by("-seq").first()
    reason = (event.reason if event else "") or str(case.get_state_display())
    return f"{case.handling_item.name}：{reason}"


def _results(members: list[BundleCase]) -> list[str]:
    """Each case's decision as the joint notice lists it: the item, the decision, and the
    licence's number when one was granted."""
    licences = dict(
        Licence.objects.filter(case__in=[m.case for m in members]).values_list("case_id", "number")
    )
    out = []
    for m in members:
        case = m.case
        line = f"{case.handling_item.name}（{case.number}）：{case.get_state_display()}"
        if case.pk in licences:
            line += _("，证照编号{number}").format(number=licences[case.pk])
        out.append(line)
    return out


def _title(bundle: Bundle) -> str:
    if bundle.life_event is not None:  # no query when there is none
        return bundle.life_event.name
    stage = getattr(bundle, "stage", None)
    if stage is not None:
        return f"{stage.project.name}：{stage.get_stage_display()}"
    return str(bundle.get_kind_display())


def conclude(
    bundle: Bundle, *, on: datetime.date, actor: Actor | None, last: Case | None = None
) -> Bundle | None:
    """When every case is decided the bundle's results are delivered together: it concludes
    complete, or ended when a required item was not granted (its reasons kept). A required
    item's denial ends it at once, whatever the other cases still wait for. Returns None when
    there is nothing to conclude yet."""
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    if bundle.concluded_on is not None:
        return None
    members = list(bundle.members.select_related("case__handling_item").order_by("order", "id"))
    failed = [m.case for m in members if m.required and m.case.state in NOT_GRANTED]
    every_decided = all(m.case.state in DECIDED for m in members)
    if not failed and not every_decided:
        return None
    bundle.concluded_on = on
    bundle.outcome = Bundle.Outcome.ENDED if failed else Bundle.Outcome.COMPLETE
    bundle.reasons = [_reason_of(case) for case in failed]
    bundle.save(update_fields=["concluded_on", "outcome", "reasons"])
    # The one written notice of the results, on the case whose decision concluded the bundle.
    carrier = last or members[-1].case
    record_joint_result(
        carrier,
        on=on,
        title=_title(bundle),
        received_on=bundle.received_on,
        results=_results(members),
        outcome=str(bundle.get_outcome_display()),
        reasons=bundle.reasons,
        decided_by=actor,
    )
    record(
        "projects.conclude_bundle",
        actor=actor,
        subject=bundle,
        region_code=bundle.region_code,
        summary=_("{kind}#{pk}：{outcome}").format(
            kind=bundle.get_kind_display(), pk=bundle.pk, outcome=bundle.get_outcome_display()
        ),
        data={
            "cases": {m.case.number: m.case.state for m in members},
            "reasons": bundle.reasons,
        },
    )
    return bundle


def case_decided(case: Case, event: CaseEvent, actor: Actor | None) -> None:
    """Registered with `cases.notices` (ProjectsConfig.ready): the act that decides a case of
    a bundle — a grant or denial at the workbench, through the API or by the worker — is the
    act that concludes the bundle when it was the last. Runs in the act's transaction after
    the act's own notices, in a savepoint: a refusal of the conclusion (a DomainError, such as
    a joint notice that cannot be recorded) leaves the decision standing and the bundle open on
    the lead section's desk; anything else is a fault and fails the act like any other fault."""
    if event.action not in DECIDING_ACTIONS:
        return
    member = BundleCase.objects.filter(case_id=case.pk).select_related("bundle").first()
    if member is None or member.bundle.concluded_on is not None:
        return
    try:
        with transaction.atomic():
            conclude(member.bundle, on=event.on, actor=actor, last=case)
    except DomainError:  # the decision stands; the lead section's desk shows the open bundle
        logger.exception("concluding bundle %s after case %s failed", member.bundle_id, case.pk)
