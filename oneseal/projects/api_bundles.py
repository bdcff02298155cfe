"""The API of the bundled applications: a project's stage applications with their clocks
(`/api/v1/projects/<id>/stages`, applying in the same multipart request that carries the
files), the project's overall clock, the life events on offer and their one application, and
a bundle's tracking (`/api/v1/bundles/<id>`). Reads go through the scoped queries, writes
through the same actions as the pages."""

import re

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import today
from oneseal.cases.models import Channel
from oneseal.cases.queries import Viewer, visible_cases
from oneseal.catalogue.life_events import offered_life_events
from oneseal.documents.queries import visible_documents
from oneseal.errors import NotPermitted, ValidationFailed, fail_fields
from oneseal.interface.rest import ErrorSerializer
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import queries, stages
from .life_events import apply_for_life_event
from .models import Bundle, StageApplication

TAG = "projects"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
FILE_FIELD = re.compile(r"^material-\d+$")
REUSE_FIELD = re.compile(r"^reuse-(material-\d+)$")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy("同一申请人以同一键重复提交时返回已提交的申请（200）；最长64个字符"),
)


def _key(request: Request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 64:
        raise ValidationFailed(fields={"Idempotency-Key": [_("幂等键最长64个字符")]})
    return key


def _files_and_reuse(request: Request) -> tuple[dict, dict]:
    """Files under `material-<id>` (a material group's field) and reused licences under
    `reuse-material-<id>`; any other file field is refused by name."""
    unknown = {
        name: [_("未知的文件字段，材料文件的字段名应为 material-<材料编号>")]
        for name in request.FILES
        if not FILE_FIELD.match(name)
    }
    fail_fields(unknown)
    reuse = {}
    for name, value in request.data.items():
        match = REUSE_FIELD.match(name)
        if match and value:
            reuse[match.group(1)] = value
    return dict(request.FILES.items()), reuse


class DocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    number = serializers.CharField()
    url = serializers.CharField(help_text=gettext_lazy("签章文书下载地址"))


class MemberOut(serializers.Serializer):
    case = serializers.IntegerField()
    number = serializers.CharField()
    handling_item = serializers.CharField()
    # A field named like Field.required (whether input must give it), typed as a bool.
    required = serializers.BooleanField()  # type: ignore[assignment]
    state = serializers.CharField()
    state_display = serializers.CharField()
    documents = DocumentOut(many=True)


class BundleOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    life_event = serializers.CharField(allow_null=True)
    applicant = serializers.CharField()
    channel = serializers.CharField()
    received_on = serializers.DateField()
    concluded_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(
        help_text=gettext_lazy("空：办理中；complete：全部办结；ended：必办事项未获许可")
    )
    reasons = serializers.ListField(child=serializers.CharField())
    materials = serializers.ListField(child=serializers.DictField())
    cases = MemberOut(many=True)


class StageClockOut(serializers.Serializer):
    limit_days = serializers.IntegerField()
    used = serializers.IntegerField()
    stopped = serializers.IntegerField(
        help_text=gettext_lazy("等待申请人补正或联合勘验、不计入的工作日")
    )
    remaining = serializers.IntegerField()
    due = serializers.DateField()
    paused = serializers.BooleanField()
    warning = serializers.CharField()


class StageOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.IntegerField()
    stage_display = serializers.CharField()
    template = serializers.IntegerField()
    template_name = serializers.CharField()
    clock = StageClockOut()
    bundle = BundleOut()


class ProjectClockOut(serializers.Serializer):
    started_on = serializers.DateField(allow_null=True)
    limit_days = serializers.IntegerField(allow_null=True)
    used = serializers.IntegerField()
    remaining = serializers.IntegerField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    warning = serializers.CharField()


class StageInput(serializers.Serializer):
    template = serializers.IntegerField(help_text=gettext_lazy("已发布的阶段模板编号"))
    optional = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=gettext_lazy("选办的可选事项（办理项编号）"),
    )


class LifeEventItemOut(serializers.Serializer):
    handling_item = serializers.IntegerField(source="handling_item_id")
    name = serializers.CharField(source="handling_item.name")
    # A field named like Field.required (whether input must give it), typed as a bool.
    required = serializers.BooleanField()  # type: ignore[assignment]
    question = serializers.CharField(
        help_text=gettext_lazy("可选事项的引导问题，回答字段 question-<办理项编号>")
    )


class LifeEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    number = serializers.IntegerField()
    description = serializers.CharField()
    keywords = serializers.CharField()
    region = serializers.CharField(source="catalogue.region.code")
    items = LifeEventItemOut(many=True, source="items.all")


class LifeEventApplicationInput(serializers.Serializer):
    applicant = serializers.IntegerField(help_text=gettext_lazy("申请人编号"))


def bundle_out(user: Viewer, bundle: Bundle) -> dict:
    seen = set(visible_cases(user).values_list("pk", flat=True))
    documents: dict[int, list] = {}
    for d in visible_documents(user).filter(case__bundle_member__bundle=bundle).order_by("id"):
        documents.setdefault(d.case_id, []).append(
            {
                "id": d.pk,
                "kind": d.kind,
                "kind_display": d.get_kind_display(),
                "number": d.number,
                "url": reverse("documents:file", args=[d.pk]),
            }
        )
    return {
        "id": bundle.pk,
        "kind": bundle.kind,
        "life_event": bundle.life_event.name if bundle.life_event is not None else None,
        "applicant": bundle.applicant.name,
        "channel": bundle.channel,
        "received_on": bundle.received_on,
        "concluded_on": bundle.concluded_on,
        "outcome": bundle.outcome,
        "reasons": bundle.reasons,
        "materials": bundle.materials,
        "cases": [
            {
                "case": m.case_id,
                "number": m.case.number,
                "handling_item": m.case.handling_item.name,
                "required": m.required,
                "state": m.case.state,
                "state_display": m.case.get_state_display(),
                "documents": documents.get(m.case_id, []),
            }
            for m in bundle.members.select_related("case__handling_item").order_by("order")
            if m.case_id in seen
        ],
    }


def stage_out(user: Viewer, application: StageApplication) -> dict:
    clock = queries.stage_clock_of(application, today())
    return {
        "id": application.pk,
        "stage": application.stage,
        "stage_display": application.get_stage_display(),
        "template": application.template_id,
        "template_name": str(application.template),
        "clock": {**clock.__dict__, "warning": clock.warning},
        "bundle": bundle_out(user, application.bundle),
    }


class ProjectStages(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="list_stage_applications",
        summary=gettext_lazy("项目的阶段申请及其时限"),
        responses={200: StageOut(many=True), 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = get_object_or_404(queries.visible_projects(request.user), pk=pk)
        applications = project.stages.select_related("bundle__applicant", "template")
        return Response([stage_out(request.user, a) for a in applications.order_by("stage", "id")])

    @extend_schema(
        tags=[TAG],
        operation_id="apply_for_stage",
        summary=gettext_lazy("申请审批阶段：一张表单、一套材料，各事项同时收件"),
        description=gettext_lazy(
            "本区划窗口人员（窗口收件）或建设单位本单位账号（网上申请）提交。材料文件字段为"
            "材料清单中的 material-<材料编号>，多个事项共用的材料只提交一次；选用已取得的证照时"
            "填 reuse-material-<材料编号>=<证照编号>。任一事项或材料不合格时全部不予收件，"
            "错误按字段（material-…、item-<办理项编号>）列出。"
        ),
        parameters=[IDEMPOTENCY_KEY],
        request={"multipart/form-data": StageInput},
        responses={201: StageOut, 200: StageOut, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = get_object_or_404(queries.visible_projects(request.user), pk=pk)
        key = _key(request)
        body = StageInput(
            data={
                "template": request.data.get("template"),
                "optional": request.data.getlist("optional")
                if hasattr(request.data, "getlist")
                else request.data.get("optional", []),
            }
        )
        body.is_valid(raise_exception=True)
        template = (
            queries.published_templates(project.region)
            .filter(pk=body.validated_data["template"])
            .first()
        )
        if template is None:
            message = _("该阶段模板未发布、已停用或不适用于本项目所在地")
            raise ValidationFailed(message, fields={"template": [message]})
        channel = (
            Channel.WINDOW
            if stages.may_apply(request.user, project, channel=Channel.WINDOW)
            else Channel.ONLINE
        )
        files, reuse = _files_and_reuse(request)
        existed = (
            bool(key)
            and StageApplication.objects.filter(
                bundle__applicant=project.owner, bundle__idempotency_key=key
            ).exists()
        )
        application = stages.apply_for_stage(
            project,
            template,
            actor=request.user,
            channel=channel,
            optional=body.validated_data.get("optional", []),
            files=files,
            reuse=reuse,
            idempotency_key=key,
            at=timezone.now(),
        )
        return Response(
            stage_out(request.user, application),
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class ProjectClock(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="get_project_clock",
        summary=gettext_lazy("项目全流程审批用时（不含申请人用时）"),
        responses={200: ProjectClockOut, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = get_object_or_404(queries.visible_projects(request.user), pk=pk)
        clock = queries.project_clock_of(project, today())
        return Response(ProjectClockOut({**clock.__dict__, "warning": clock.warning}).data)


class LifeEvents(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        operation_id="list_life_events",
        summary=gettext_lazy("已发布的一件事"),
        responses={200: LifeEventOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        events = offered_life_events().prefetch_related("items__handling_item")
        return Response(LifeEventOut(events, many=True).data)


class LifeEventApplications(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        operation_id="apply_for_life_event",
        summary=gettext_lazy("一件事一次申请：各事项同时收件"),
        description=gettext_lazy(
            "申请人本人（或代为办理的单位账号）网上申请，或窗口人员收件。可选事项的引导问题以"
            " question-<办理项编号>=yes 回答；材料字段同阶段申请。不合格时全部不予收件。"
        ),
        parameters=[IDEMPOTENCY_KEY],
        request={"multipart/form-data": LifeEventApplicationInput},
        responses={201: BundleOut, 200: BundleOut, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        event = get_object_or_404(offered_life_events(), pk=pk)
        key = _key(request)
        body = LifeEventApplicationInput(data={"applicant": request.data.get("applicant")})
        body.is_valid(raise_exception=True)
        applicant = Applicant.objects.filter(pk=body.validated_data["applicant"]).first()
        if applicant is None:
            raise NotPermitted()
        clerk = has_role(request.user, Role.CLERK, event.catalogue.region)
        files, reuse = _files_and_reuse(request)
        answers = {k: v for k, v in request.data.items() if k.startswith("question-")}
        existed = (
            bool(key) and Bundle.objects.filter(applicant=applicant, idempotency_key=key).exists()
        )
        bundle = apply_for_life_event(
            event,
            actor=request.user,
            applicant=applicant,
            channel=Channel.WINDOW if clerk else Channel.ONLINE,
            answers=answers,
            files=files,
            reuse=reuse,
            idempotency_key=key,
            at=timezone.now(),
        )
        return Response(
            bundle_out(request.user, bundle),
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class BundleDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="get_bundle",
        summary=gettext_lazy("联办申请（阶段或一件事）的办理进度"),
        responses={200: BundleOut, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        bundle = get_object_or_404(queries.visible_bundles(request.user), pk=pk)
        return Response(bundle_out(request.user, bundle))
