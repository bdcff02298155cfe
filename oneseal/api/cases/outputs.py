"""The case as the API answers with it: the bureau's full record for staff who see it as
staff, the applicant's view (what their portal page shows) for everyone else."""

import functools
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from oneseal.applicants.models import Applicant
from oneseal.cases import texts as case_texts
from oneseal.cases.clocks import Clocks
from oneseal.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    Commitment,
    CommitmentVerification,
    Licence,
    RevocationProposal,
    State,
    Upload,
)
from oneseal.cases.queries import correction_notice, staff_sees
from oneseal.catalogue.models import HandlingItem
from oneseal.documents.models import Document
from oneseal.documents.queries import documents_for

# --- Output serializers -------------------------------------------------------------------
#
# Each output serializer renders by hand (`render`): DRF's generic rendering builds every
# field object again for every response, which was most of an action's Python time. The
# declared fields remain the schema, and `generic_representation` (DRF's own rendering of
# the same fields) is what the tests compare every `render` with, so the two cannot drift.


def _str(value):
    return None if value is None else str(value)


def _display(obj: Model, name: str) -> str | None:
    """`obj.get_<name>_display()` as text: the label of the field's stored value (the value
    itself when it has none). Django's get_FOO_display builds a dict of every choice on each
    call, hashing, and so translating, each lazy label; the answers render several per
    request (the intake hot path, #15), so the choices are read into a dict once per field
    and only the one label asked for is translated."""
    field = obj._meta.get_field(name)
    return _str(_labels(field).get(getattr(obj, field.attname), getattr(obj, field.attname)))


@functools.cache
def _labels(field: Field) -> dict[Any, Any]:
    return dict(field.flatchoices)


def _int(value):
    return None if value is None else int(value)


def _bool(value):
    return None if value is None else bool(value)


def _date(value):
    return None if value is None else value.isoformat()


def _datetime(value):
    """As DRF's DateTimeField: in the current time zone, ISO 8601, UTC written as Z."""
    if not value:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _related(instance, name):
    """A reverse one-to-one that may be absent, as DRF reads it: None when there is none."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


class HandRendered:
    def to_representation(self, instance):
        return self.render(instance)

    def generic_representation(self, instance):
        return super().to_representation(instance)


class ApplicantSerializer(HandRendered, serializers.ModelSerializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    number = serializers.CharField(help_text=_l("居民身份证号码或统一社会信用代码"))

    class Meta:
        model = Applicant
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "number",
            "representative",
            "phone",
            "email",
            "address",
        ]
        read_only_fields = fields

    @staticmethod
    def render(a: Applicant) -> dict:
        return {
            "id": a.pk,
            "kind": _str(a.kind),
            "kind_display": _display(a, "kind"),
            "name": _str(a.name),
            "number": _str(a.number),
            "representative": _str(a.representative),
            "phone": _str(a.phone),
            "email": _str(a.email),
            "address": _str(a.address),
        }


class ApplicantRefSerializer(HandRendered, serializers.ModelSerializer):
    number = serializers.CharField()

    class Meta:
        model = Applicant
        fields = ["id", "name", "number"]
        read_only_fields = fields

    @staticmethod
    def render(a: Applicant) -> dict:
        return {"id": a.pk, "name": _str(a.name), "number": _str(a.number)}


class CaseHandlingItemSerializer(HandRendered, serializers.ModelSerializer):
    item_id = serializers.IntegerField(source="item_version.item_id")
    version_id = serializers.IntegerField(source="item_version_id")
    version_number = serializers.IntegerField(
        source="item_version.number", help_text=_l("办件所依据的事项版本号")
    )
    item_name = serializers.CharField(source="item_version.name")

    class Meta:
        model = HandlingItem
        fields = ["id", "code", "name", "item_id", "item_name", "version_id", "version_number"]
        read_only_fields = fields

    @staticmethod
    def render(hi: HandlingItem) -> dict:
        version = hi.item_version
        return {
            "id": hi.pk,
            "code": _str(hi.code),
            "name": _str(hi.name),
            "item_id": _int(version.item_id),
            "item_name": _str(version.name),
            "version_id": _int(hi.item_version_id),
            "version_number": _int(version.number),
        }


class ClocksSerializer(HandRendered, serializers.Serializer):
    acceptance_due = serializers.DateField(help_text=_l("受理期限（收件后5个工作日）"))
    acceptance_due_provisional = serializers.BooleanField()
    accepted_on = serializers.DateField(allow_null=True)
    deemed_accepted = serializers.BooleanField(help_text=_l("逾期未作决定，依法视为受理"))
    promised_due = serializers.DateField(allow_null=True, help_text=_l("承诺办结日期"))
    statutory_due = serializers.DateField(allow_null=True, help_text=_l("法定办结日期"))
    promised_due_provisional = serializers.BooleanField(
        help_text=_l(
            "承诺办结日期暂定：其计算涉及尚未公布放假安排的年份，已按法定节假日计算，"
            "调休安排公布后可能变化"
        )
    )
    statutory_due_provisional = serializers.BooleanField(
        help_text=_l(
            "法定办结日期暂定：其计算涉及尚未公布放假安排的年份，已按法定节假日计算，"
            "调休安排公布后可能变化"
        )
    )
    due_provisional = serializers.BooleanField(
        help_text=_l(
            "承诺办结日期或法定办结日期暂定（二者之一即为真）；"
            "逐个日期的标注见 promised_due_provisional、statutory_due_provisional"
        )
    )
    running = serializers.BooleanField(help_text=_l("办结时限正在计算（已受理且未中止、未决定）"))
    promised_remaining = serializers.IntegerField(
        allow_null=True, help_text=_l("承诺时限剩余工作日；负数为已超期")
    )
    statutory_remaining = serializers.IntegerField(
        allow_null=True, help_text=_l("法定时限剩余工作日；负数为已超期")
    )
    warning = serializers.CharField(help_text=_l("预警：空、yellow、red 或 statutory"))
    warning_display = serializers.CharField()

    @staticmethod
    def render(c: Clocks) -> dict:
        return {
            "acceptance_due": _date(c.acceptance_due),
            "acceptance_due_provisional": _bool(c.acceptance_due_provisional),
            "accepted_on": _date(c.accepted_on),
            "deemed_accepted": _bool(c.deemed_accepted),
            "promised_due": _date(c.promised_due),
            "statutory_due": _date(c.statutory_due),
            "promised_due_provisional": _bool(c.promised_due_provisional),
            "statutory_due_provisional": _bool(c.statutory_due_provisional),
            "due_provisional": _bool(c.due_provisional),
            "running": _bool(c.running),
            "promised_remaining": _int(c.promised_remaining),
            "statutory_remaining": _int(c.statutory_remaining),
            "warning": _str(c.warning),
            "warning_display": _str(c.warning_display),
        }


class UploadSerializer(HandRendered, serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = Upload
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields

    @staticmethod
    def render(u: Upload) -> dict:
        return {
            "id": u.pk,
            "name": _str(u.original_name),
            "content_type": _str(u.content_type),
            "size": _int(u.size),
            "sha256": _str(u.sha256),
            "uploaded_at": _datetime(u.uploaded_at),
        }


class CaseMaterialSerializer(HandRendered, serializers.ModelSerializer):
    material_id = serializers.IntegerField()
    name = serializers.CharField(source="material.name")
    is_required = serializers.BooleanField(source="material.is_required")
    is_core = serializers.BooleanField(source="material.is_core")
    is_tolerable = serializers.BooleanField(source="material.is_tolerable")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    uploads = UploadSerializer(many=True)

    class Meta:
        model = CaseMaterial
        fields = [
            "id",
            "material_id",
            "name",
            "is_required",
            "is_core",
            "is_tolerable",
            "status",
            "status_display",
            "note",
            "promised_by",
            "supplied_on",
            "uploads",
        ]
        read_only_fields = fields

    @staticmethod
    def render(line: CaseMaterial) -> dict:
        m = line.material
        return {
            "id": line.pk,
            "material_id": _int(line.material_id),
            "name": _str(m.name),
            "is_required": _bool(m.is_required),
            "is_core": _bool(m.is_core),
            "is_tolerable": _bool(m.is_tolerable),
            "status": _str(line.status),
            "status_display": _display(line, "status"),
            "note": _str(line.note),
            "promised_by": _date(line.promised_by),
            "supplied_on": _date(line.supplied_on),
            "uploads": [UploadSerializer.render(u) for u in line.uploads.all()],
        }


class CaseStepSerializer(HandRendered, serializers.ModelSerializer):
    review_step_id = serializers.IntegerField()
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    section = serializers.StringRelatedField()
    assignee_id = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    outcome = serializers.CharField()

    class Meta:
        model = CaseStep
        fields = [
            "order",
            "review_step_id",
            "name",
            "role",
            "role_display",
            "section",
            "assignee_id",
            "state",
            "state_display",
            "done_on",
            "outcome",
            "opinion",
        ]
        read_only_fields = fields

    @staticmethod
    def render(step: CaseStep) -> dict:
        return {
            "order": _int(step.order),
            "review_step_id": _int(step.review_step_id),
            "name": _str(step.name),
            "role": _str(step.role),
            "role_display": _display(step, "role"),
            "section": _str(step.section) if step.section_id is not None else None,
            "assignee_id": _int(step.assignee_id),
            "state": _str(step.state),
            "state_display": _display(step, "state"),
            "done_on": _date(step.done_on),
            "outcome": _str(step.outcome),
            "opinion": _str(step.opinion),
        }


class LicenceSerializer(HandRendered, serializers.ModelSerializer):
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Licence
        fields = [
            "number",
            "name",
            "state",
            "state_display",
            "scope",
            "valid_from",
            "valid_until",
            "issued_on",
        ]
        read_only_fields = fields

    @staticmethod
    def render(licence: Licence) -> dict:
        return {
            "number": _str(licence.number),
            "name": _str(licence.name),
            "state": _str(licence.state),
            "state_display": _display(licence, "state"),
            "scope": _str(licence.scope),
            "valid_from": _date(licence.valid_from),
            "valid_until": _date(licence.valid_until),
            "issued_on": _date(licence.issued_on),
        }


class CommitmentSerializer(HandRendered, serializers.ModelSerializer):
    class Meta:
        model = Commitment
        fields = ["text", "signed_on", "recorded_on"]
        read_only_fields = fields

    @staticmethod
    def render(c: Commitment) -> dict:
        return {
            "text": _str(c.text),
            "signed_on": _date(c.signed_on),
            "recorded_on": _date(c.recorded_on),
        }


class CommitmentVerificationSerializer(HandRendered, serializers.ModelSerializer):
    state = serializers.CharField(
        help_text=_l("open（待核查）、confirmed（承诺属实）或 false_commitment（虚假承诺）")
    )
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = CommitmentVerification
        fields = [
            "state",
            "state_display",
            "decided_on",
            "days",
            "due_on",
            "due_provisional",
            "verified_on",
            "findings",
            "overdue_noticed_on",
        ]
        read_only_fields = fields

    @staticmethod
    def render(v: CommitmentVerification) -> dict:
        return {
            "state": _str(v.state),
            "state_display": _display(v, "state"),
            "decided_on": _date(v.decided_on),
            "days": _int(v.days),
            "due_on": _date(v.due_on),
            "due_provisional": _bool(v.due_provisional),
            "verified_on": _date(v.verified_on),
            "findings": _str(v.findings),
            "overdue_noticed_on": _date(v.overdue_noticed_on),
        }


class CaseEventSerializer(HandRendered, serializers.ModelSerializer):
    data = serializers.DictField(help_text=_l("该操作记录的数据（期限、依据、材料等）"))

    class Meta:
        model = CaseEvent
        fields = [
            "seq",
            "at",
            "on",
            "actor_name",
            "action",
            "from_state",
            "to_state",
            "reason",
            "notice_due",
            "data",
        ]
        read_only_fields = fields

    @staticmethod
    def render(e: CaseEvent) -> dict:
        return {
            "seq": _int(e.seq),
            "at": _datetime(e.at),
            "on": _date(e.on),
            "actor_name": _str(e.actor_name),
            "action": _str(e.action),
            "from_state": _str(e.from_state),
            "to_state": _str(e.to_state),
            "reason": _str(e.reason),
            "notice_due": _str(e.notice_due),
            "data": None if e.data is None else {str(k): v for k, v in e.data.items()},
        }


class CaseRowSerializer(HandRendered, serializers.ModelSerializer):
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    channel = serializers.CharField()
    applicant = ApplicantRefSerializer()
    handling_item = CaseHandlingItemSerializer()
    clocks = ClocksSerializer()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "state",
            "state_display",
            "channel",
            "applicant",
            "handling_item",
            "received_at",
            "received_on",
            "clocks",
            "lock_version",
        ]
        read_only_fields = fields

    @staticmethod
    def render(case: Case) -> dict:
        return {
            "id": case.pk,
            "number": _str(case.number),
            "state": _str(case.state),
            "state_display": _display(case, "state"),
            "channel": _str(case.channel),
            "applicant": ApplicantRefSerializer.render(case.applicant),
            "handling_item": CaseHandlingItemSerializer.render(case.handling_item),
            "received_at": _datetime(case.received_at),
            "received_on": _date(case.received_on),
            "clocks": ClocksSerializer.render(case.clocks),
            "lock_version": _int(case.lock_version),
        }


def _maybe(render, value):
    return None if value is None else render(value)


class CaseDetailSerializer(CaseRowSerializer):
    applicant = ApplicantSerializer()
    bureau = serializers.StringRelatedField()
    materials = CaseMaterialSerializer(many=True)
    steps = CaseStepSerializer(source="review_steps", many=True)
    licence = LicenceSerializer(allow_null=True)
    target_licence = LicenceSerializer(
        allow_null=True, help_text=_l("变更、延续、注销、补证所涉及的证照")
    )
    commitment = CommitmentSerializer(
        allow_null=True, help_text=_l("告知承诺书（告知承诺制办理项）")
    )
    commitment_verification = CommitmentVerificationSerializer(
        allow_null=True, help_text=_l("准予许可后的告知承诺核查：状态与核查截止日期")
    )
    events = CaseEventSerializer(many=True)

    class Meta(CaseRowSerializer.Meta):
        fields = [
            *CaseRowSerializer.Meta.fields,
            "query_code",
            "region_code",
            "bureau",
            "agent_name",
            "agent_id_number",
            "agent_phone",
            "materials_arrived_on",
            "suspended_on",
            "extended",
            "decided_on",
            "delivery_due",
            "closed_on",
            "materials",
            "steps",
            "licence",
            "target_licence",
            "commitment",
            "commitment_verification",
            "events",
        ]
        read_only_fields = fields

    @staticmethod
    def render(case: Case) -> dict:
        out = CaseRowSerializer.render(case)
        out["applicant"] = ApplicantSerializer.render(case.applicant)
        out.update(
            {
                "query_code": _str(case.query_code),
                "region_code": _str(case.region_code),
                "bureau": _str(case.bureau),
                "agent_name": _str(case.agent_name),
                "agent_id_number": _str(case.agent_id_number),
                "agent_phone": _str(case.agent_phone),
                "materials_arrived_on": _date(case.materials_arrived_on),
                "suspended_on": _date(case.suspended_on),
                "extended": _bool(case.extended),
                "decided_on": _date(case.decided_on),
                "delivery_due": _date(case.delivery_due),
                "closed_on": _date(case.closed_on),
                "materials": [CaseMaterialSerializer.render(line) for line in case.materials.all()],
                "steps": [CaseStepSerializer.render(step) for step in case.review_steps],
                "licence": _maybe(LicenceSerializer.render, _related(case, "licence")),
                "target_licence": _maybe(LicenceSerializer.render, case.target_licence),
                "commitment": _maybe(CommitmentSerializer.render, _related(case, "commitment")),
                "commitment_verification": _maybe(
                    CommitmentVerificationSerializer.render,
                    _related(case, "commitment_verification"),
                ),
                "events": [CaseEventSerializer.render(event) for event in case.events.all()],
            }
        )
        return out


# --- The applicant's view of a case --------------------------------------------------------
#
# An applicant reads through the API what their portal case page shows (portal/views_cases.py,
# my_case.html) and no more: state and clocks, the events in plain words (cases.texts), the
# materials with their status and files, the correction notice, the documents. No staff names,
# no review steps or opinions, no event data, no agent's or the bureau's internal fields. Staff
# who see the case as staff (`staff_sees`) read CaseDetailSerializer.


class ApplicantUploadSerializer(HandRendered, serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = Upload
        fields = ["id", "name", "size", "uploaded_at"]
        read_only_fields = fields

    @staticmethod
    def render(u: Upload) -> dict:
        return {
            "id": u.pk,
            "name": _str(u.original_name),
            "size": _int(u.size),
            "uploaded_at": _datetime(u.uploaded_at),
        }


class ApplicantMaterialSerializer(HandRendered, serializers.ModelSerializer):
    name = serializers.CharField(source="material.name")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    uploads = ApplicantUploadSerializer(many=True)

    class Meta:
        model = CaseMaterial
        fields = [
            "id",
            "name",
            "status",
            "status_display",
            "note",
            "promised_by",
            "supplied_on",
            "uploads",
        ]
        read_only_fields = fields

    @staticmethod
    def render(line: CaseMaterial) -> dict:
        return {
            "id": line.pk,
            "name": _str(line.material.name),
            "status": _str(line.status),
            "status_display": _display(line, "status"),
            "note": _str(line.note),
            "promised_by": _date(line.promised_by),
            "supplied_on": _date(line.supplied_on),
            "uploads": [ApplicantUploadSerializer.render(u) for u in line.uploads.all()],
        }


class ApplicantEventSerializer(HandRendered, serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text=_l("办理过程，以申请人能读懂的话表述"))
    detail = serializers.SerializerMethodField(
        help_text=_l("具体情况（如上传的材料、不予受理的理由）")
    )

    class Meta:
        model = CaseEvent
        fields = ["seq", "on", "action", "text", "detail"]
        read_only_fields = fields

    @staticmethod
    def get_text(e: CaseEvent) -> str:
        return case_texts.event_text(e.action)

    @staticmethod
    def get_detail(e: CaseEvent) -> str:
        return str(case_texts.event_detail(e))

    @staticmethod
    def render(e: CaseEvent) -> dict:
        return {
            "seq": _int(e.seq),
            "on": _date(e.on),
            "action": _str(e.action),
            "text": ApplicantEventSerializer.get_text(e),
            "detail": ApplicantEventSerializer.get_detail(e),
        }


class CorrectionItemSerializer(HandRendered, serializers.Serializer):
    line = serializers.IntegerField(help_text=_l("材料清单行编号（materials[].id）"))
    material = serializers.CharField()
    note = serializers.CharField(help_text=_l("需补正的内容"))

    @staticmethod
    def render(item: dict) -> dict:
        return {
            "line": _int(item.get("line")),
            "material": _str(item.get("material")),
            "note": _str(item.get("note")),
        }


class CorrectionNoticeSerializer(HandRendered, serializers.Serializer):
    on = serializers.DateField(help_text=_l("告知日期"))
    items = CorrectionItemSerializer(many=True, source="data.items")

    @staticmethod
    def render(e: CaseEvent) -> dict:
        return {
            "on": _date(e.on),
            "items": [CorrectionItemSerializer.render(i) for i in e.data.get("items", [])],
        }


class ApplicantDocumentSerializer(HandRendered, serializers.ModelSerializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_display",
            "number",
            "dated",
            "state",
            "state_display",
            "verification_code",
        ]
        read_only_fields = fields

    @staticmethod
    def render(d: Document) -> dict:
        return {
            "id": d.pk,
            "kind": _str(d.kind),
            "kind_display": _display(d, "kind"),
            "number": _str(d.number),
            "dated": _date(d.dated),
            "state": _str(d.state),
            "state_display": _display(d, "state"),
            "verification_code": _str(d.verification_code),
        }


class ApplicantCaseSerializer(HandRendered, serializers.ModelSerializer):
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    progress = serializers.CharField(help_text=_l("办理进度，一句话说明"))
    channel = serializers.CharField()
    applicant = ApplicantRefSerializer()
    handling_item = CaseHandlingItemSerializer()
    clocks = ClocksSerializer()
    correction_notice = CorrectionNoticeSerializer(
        allow_null=True, help_text=_l("等待补正时的一次性告知")
    )
    materials = ApplicantMaterialSerializer(many=True)
    documents = ApplicantDocumentSerializer(
        many=True,
        source="applicant_documents",
        help_text=_l("通知书和证照（下载见 /api/v1/documents/{id}/file）"),
    )
    events = ApplicantEventSerializer(many=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "query_code",
            "state",
            "state_display",
            "progress",
            "channel",
            "applicant",
            "handling_item",
            "received_at",
            "received_on",
            "clocks",
            "extended",
            "decided_on",
            "delivery_due",
            "closed_on",
            "correction_notice",
            "materials",
            "documents",
            "events",
            "lock_version",
        ]
        read_only_fields = fields

    @staticmethod
    def render(case: Case) -> dict:
        return {
            "id": case.pk,
            "number": _str(case.number),
            "query_code": _str(case.query_code),
            "state": _str(case.state),
            "state_display": _display(case, "state"),
            "progress": _str(case.progress),
            "channel": _str(case.channel),
            "applicant": ApplicantRefSerializer.render(case.applicant),
            "handling_item": CaseHandlingItemSerializer.render(case.handling_item),
            "received_at": _datetime(case.received_at),
            "received_on": _date(case.received_on),
            "clocks": ClocksSerializer.render(case.clocks),
            "extended": _bool(case.extended),
            "decided_on": _date(case.decided_on),
            "delivery_due": _date(case.delivery_due),
            "closed_on": _date(case.closed_on),
            "correction_notice": _maybe(CorrectionNoticeSerializer.render, case.correction_notice),
            "materials": [
                ApplicantMaterialSerializer.render(line) for line in case.materials.all()
            ],
            "documents": [ApplicantDocumentSerializer.render(d) for d in case.applicant_documents],
            "events": [ApplicantEventSerializer.render(e) for e in case.events.all()],
            "lock_version": _int(case.lock_version),
        }


def for_applicant(user, case: Case) -> Case:
    """What the applicant's page adds to a loaded detail: the progress sentence, the notice
    the case waits on, and the documents they may download."""
    case.progress = case_texts.progress(case, case.clocks)
    case.correction_notice = (
        correction_notice(case) if case.state == State.AWAITING_CORRECTION else None
    )
    # A case just opened has no documents yet: nothing to read.
    case.applicant_documents = (
        [] if getattr(case, "new_lines", None) is not None else documents_for(user, case)
    )
    return case


def case_view(user, case: Case) -> dict:
    """The case as this user's page shows it: the bureau's full record for staff who see it as
    staff, the applicant's view for everyone else (their own cases)."""
    if staff_sees(user, case):
        return CaseDetailSerializer(case).data
    return ApplicantCaseSerializer.render(for_applicant(user, case))


CASE_VIEW = PolymorphicProxySerializer(
    component_name="CaseView",
    serializers=[CaseDetailSerializer, ApplicantCaseSerializer],
    resource_type_field_name=None,
)


class RevocationProposalSerializer(serializers.ModelSerializer):
    licence = serializers.CharField(source="licence.number")
    grounds_display = serializers.CharField(source="get_grounds_display")
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = RevocationProposal
        fields = [
            "id",
            "licence",
            "grounds",
            "grounds_display",
            "facts",
            "basis",
            "hearing_right",
            "views_days",
            "state",
            "state_display",
            "proposed_on",
            "notified_on",
            "views_due",
            "views_due_provisional",
            "views",
            "views_on",
            "views_channel",
            "hearing_requested",
            "hearing_held_on",
            "decided_on",
            "decision_note",
        ]
        read_only_fields = fields
