"""The rollout API, scoped exactly like its pages: the city's administrator starts a rollout
(POST /api/v1/transfers/rollouts; a city outside the caller's reach is a 404); a county's setup
and filings (/api/v1/transfers/rollout-counties/{id}…: another county, or another city's, is a
404); the county files its list, the city accepts or returns a filing; an administrator issues
a starting account's one-time password link. Every write calls `rollout` or `accounts`, which
decide who may."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.errors import ValidationFailed
from oneseal.interface.rest import ErrorSerializer, date_field, listed_choices, parse
from oneseal.organisation.models import Staff

from . import accounts, rollout, rollout_templates
from .api_tasks import MilestoneInput
from .models import ListFiling

TAG = "transfers"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class StartInput(serializers.Serializer):
    city = serializers.CharField(max_length=12, help_text=gettext_lazy("设区市区划代码"))
    name = serializers.CharField(max_length=200)
    plan_document = serializers.CharField(max_length=200)
    template = listed_choices(rollout_templates.choices(), help_text=gettext_lazy("推开模板"))
    counties = serializers.ListField(
        child=serializers.CharField(max_length=12),
        allow_empty=True,
        help_text=gettext_lazy("县（区）区划代码"),
    )
    milestones = MilestoneInput(many=True, required=False)
    on = date_field(gettext_lazy("申请刻章等登记日期；不填为今天"))


class FilingSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.region.code")
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = ListFiling
        fields = [
            "id",
            "county",
            "filed_on",
            "guidance_total",
            "exempted",
            "state",
            "state_display",
            "decided_on",
            "reasons",
        ]
        read_only_fields = fields


class SealRequestSerializer(serializers.Serializer):
    name = serializers.CharField()
    state = serializers.CharField()
    requested_on = serializers.DateField()
    made_on = serializers.DateField(allow_null=True)
    seal = serializers.IntegerField(source="seal_id", allow_null=True)


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="display_name")
    section = serializers.CharField(source="section.name", default="")
    roles = serializers.SerializerMethodField()
    active = serializers.BooleanField()

    def get_roles(self, staff) -> list[str]:
        return sorted(r.role for r in staff.roles.all())


class CountySetupSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="county.pk")
    region = serializers.CharField(source="county.region.code")
    name = serializers.CharField(source="county.region.name")
    bureau = serializers.CharField(source="county.bureau.name")
    rollout = serializers.IntegerField(source="county.rollout_id")
    sections = serializers.SerializerMethodField()
    accounts = AccountSerializer(source="staff", many=True)
    seal_request = SealRequestSerializer(source="seal", allow_null=True)
    filings = FilingSerializer(many=True)
    problems = serializers.ListField(child=serializers.CharField())

    def get_sections(self, setup) -> list[str]:
        return [s.name for s in setup.sections]


class RolloutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reform = serializers.IntegerField(source="reform_id")
    name = serializers.CharField(source="reform.name")
    template = serializers.CharField()
    sections = serializers.ListField(child=serializers.CharField())
    counties = serializers.SerializerMethodField()

    def get_counties(self, started) -> list[dict]:
        return [
            {"id": c.pk, "region": c.region.code, "bureau": c.bureau.name}
            for c in started.counties.select_related("region", "bureau")
        ]


class ReturnInput(serializers.Serializer):
    reasons = serializers.CharField(allow_blank=True, max_length=2000)


class LinkSerializer(serializers.Serializer):
    url = serializers.CharField()


class SignedIn:
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class StartRollout(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="start_rollout",
        summary=gettext_lazy("发起全市推开"),
        description=gettext_lazy(
            "设区市系统管理员发起：为所选县（区）设立行政审批局，按模板设置科室、初始账号"
            "（无默认密码）和印章刻制申请。"
        ),
        request=StartInput,
        responses={201: RolloutSerializer, **ERRORS},
    )
    def post(self, request):
        data = parse(StartInput, request.data)
        city = get_object_or_404(rollout.startable_cities(request.user), code=data["city"])
        open_counties = {c.code: c for c in rollout.open_counties(city)}
        unknown = [code for code in data["counties"] if code not in open_counties]
        if unknown:
            raise ValidationFailed(
                fields={
                    "counties": [
                        gettext_lazy("不是本市可推开的县（区）：{codes}").format(
                            codes="、".join(unknown)
                        )
                    ]
                }
            )
        started = rollout.start_rollout(
            city,
            actor=request.user,
            name=data["name"],
            plan_document=data["plan_document"],
            counties=[open_counties[code] for code in data["counties"]],
            template=data["template"],
            milestones=[(m["name"], m["due_on"]) for m in data.get("milestones", [])],
            on=data.get("on"),
        )
        return Response(RolloutSerializer(started).data, status=status.HTTP_201_CREATED)


def _county(request, pk: int):
    return get_object_or_404(rollout.visible_counties(request.user), pk=pk)


def _setup(county):
    return CountySetupSerializer(rollout.county_setup(county)).data


class CountySetup(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="rollout_county",
        summary=gettext_lazy("推开县（区）的设立情况与目录备案"),
        responses={200: CountySetupSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        return Response(_setup(_county(request, pk)))


class FileList(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="file_county_list",
        summary=gettext_lazy("报送目录备案"),
        description=gettext_lazy(
            "县（区）签批领导或系统管理员报送；省级指导目录事项须均已列入或声明无此权力；"
            "已有待审核或已备案的报送时不能再报。"
        ),
        request=None,
        responses={201: FilingSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        filing = rollout.file_list(_county(request, pk), actor=request.user)
        return Response(FilingSerializer(filing).data, status=status.HTTP_201_CREATED)


def _filing(request, pk: int) -> ListFiling:
    return get_object_or_404(rollout.visible_filings(request.user), pk=pk)


class AcceptFiling(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="accept_list_filing",
        summary=gettext_lazy("予以备案"),
        request=None,
        responses={200: FilingSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        filing = rollout.accept_filing(_filing(request, pk), actor=request.user)
        return Response(FilingSerializer(filing).data)


class ReturnFiling(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="return_list_filing",
        summary=gettext_lazy("退回目录备案"),
        request=ReturnInput,
        responses={200: FilingSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        filing = _filing(request, pk)
        data = parse(ReturnInput, request.data)
        filing = rollout.return_filing(filing, actor=request.user, reasons=data["reasons"])
        return Response(FilingSerializer(filing).data)


class AccountLink(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="issue_account_link",
        summary=gettext_lazy("生成初始账号的一次性设置密码链接"),
        request=None,
        responses={200: LinkSerializer, **ERRORS},
    )
    def post(self, request, pk: int, staff: int):
        county = _county(request, pk)
        member = get_object_or_404(Staff.objects.filter(bureau=county.bureau), pk=staff)
        path = accounts.issue_link(member, actor=request.user)
        return Response({"url": request.build_absolute_uri(path)})
