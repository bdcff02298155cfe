"""The projects API (/api/v1/projects…, /api/v1/stage-templates): the project register, read
through `queries.visible_projects` (a project outside the caller's scope is a 404 that says
nothing about it), registration through `actions.register_project`, and the published stage
templates. Domain errors are rendered by `api.errors`."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.errors import ValidationFailed
from oneseal.interface.rest import ErrorSerializer, listed_choices, parse
from oneseal.regions.models import Region

from . import actions, queries
from .models import Project, ProjectKind, StageItem, StageTemplate

TAG = "projects"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class ProjectSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=gettext_lazy("项目类型代码，见 kind_display"))
    kind_display = serializers.CharField(source="get_kind_display")
    owner_name = serializers.CharField(source="owner.name")
    owner_credit_code = serializers.CharField(source="owner.credit_code")
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "owner_name",
            "owner_credit_code",
            "region",
            "region_name",
            "location",
            "floor_area",
            "investment",
            "registered_at",
        ]
        read_only_fields = fields


class ProjectInput(serializers.Serializer):
    code = serializers.CharField(
        max_length=40, help_text=gettext_lazy("投资项目统一代码，例如 2020-640221-47-01-012345")
    )
    name = serializers.CharField(max_length=200, help_text=gettext_lazy("项目名称"))
    owner_credit_code = serializers.CharField(
        max_length=40, help_text=gettext_lazy("建设单位的统一社会信用代码（须已登记为申请人）")
    )
    kind = listed_choices(ProjectKind.choices, help_text=gettext_lazy("项目类型"))
    location = serializers.CharField(max_length=300, help_text=gettext_lazy("建设地点"))
    floor_area = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, help_text=gettext_lazy("总建筑面积（平方米）")
    )
    investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, help_text=gettext_lazy("总投资（万元）")
    )
    region = serializers.CharField(
        max_length=12,
        required=False,
        help_text=gettext_lazy("所属行政区划代码；不填时取项目代码中的行政区划"),
    )


class StageItemSerializer(serializers.ModelSerializer):
    handling_item = serializers.IntegerField(source="handling_item_id")
    code = serializers.CharField(source="handling_item.code")
    name = serializers.CharField(source="handling_item.name")
    statutory_limit_days = serializers.IntegerField(
        source="handling_item.statutory_limit_days", allow_null=True
    )

    class Meta:
        model = StageItem
        fields = ["handling_item", "code", "name", "required", "order", "statutory_limit_days"]
        read_only_fields = fields


class StageTemplateSerializer(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display")
    region = serializers.CharField(source="catalogue.region.code")
    lead_section = serializers.CharField(source="lead_section.name")
    items = StageItemSerializer(many=True)
    project_kinds = serializers.SerializerMethodField()

    class Meta:
        model = StageTemplate
        fields = [
            "id",
            "stage",
            "stage_display",
            "name",
            "number",
            "region",
            "project_kinds",
            "lead_section",
            "limit_days",
            "legal_basis",
            "published_on",
            "items",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_project_kinds(self, obj: StageTemplate) -> list[str]:
        return list(obj.project_kinds)


REGION = OpenApiParameter(
    "region",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description=gettext_lazy("行政区划代码：只列出该区划及其上级目录的阶段模板"),
)


class SignedIn(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class Projects(SignedIn, generics.ListAPIView):
    serializer_class = ProjectSerializer

    def get_queryset(self) -> QuerySet[Project]:
        return queries.visible_projects(self.request.user)

    @extend_schema(
        tags=[TAG],
        operation_id="list_projects",
        summary=gettext_lazy("工程建设项目列表"),
        description=gettext_lazy(
            "工作人员为本区划及下级区划的项目；申请人为其代为办理的单位的项目。"
        ),
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        operation_id="register_project",
        summary=gettext_lazy("登记工程建设项目"),
        description=gettext_lazy(
            "本区划综合受理窗口人员，或建设单位本单位的账号（经窗口登记授权）登记。"
        ),
        request=ProjectInput,
        responses={201: ProjectSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(ProjectInput, request.data)
        region = None
        if data.get("region"):
            region = Region.objects.filter(code=data.pop("region")).first()
            if region is None:
                raise ValidationFailed(fields={"region": [gettext_lazy("行政区划代码不存在")]})
        data.pop("region", None)
        owner = actions.owner_by_credit_code(data.pop("owner_credit_code"))
        project = actions.register_project(actor=request.user, owner=owner, region=region, **data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetail(SignedIn, generics.GenericAPIView):
    serializer_class = ProjectSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="get_project",
        summary=gettext_lazy("工程建设项目详情"),
        responses={200: ProjectSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = get_object_or_404(queries.visible_projects(request.user), pk=pk)
        return Response(ProjectSerializer(project).data)


class StageTemplates(SignedIn, generics.ListAPIView):
    serializer_class = StageTemplateSerializer

    def get_queryset(self) -> QuerySet[StageTemplate]:
        code = self.request.query_params.get("region")
        region = None
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise ValidationFailed(fields={"region": [gettext_lazy("行政区划代码不存在")]})
        return queries.published_templates(region)

    @extend_schema(
        tags=[TAG],
        operation_id="list_stage_templates",
        summary=gettext_lazy("已发布的阶段模板"),
        parameters=[REGION],
        responses={200: StageTemplateSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)
