"""The shared steps' API (/api/v1/projects/<id>/joint-steps, /api/v1/joint-steps/<id>…): read
through the projects the caller may see (another county's step is a 404 that says nothing
about it), written through `joint_actions`, so every refusal is the pages' refusal. Staff only:
an owner's account reads the report through the project, not the working steps."""

from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.cases.models import Case
from oneseal.cases.queries import is_scoped_staff, visible_cases
from oneseal.inputs import BIGGEST_ID
from oneseal.interface.rest import ErrorSerializer, listed_choices, parse
from oneseal.organisation.models import Department, Section

from . import joint_actions, queries
from .models import JointKind, JointResult, JointStep, Project, Stage

TAG = "projects"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class JointPartySerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField(help_text=gettext_lazy("section（科室）或 department（部门）"))
    section = serializers.IntegerField(source="party.section_id", allow_null=True)
    department = serializers.IntegerField(source="party.department_id", allow_null=True)
    done = serializers.BooleanField()
    result = serializers.CharField()
    findings = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    opinion_request = serializers.SerializerMethodField()

    def get_opinion_request(self, row: dict) -> int | None:
        return row["opinion"].pk if row["opinion"] else None


class JointStepSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code")
    kind = serializers.CharField(
        help_text=gettext_lazy("drawing_review、combined_assessment、joint_acceptance")
    )
    kind_label = serializers.CharField(source="get_kind_display")
    state = serializers.CharField(help_text=gettext_lazy("open（进行中）、concluded（已出具报告）"))
    cases = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()

    class Meta:
        model = JointStep
        fields = [
            "id",
            "project",
            "project_code",
            "stage",
            "kind",
            "kind_label",
            "title",
            "template",
            "provider",
            "provider_name",
            "provider_credit_code",
            "state",
            "opened_on",
            "result",
            "summary",
            "concluded_on",
            "report_number",
            "report_sha256",
            "cases",
            "parties",
            "blockers",
        ]

    def get_cases(self, step: JointStep) -> list[str]:
        return list(step.cases.order_by("number").values_list("number", flat=True))

    def get_parties(self, step: JointStep) -> list[dict]:
        return list(JointPartySerializer(joint_actions.party_rows(step), many=True).data)

    def get_blockers(self, step: JointStep) -> list[str]:
        return [str(b) for b in joint_actions.conclude_blockers(step)]


class OpenInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    kind = listed_choices(JointKind.choices, help_text=gettext_lazy("联合环节"))
    title = serializers.CharField(allow_blank=True)
    template = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=BIGGEST_ID
    )
    sections = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGGEST_ID),
        required=False,
        default=list,
    )
    cases = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text=gettext_lazy("办件编号"),
    )
    provider = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=BIGGEST_ID,
        help_text=gettext_lazy(
            "多评合一的评估编制中介机构（中介服务超市中当日资质有效的机构）；与 provider_name 二选一"
        ),
    )
    provider_name = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("未入驻中介服务超市的评估编制单位名称"),
    )
    provider_credit_code = serializers.CharField(required=False, allow_blank=True, default="")


class CasesInput(serializers.Serializer):
    cases = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("办件编号"))


class AskInput(serializers.Serializer):
    department = serializers.IntegerField(min_value=1, max_value=BIGGEST_ID)
    subject = serializers.CharField(allow_blank=True)
    days = serializers.IntegerField()


class SectionResultInput(serializers.Serializer):
    section = serializers.IntegerField(min_value=1, max_value=BIGGEST_ID)
    result = listed_choices(JointResult.choices, help_text=gettext_lazy("结论"))
    findings = serializers.CharField(allow_blank=True)


class ConcludeInput(serializers.Serializer):
    result = listed_choices(JointResult.choices, help_text=gettext_lazy("综合结论"))
    summary = serializers.CharField(allow_blank=True)


class StaffView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def project(self, pk: int) -> Project:
        if not is_scoped_staff(self.request.user):
            raise Http404
        return get_object_or_404(queries.visible_projects(self.request.user), pk=pk)

    def step(self, pk: int) -> JointStep:
        if not is_scoped_staff(self.request.user):
            raise Http404
        return get_object_or_404(
            JointStep.objects.select_related("project__region", "template", "bureau").filter(
                project__in=queries.visible_projects(self.request.user)
            ),
            pk=pk,
        )

    def cases(self, numbers: list[str]) -> list[Case]:
        found = list(visible_cases(self.request.user).filter(number__in=numbers))
        missing = sorted(set(numbers) - {c.number for c in found})
        if missing:
            raise serializers.ValidationError(
                {"cases": [gettext("办件{number}不存在").format(number=n) for n in missing]}
            )
        return found


class ProjectJointSteps(StaffView):
    @extend_schema(
        tags=[TAG],
        operation_id="projects_joint_steps",
        summary=gettext_lazy("项目的联合审图、多评合一、联合验收"),
        parameters=[ID],
        responses={200: JointStepSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = self.project(pk)
        steps = project.joint_steps.order_by("stage", "kind")
        return Response(JointStepSerializer(steps, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="projects_open_joint_step",
        summary=gettext_lazy("发起联合环节"),
        parameters=[ID],
        request=OpenInput,
        description=gettext_lazy("本阶段牵头科室的审查人员或签批领导发起。"),
        responses={201: JointStepSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = self.project(pk)
        data = parse(OpenInput, request.data)
        template_pk = data.pop("template")
        template = (
            queries.published_templates(project.region).filter(pk=template_pk).first()
            if template_pk
            else None
        )
        if template_pk and template is None:
            raise serializers.ValidationError({"template": [gettext("阶段模板不存在或未发布")]})
        sections = list(Section.objects.filter(pk__in=data.pop("sections")))
        step = joint_actions.open_joint_step(
            project,
            actor=request.user,
            template=template,
            sections=sections,
            cases=self.cases(data.pop("cases")),
            **data,
        )
        return Response(JointStepSerializer(step).data, status=status.HTTP_201_CREATED)


class JointStepDetail(StaffView):
    @extend_schema(
        tags=[TAG],
        operation_id="projects_joint_step",
        summary=gettext_lazy("联合环节及各参与方意见"),
        parameters=[ID],
        responses={200: JointStepSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(JointStepSerializer(self.step(pk)).data)


class JointStepCases(StaffView):
    @extend_schema(
        tags=[TAG],
        operation_id="projects_joint_step_attach_cases",
        summary=gettext_lazy("加入使用本环节结论的办件"),
        parameters=[ID],
        request=CasesInput,
        responses={200: JointStepSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        step = self.step(pk)
        cases = self.cases(parse(CasesInput, request.data)["cases"])
        return Response(
            JointStepSerializer(
                joint_actions.attach_cases(step, actor=request.user, cases=cases)
            ).data
        )


class JointStepAsk(StaffView):
    @extend_schema(
        tags=[TAG],
        operation_id="projects_joint_step_ask_department",
        summary=gettext_lazy("就联合环节征求部门意见"),
        parameters=[ID],
        request=AskInput,
        description=gettext_lazy("部门逾期未答复是否视为无意见，由阶段模板决定。"),
        responses={201: JointStepSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        step = self.step(pk)
        data = parse(AskInput, request.data)
        department = Department.objects.filter(pk=data.pop("department")).first()
        joint_actions.ask_department(step, actor=request.user, department=department, **data)
        return Response(JointStepSerializer(step).data, status=status.HTTP_201_CREATED)


class JointStepSectionResult(StaffView):
    @extend_schema(
        tags=[TAG],
        operation_id="projects_joint_step_section_result",
        summary=gettext_lazy("记录科室意见"),
        parameters=[ID],
        request=SectionResultInput,
        responses={200: JointStepSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        step = self.step(pk)
        data = parse(SectionResultInput, request.data)
        section = get_object_or_404(Section, pk=data.pop("section"))
        joint_actions.record_section_result(step, section, actor=request.user, **data)
        return Response(JointStepSerializer(step).data)


class JointStepConclude(StaffView):
    @extend_schema(
        tags=[TAG],
        operation_id="projects_joint_step_conclude",
        summary=gettext_lazy("出具联合环节报告（加盖审批专用章）"),
        parameters=[ID],
        request=ConcludeInput,
        description=gettext_lazy("签批领导出具；各参与方给出意见（或依规视为无意见）前返回 400。"),
        responses={200: JointStepSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        step = self.step(pk)
        step = joint_actions.conclude_joint_step(
            step, actor=request.user, **parse(ConcludeInput, request.data)
        )
        return Response(JointStepSerializer(step).data)


class JointStepReport(StaffView):
    @extend_schema(
        tags=[TAG],
        operation_id="projects_joint_step_report",
        summary=gettext_lazy("联合环节报告 PDF"),
        parameters=[ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        step = self.step(pk)
        if not step.report_file:
            raise Http404
        return FileResponse(
            step.report_file.open("rb"),
            content_type="application/pdf",
            filename=f"{step.report_number}.pdf",
        )
