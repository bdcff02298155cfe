"""The site-inspection API (/api/v1/inspections…): one endpoint per action, every inspection
loaded through `queries.visible_inspections` (outside the caller's scope: a 404 that says
nothing about it). Staff read the whole record; an applicant reads what the portal shows
(time, place, state, whether they may still change the time); a drawn expert sent on a visit
reads and records it as an inspector through `queries.expert_inspections`, until their
signature is in. Domain errors are rendered by
`api.errors`: NotPermitted → 403, any other → 400."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.catalogue.models import HandlingItem
from oneseal.errors import ValidationFailed
from oneseal.experts.models import Expert
from oneseal.interface.rest import ErrorSerializer, date_field, listed_choices, load_case, parse
from oneseal.organisation.models import Department, Section
from oneseal.projects.models import Stage
from oneseal.projects.queries import visible_projects

from . import actions, queries
from .models import Finding, Inspection, Party, Photo, Reschedule

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

TAG = "inspections"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# --- output -------------------------------------------------------------------------------


class InspectorOut(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField()
    expert = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("抽取的评审专家的专家编号；工作人员为空")
    )
    signed = serializers.BooleanField(help_text=gettext_lazy("签名与当前勘验记录一致"))
    confirmed_at = serializers.DateTimeField(allow_null=True)


class FindingOut(serializers.ModelSerializer):
    result = serializers.CharField(
        help_text=gettext_lazy(
            "conforms（符合）、nonconforms（不符合）、not_applicable（不适用）或空"
        )
    )
    result_display = serializers.CharField(source="get_result_display")

    class Meta:
        model = Finding
        fields = ["order", "text", "guidance", "result", "result_display", "note"]
        read_only_fields = fields


class InspectionPartyOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.SerializerMethodField()
    attended = serializers.BooleanField(allow_null=True)
    representative = serializers.CharField()
    findings = serializers.CharField()

    def get_kind(self, obj: Party) -> str:
        return "section" if obj.section_id else "department"


class PhotoOut(serializers.ModelSerializer):
    finding = serializers.IntegerField(source="finding.order", allow_null=True, default=None)

    class Meta:
        model = Photo
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "width",
            "height",
            "taken_at",
            "latitude",
            "longitude",
            "caption",
            "finding",
            "uploaded_at",
        ]
        read_only_fields = fields


class RescheduleOut(serializers.ModelSerializer):
    side = serializers.CharField(help_text=gettext_lazy("applicant（申请人）或 bureau（审批局）"))

    class Meta:
        model = Reschedule
        fields = ["side", "previous_at", "new_at", "reason", "at"]
        read_only_fields = fields


class CoveredOut(serializers.Serializer):
    case = serializers.IntegerField(source="case_id")
    number = serializers.CharField(source="case.number")
    handling_item = serializers.CharField(source="case.handling_item.name")
    suspended = serializers.BooleanField()


class ApplicantInspectionOut(serializers.ModelSerializer):
    """What the applicant sees: when and where, and whether they may still change it."""

    state = serializers.CharField(
        help_text=gettext_lazy(
            "scheduled（已预约）、in_progress（勘验中）、completed（已完成）或 cancelled（已取消）"
        )
    )
    state_display = serializers.CharField(source="get_state_display")
    cases = serializers.SerializerMethodField()
    may_reschedule = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "code",
            "state",
            "state_display",
            "place",
            "scheduled_at",
            "expected_days",
            "applicant_rescheduled",
            "bureau_rescheduled",
            "may_reschedule",
            "completed_on",
            "cases",
        ]
        read_only_fields = fields

    def get_cases(self, obj: Inspection) -> list[str]:
        return [link.case.number for link in obj.covered.all()]

    def get_may_reschedule(self, obj: Inspection) -> bool:
        return not actions.reschedule_blockers(obj, Reschedule.Side.APPLICANT)


class InspectionOut(ApplicantInspectionOut):
    project = serializers.IntegerField(source="project_id", allow_null=True)
    stage_display = serializers.CharField(source="get_stage_display", allow_null=True)
    inspectors = serializers.SerializerMethodField()
    findings = FindingOut(many=True)
    parties = InspectionPartyOut(many=True)
    photos = PhotoOut(many=True)
    reschedules = RescheduleOut(many=True)
    covered = CoveredOut(many=True)

    class Meta(ApplicantInspectionOut.Meta):
        fields = [
            *ApplicantInspectionOut.Meta.fields,
            "project",
            "stage",
            "stage_display",
            "started_on",
            "conclusion",
            "inspectors",
            "findings",
            "parties",
            "photos",
            "reschedules",
            "covered",
        ]
        read_only_fields = fields

    def get_inspectors(self, obj: Inspection) -> list[dict]:
        digest = queries.current_digest(obj)
        return [
            InspectorOut(
                {
                    "user_id": i.user_id,
                    "name": i.name,
                    "expert": i.assignment.expert_id if i.assignment else None,
                    "signed": i.confirmed_digest == digest,
                    "confirmed_at": i.confirmed_at,
                }
            ).data
            for i in obj.inspectors.all()
        ]


def render(request: Request, inspection: Inspection, *, as_inspector: bool = False) -> dict:
    """The whole record for staff and for a drawn expert sent on it (`as_inspector`), what the
    portal shows for an applicant."""
    inspection = queries.detail(Inspection.objects.filter(pk=inspection.pk)).get()
    if as_inspector or queries.is_staff_viewer(request.user):
        return InspectionOut(inspection).data
    return ApplicantInspectionOut(inspection).data


# --- input --------------------------------------------------------------------------------


class ScheduleIn(serializers.Serializer):
    at = serializers.DateTimeField(help_text=gettext_lazy("勘验时间（北京时间），须为工作日"))
    place = serializers.CharField(max_length=300, help_text=gettext_lazy("勘验地点"))
    expected_days = serializers.IntegerField(
        min_value=1, max_value=60, help_text=gettext_lazy("预计所需工作日数")
    )
    inspectors = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=gettext_lazy("勘验人员的用户编号（两名以上）"),
    )
    experts = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text=gettext_lazy(
            "随同勘验的评审专家的专家编号：所涉办件专家评审中已接受邀请的专家，计入两名以上勘验人员"
        ),
    )


class CaseScheduleIn(ScheduleIn):
    case = serializers.IntegerField(help_text=gettext_lazy("办件编号"))


class JointScheduleIn(ScheduleIn):
    project = serializers.IntegerField(help_text=gettext_lazy("工程建设项目编号"))
    stage = listed_choices(Stage.choices, help_text=gettext_lazy("审批阶段"))
    cases = serializers.ListField(child=serializers.IntegerField())
    sections = serializers.ListField(child=serializers.IntegerField(), required=False)
    departments = serializers.ListField(child=serializers.IntegerField(), required=False)


class RescheduleIn(serializers.Serializer):
    at = serializers.DateTimeField(help_text=gettext_lazy("新的勘验时间"))
    reason = serializers.CharField(help_text=gettext_lazy("改期理由"))


class OnIn(serializers.Serializer):
    on = date_field(gettext_lazy("日期（默认今天）"))


class FindingIn(serializers.Serializer):
    order = serializers.IntegerField(help_text=gettext_lazy("核查要点序号"))
    result = listed_choices(Finding.Result.choices, help_text=gettext_lazy("核查结果"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionPartyIn(serializers.Serializer):
    attended = serializers.BooleanField()
    representative = serializers.CharField(required=False, allow_blank=True, default="")
    findings = serializers.CharField(required=False, allow_blank=True, default="")


class ConclusionIn(serializers.Serializer):
    conclusion = serializers.CharField(allow_blank=True)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class PhotoIn(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("现场照片（JPG、PNG）"))
    finding = serializers.IntegerField(required=False, allow_null=True, default=None)
    caption = serializers.CharField(required=False, allow_blank=True, default="")


class ChecklistLineIO(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=300)
    guidance = serializers.CharField(allow_blank=True, required=False, default="", max_length=300)


class ChecklistIn(serializers.Serializer):
    lines = ChecklistLineIO(many=True)


def users(ids: list[int]) -> list:
    found = get_user_model().objects.select_related("staff").in_bulk(ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            fields={"inspectors": [gettext_lazy("用户不存在：") + "、".join(missing)]}
        )
    return [found[i] for i in ids]


def experts(ids: list[int]) -> list[Expert]:
    found = Expert.objects.in_bulk(ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            fields={"experts": [gettext_lazy("专家不存在：") + "、".join(missing)]}
        )
    return [found[i] for i in ids]


# --- views --------------------------------------------------------------------------------


class SignedIn(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    # Set by `inspection`: the caller is a drawn expert sent on it.
    as_inspector = False

    def inspection(self, pk: int) -> Inspection:
        user = self.request.user
        if not queries.is_staff_viewer(user):
            found = queries.expert_inspection(user, pk)
            if found is not None:
                self.as_inspector = True
                return found
        return get_object_or_404(queries.visible_inspections(user), pk=pk)


class Inspections(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="list_inspections",
        summary=gettext_lazy("现场勘验列表"),
        description=gettext_lazy(
            "工作人员为本区划尚未完成的勘验；申请人为其代为办理的办件的勘验。"
            "mine=today：本人今天的勘验。mine=expert：抽取的评审专家本人尚未签名的勘验。"
        ),
        responses={200: ApplicantInspectionOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        if request.query_params.get("mine") == "expert":
            return Response(InspectionOut(queries.expert_inspections(request.user), many=True).data)
        if request.query_params.get("mine") == "today":
            rows = queries.todays_inspections(request.user, today())
        else:
            rows = queries.upcoming(request.user)
        rows = queries.detail(rows)[:200]
        out = InspectionOut if queries.is_staff_viewer(request.user) else ApplicantInspectionOut
        return Response(out(rows, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="schedule_inspection",
        summary=gettext_lazy("安排现场勘验"),
        description=gettext_lazy(
            "本区划审查人员或签批领导与申请人约定时间，指派两名以上勘验人员。"
        ),
        request=CaseScheduleIn,
        responses={201: InspectionOut, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(CaseScheduleIn, request.data)
        case = load_case(request.user, data.pop("case"))
        inspection = actions.schedule_inspection(
            case,
            actor=request.user,
            inspectors=users(data.pop("inspectors")),
            experts=experts(data.pop("experts")),
            **data,
        )
        return Response(render(request, inspection), status=status.HTTP_201_CREATED)


class JointInspections(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="schedule_joint_inspection",
        summary=gettext_lazy("安排联合勘验"),
        request=JointScheduleIn,
        responses={201: InspectionOut, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(JointScheduleIn, request.data)
        project = get_object_or_404(visible_projects(request.user), pk=data.pop("project"))
        case_ids = data.pop("cases")
        cases = [load_case(request.user, pk) for pk in case_ids]
        sections = list(Section.objects.filter(pk__in=data.pop("sections", [])))
        departments = list(
            Department.objects.select_related("region").filter(pk__in=data.pop("departments", []))
        )
        inspection = actions.schedule_joint_inspection(
            project,
            actor=request.user,
            cases=cases,
            sections=sections,
            departments=departments,
            inspectors=users(data.pop("inspectors")),
            experts=experts(data.pop("experts")),
            **data,
        )
        return Response(render(request, inspection), status=status.HTTP_201_CREATED)


class InspectionDetail(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="get_inspection",
        summary=gettext_lazy("现场勘验详情"),
        responses={200: InspectionOut, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        inspection = self.inspection(pk)
        return Response(render(request, inspection, as_inspector=self.as_inspector))


def action_view(
    name: str,
    summary: "_StrOrPromise",
    body: type[serializers.Serializer] | None,
    call: Callable[[Inspection, Any, dict], object],
    *,
    multipart: bool = False,
) -> Callable[..., HttpResponseBase]:
    """One POST endpoint per action: parse the body, load the inspection in scope, call."""

    class View(SignedIn):
        parser_classes = [MultiPartParser, FormParser] if multipart else [JSONParser]

        @extend_schema(
            tags=[TAG],
            operation_id=f"inspection_{name}",
            summary=summary,
            request=body,
            responses={200: InspectionOut, **ERRORS},
        )
        def post(self, request: Request, pk: int) -> Response:
            data = parse(body, request.data) if body is not None else {}
            inspection = self.inspection(pk)
            call(inspection, request.user, data)
            return Response(render(request, inspection, as_inspector=self.as_inspector))

    View.__name__ = View.__qualname__ = "".join(p.title() for p in name.split("_")) + "View"
    return View.as_view()


class PartyView(SignedIn):
    @extend_schema(
        tags=[TAG],
        operation_id="inspection_record_party",
        summary=gettext_lazy("记录联合勘验参加单位"),
        request=InspectionPartyIn,
        responses={200: InspectionOut, **ERRORS},
    )
    def post(self, request: Request, pk: int, party: int) -> Response:
        data = parse(InspectionPartyIn, request.data)
        inspection = self.inspection(pk)
        row = inspection.parties.filter(pk=party).first()
        if row is None:
            raise ValidationFailed(
                fields={"party": [gettext_lazy("该单位不是本次联合勘验的参加单位")]}
            )
        actions.record_party(inspection, row, actor=request.user, **data)
        return Response(render(request, inspection, as_inspector=self.as_inspector))


class Checklist(SignedIn):
    def handling_item(self, pk: int) -> HandlingItem:
        return get_object_or_404(HandlingItem.objects.select_related("item_version"), pk=pk)

    @extend_schema(
        tags=[TAG],
        operation_id="get_inspection_checklist",
        summary=gettext_lazy("办理项的现场勘验核查要点"),
        responses={200: ChecklistLineIO(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        lines = queries.checklist_for(self.handling_item(pk))
        return Response(ChecklistLineIO(lines, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="save_inspection_checklist",
        summary=gettext_lazy("设置现场勘验核查要点"),
        description=gettext_lazy("事项目录管理员设置，整体替换。"),
        request=ChecklistIn,
        responses={200: ChecklistLineIO(many=True), **ERRORS},
    )
    def put(self, request: Request, pk: int) -> Response:
        data = parse(ChecklistIn, request.data)
        rows = actions.save_checklist(
            self.handling_item(pk),
            actor=request.user,
            lines=[(line["text"], line.get("guidance", "")) for line in data["lines"]],
        )
        return Response(ChecklistLineIO(rows, many=True).data)


ACTION_VIEWS = {
    "reschedule": action_view(
        "reschedule",
        gettext_lazy("改期（申请人、审批局各一次）"),
        RescheduleIn,
        lambda i, user, d: actions.reschedule(i, actor=user, **d),
    ),
    "start": action_view(
        "start",
        gettext_lazy("开始勘验（列明现场勘验程序的办件中止计时）"),
        OnIn,
        lambda i, user, d: actions.start_inspection(i, actor=user, on=d.get("on")),
    ),
    "findings": action_view(
        "record_finding",
        gettext_lazy("记录核查结果"),
        FindingIn,
        lambda i, user, d: actions.record_finding(i, actor=user, **d),
    ),
    "conclusion": action_view(
        "record_conclusion",
        gettext_lazy("填写勘验结论"),
        ConclusionIn,
        lambda i, user, d: actions.record_conclusion(i, actor=user, **d),
    ),
    "photos": action_view(
        "upload_photo",
        gettext_lazy("上传现场照片（读取EXIF拍摄时间和位置）"),
        PhotoIn,
        lambda i, user, d: actions.upload_photo(
            i, actor=user, upload=d["file"], finding_order=d["finding"], caption=d["caption"]
        ),
        multipart=True,
    ),
    "confirm": action_view(
        "confirm",
        gettext_lazy("勘验人员签名"),
        None,
        lambda i, user, d: actions.confirm(i, actor=user),
    ),
    "complete": action_view(
        "complete",
        gettext_lazy("完成勘验（结果记入办件，恢复计时）"),
        OnIn,
        lambda i, user, d: actions.complete_inspection(i, actor=user, on=d.get("on")),
    ),
    "cancel": action_view(
        "cancel",
        gettext_lazy("取消勘验"),
        ReasonIn,
        lambda i, user, d: actions.cancel_inspection(i, actor=user, **d),
    ),
}
