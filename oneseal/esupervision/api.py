"""The e-supervision API (/api/v1/esupervision/…): the same reads and the same scoping as the
pages (`queries.oversight_scope`): overseers, signatories and superusers over their region and
below; `?region=` narrows to a region inside it. Anyone else gets 403 and no data."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.cases import jobs as case_jobs
from oneseal.cases.models import Case
from oneseal.interface.rest import ErrorSerializer, date_field

from . import leader, queries, tables
from .jobs import last_rollup_at
from .models import Rule, RuleHit

TAG = "esupervision"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer}
REGION = OpenApiParameter(
    "region",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description=gettext_lazy("区划代码：只看本人管辖范围内的该地区，如 640221"),
)


class ScopedView(APIView):
    permission_classes = [IsAuthenticated]

    def scope(self) -> queries.Scope:
        return queries.oversight_scope(
            self.request.user, self.request.query_params.get("region", "")
        )


# --- serializers --------------------------------------------------------------------------


class OverviewSerializer(serializers.Serializer):
    region = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("所看地区的区划代码；null 为全部地区")
    )
    on = serializers.DateField()
    warnings = inline_serializer(
        "WarningCounts", {level: serializers.IntegerField() for level in case_jobs.Level.ALL}
    )
    overdue = inline_serializer(
        "OverdueCounts", {kind: serializers.IntegerField() for kind in queries.Overdue.ALL}
    )
    rule_hits = inline_serializer(
        "RuleHitCounts", {rule: serializers.IntegerField() for rule in Rule.values}
    )
    unsigned_pushes = serializers.IntegerField(help_text=gettext_lazy("未签收的推送"))
    overdue_unsigned_pushes = serializers.IntegerField()
    overdue_support_requests = serializers.IntegerField()
    rolled_up_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("异常行为与统计最近一次汇总的时间")
    )


class SupervisedCaseSerializer(serializers.ModelSerializer):
    """Serializes the named tuples of esupervision.queries.listed; the model gives the
    fields' types for the schema."""

    applicant = serializers.CharField(source="applicant_name")
    handling_item = serializers.CharField(source="handling_item_name")
    state = serializers.CharField()
    state_display = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField(help_text=gettext_lazy("办件全过程记录的地址"))

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "applicant",
            "handling_item",
            "state",
            "state_display",
            "accepted_on",
            "promised_due",
            "statutory_due",
            "delivery_due",
            "history",
        ]
        read_only_fields = fields

    def get_state_display(self, case: queries.ListedCase) -> str:
        return tables.state_label(case.state)

    def get_history(self, case: queries.ListedCase) -> str:
        return queries.history_url(case.id)


class RuleHitSerializer(serializers.ModelSerializer):
    """Serializes the named tuples of esupervision.queries.rule_hits."""

    rule_display = serializers.SerializerMethodField()
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField()
    action = serializers.CharField()
    seq = serializers.IntegerField(help_text=gettext_lazy("办件记录顺序号"))
    detail = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = RuleHit
        fields = [
            "id",
            "rule",
            "rule_display",
            "case",
            "case_number",
            "seq",
            "action",
            "actor_name",
            "on",
            "at",
            "detail",
            "history",
        ]
        read_only_fields = fields

    def get_rule_display(self, hit: queries.ListedHit) -> str:
        return str(Rule(hit.rule).label)

    def get_detail(self, hit: queries.ListedHit) -> str:
        return tables.hit_detail(hit)

    def get_history(self, hit: queries.ListedHit) -> str:
        return queries.history_url(hit.case_id)


class StatRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("分组的编号（部门、科室、事项、工作人员）或月份首日"),
    )
    # A field named like Field.label (its caption), which the stubs type as a str.
    label = serializers.CharField()  # type: ignore[assignment]
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    decided = serializers.IntegerField()
    on_time = serializers.IntegerField(help_text=gettext_lazy("在承诺时限内作出决定的件数"))
    on_time_share = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("按时办结率（%）")
    )
    avg_days = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("受理至决定的平均工作日（不含中止）")
    )
    p90_days = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("90%的办件在此工作日数内作出决定")
    )
    online = serializers.IntegerField()
    online_share = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("网上收件占比（%）")
    )
    visits = serializers.IntegerField(help_text=gettext_lazy("到现场次数合计"))
    visits_per_case = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    rating = serializers.FloatField(allow_null=True)
    cases = serializers.IntegerField(
        allow_null=True,
        help_text=gettext_lazy(
            "按科室、经办人统计时：经办的办件数，每件每科室（人）只计一次，计入其首次经办的期间；其他分组为 null"
        ),
    )
    steps = serializers.IntegerField(help_text=gettext_lazy("完成的审批环节数"))
    steps_clerk = serializers.IntegerField(help_text=gettext_lazy("其中受理环节"))
    steps_reviewer = serializers.IntegerField(help_text=gettext_lazy("其中审查环节"))
    steps_signatory = serializers.IntegerField(help_text=gettext_lazy("其中决定环节"))
    steps_on_time = serializers.IntegerField(
        help_text=gettext_lazy("有环节时限且在时限内完成的环节数")
    )
    steps_late = serializers.IntegerField(help_text=gettext_lazy("有环节时限但超时完成的环节数"))
    inspections = serializers.IntegerField(help_text=gettext_lazy("参加现场核查的人次"))


class StatisticsSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.CharField()
    rows = StatRowSerializer(many=True)
    totals = StatRowSerializer()
    rolled_up_at = serializers.DateTimeField(allow_null=True)


# "from" is a Python keyword, so the query serializer is built with type().
StatisticsQuery = type(
    "StatisticsQuery",
    (serializers.Serializer,),
    {
        "by": serializers.ChoiceField(
            choices=queries.By.ALL,
            required=False,
            default=queries.By.DEPARTMENT,
            help_text=gettext_lazy("分组：department、section、item、handler 或 month"),
            error_messages={"invalid_choice": gettext_lazy("“{input}”不是有效的取值")},
        ),
        "from": date_field(gettext_lazy("起始日期（含），YYYY-MM-DD；默认本月1日")),
        "to": date_field(gettext_lazy("截止日期（含），YYYY-MM-DD；默认本月末")),
    },
)


class ReformQuery(serializers.Serializer):
    on = date_field(gettext_lazy("办事指南生效日期（含），YYYY-MM-DD；默认今天"))


class ReformRowSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField()
    handling_item = serializers.CharField()
    baseline = inline_serializer(
        "ReformBaselineFigures",
        {
            "materials": serializers.IntegerField(),
            "steps": serializers.IntegerField(),
            "days": serializers.IntegerField(),
        },
        allow_null=True,
    )
    materials = serializers.IntegerField(help_text=gettext_lazy("现行主办理项的申请材料数"))
    steps = serializers.IntegerField(help_text=gettext_lazy("现行主办理项的审批环节数"))
    days = serializers.IntegerField(help_text=gettext_lazy("现行承诺时限（工作日），即办件为0"))
    materials_cut = serializers.FloatField(allow_null=True, help_text=gettext_lazy("压减比例（%）"))
    steps_cut = serializers.FloatField(allow_null=True)
    days_cut = serializers.FloatField(allow_null=True)
    meets_target = serializers.BooleanField(
        allow_null=True, help_text=gettext_lazy("三项均压减50%以上")
    )


class ReformSerializer(serializers.Serializer):
    on = serializers.DateField()
    target = serializers.IntegerField()
    without_baseline = serializers.IntegerField()
    rows = ReformRowSerializer(many=True)


# --- views --------------------------------------------------------------------------------


class Overview(ScopedView, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_overview",
        summary=gettext_lazy("电子监察总览"),
        parameters=[REGION],
        description=gettext_lazy(
            "实时的黄牌、红牌、法定时限预警和逾期办件数，异常行为命中数，未签收推送和逾期技术支撑请求数。"
        ),
        responses={200: OverviewSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = self.scope()
        on = today()
        pushes = queries.unsigned_pushes(scope, on)
        support = queries.overdue_support_requests(scope, on)
        return Response(
            OverviewSerializer(
                {
                    "region": scope.region.code if scope.region else None,
                    "on": on,
                    "warnings": queries.warning_counts(scope, on),
                    "overdue": queries.overdue_counts(scope, on),
                    "rule_hits": queries.rule_hit_counts(scope),
                    "unsigned_pushes": pushes.count(),
                    # Annotated by linkage.queries.unsigned_pushes; the stubs see only Push.
                    "overdue_unsigned_pushes": pushes.filter(overdue=True).count(),  # type: ignore[misc]
                    "overdue_support_requests": support.count(),
                    "rolled_up_at": last_rollup_at(),
                }
            ).data
        )


class WarningCases(ScopedView, ListAPIView):
    serializer_class = SupervisedCaseSerializer

    def get_queryset(self) -> QuerySet:
        level = self.kwargs["level"]
        if level not in case_jobs.Level.ALL:
            raise NotFound()
        return queries.warning_cases(self.scope(), today(), level)

    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_warning_cases",
        summary=gettext_lazy("预警办件列表"),
        parameters=[
            REGION,
            OpenApiParameter(
                "level", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(case_jobs.Level.ALL)
            ),
        ],
        description=gettext_lazy("yellow 黄牌、red 红牌、statutory 法定时限预警，最紧急的在前。"),
        responses={200: SupervisedCaseSerializer(many=True), **ERRORS, 404: ErrorSerializer},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class OverdueCases(ScopedView, ListAPIView):
    serializer_class = SupervisedCaseSerializer

    def get_queryset(self) -> QuerySet:
        kind = self.kwargs["kind"]
        if kind not in queries.Overdue.ALL:
            raise NotFound()
        return queries.overdue_cases(self.scope(), today(), kind)

    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_overdue_cases",
        summary=gettext_lazy("逾期办件列表"),
        parameters=[
            REGION,
            OpenApiParameter(
                "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(queries.Overdue.ALL)
            ),
        ],
        description=gettext_lazy(
            "statutory 超过法定时限未决定、delivery 超过送达期限、special_procedure 特别程序超期。"
        ),
        responses={200: SupervisedCaseSerializer(many=True), **ERRORS, 404: ErrorSerializer},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class RuleHits(ScopedView, ListAPIView):
    serializer_class = RuleHitSerializer

    def get_queryset(self) -> QuerySet:
        return queries.rule_hits(self.scope(), self.request.query_params.get("rule", ""))

    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_rule_hits",
        summary=gettext_lazy("异常行为"),
        parameters=[
            REGION,
            OpenApiParameter(
                "rule", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, enum=Rule.values
            ),
        ],
        description=gettext_lazy(
            "违反异常行为规则的办件操作，最新的在前；每条附办件全过程记录的地址。"
        ),
        responses={200: RuleHitSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class ExpertOverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="review.case_id")
    case_number = serializers.CharField(source="review.case.number")
    applicant = serializers.CharField(source="review.case.applicant.name")
    kind = serializers.CharField(help_text=gettext_lazy("appointment 指定，replacement 撤换后重抽"))
    kind_display = serializers.CharField(source="get_kind_display")
    reason = serializers.CharField()
    drawn = serializers.ListField(child=serializers.IntegerField())
    by = serializers.CharField(source="drawn_by.username")
    on = serializers.DateField()


class ExpertOverrides(ScopedView, ListAPIView):
    serializer_class = ExpertOverrideSerializer

    def get_queryset(self) -> QuerySet:
        return queries.expert_draw_overrides(self.scope())

    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_expert_overrides",
        summary=gettext_lazy("专家抽取人工干预"),
        parameters=[REGION],
        description=gettext_lazy("工作人员指定专家或撤换抽中专家的记录及理由，最新的在前。"),
        responses={200: ExpertOverrideSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class Statistics(ScopedView, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_statistics",
        summary=gettext_lazy("办件统计"),
        parameters=[REGION, StatisticsQuery],
        description=gettext_lazy(
            "按部门、科室、事项、经办人或月份统计收件、受理、办结、按时办结、平均与90%用时、网办率、到现场次数和评价，以及完成的审批环节、现场核查和经办办件数。"
        ),
        responses={200: StatisticsSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = self.scope()
        query = StatisticsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        first, last = queries.month_bounds(today())
        report = queries.statistics(
            scope,
            start=query.validated_data.get("from") or first,
            end=query.validated_data.get("to") or last,
            by=query.validated_data["by"],
        )
        for row in [*report.rows, report.totals]:
            row.key = None if row.key is None else str(row.key)
        return Response(StatisticsSerializer(report).data)


class ReformMeasures(ScopedView, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_reform_measures",
        summary=gettext_lazy("改革成效：材料、环节、时限压减"),
        parameters=[REGION, ReformQuery],
        responses={200: ReformSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = self.scope()
        query = ReformQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or today()
        return Response(ReformSerializer(queries.reform_measures(scope, on=on)).data)


# --- the leader's view: weekly trend and comparisons ---------------------------------------


class WeekSerializer(serializers.Serializer):
    start = serializers.DateField(help_text=gettext_lazy("周一"))
    end = serializers.DateField(help_text=gettext_lazy("周日"))
    received = serializers.IntegerField()
    decided = serializers.IntegerField()
    overdue = serializers.IntegerField(
        help_text=gettext_lazy("当周作出决定但已超过承诺时限的办件数")
    )


class ComparedSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("区划代码或部门编号；null 为未注明部门")
    )
    # A field named like Field.label (its caption), which the stubs type as a str.
    label = serializers.CharField()  # type: ignore[assignment]
    received = serializers.IntegerField()
    decided = serializers.IntegerField()
    overdue = serializers.IntegerField()


class TrendSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    weeks = WeekSerializer(many=True)
    regions = ComparedSerializer(many=True)
    departments = ComparedSerializer(many=True)


class Trend(ScopedView, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_trend",
        summary=gettext_lazy("近12周收件、办结、超期办结及地区、部门对比"),
        parameters=[REGION],
        description=gettext_lazy(
            "领导驾驶舱的数字：近12周（周一至周日，本周在最后）每周收件、办结、超期办结，以及同期各下级地区和各部门的对比，与页面和下载一致。"
        ),
        responses={200: TrendSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = self.scope()
        trend = leader.weekly_trend(scope, today())
        regions = leader.by_region(scope, trend.start, trend.end) if len(scope.prefix) < 6 else []
        return Response(
            TrendSerializer(
                {
                    "start": trend.start,
                    "end": trend.end,
                    "weeks": trend.weeks,
                    "regions": regions,
                    "departments": leader.by_department(scope, trend.start, trend.end),
                }
            ).data
        )
