"""GET /api/v1/esupervision/projects: the construction projects' stage and project warnings
and their approval time per project kind and per stage (`projects`), scoped as every
e-supervision endpoint (`api.ScopedView`)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today

from . import projects, queries
from .api import ERRORS, REGION, TAG, ScopedView, StatisticsQuery


class TimeRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    # A field named like Field.label (its caption), which the stubs type as a str.
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True, help_text=gettext_lazy("平均工作日"))
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("90%分位（最近秩）"))
    longest = serializers.IntegerField(allow_null=True)
    within = serializers.IntegerField(help_text=gettext_lazy("在时限内的件数"))
    within_share = serializers.FloatField(allow_null=True)


class ProjectSupervisionSerializer(serializers.Serializer):
    on = serializers.DateField()
    start = serializers.DateField()
    end = serializers.DateField()
    stage_red = serializers.IntegerField()
    stage_yellow = serializers.IntegerField()
    project_red = serializers.IntegerField()
    project_yellow = serializers.IntegerField()
    by_kind = TimeRowSerializer(many=True)
    by_stage = TimeRowSerializer(many=True)


class ProjectSupervision(ScopedView, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="esupervision_projects",
        summary=gettext_lazy("工程建设项目审批监察：时限预警与审批用时"),
        description=gettext_lazy(
            "在办阶段的阶段红黄牌数、项目全流程红黄牌数（每个项目计一次）；期间内完成联合验收的"
            "项目按项目类型、期间内办结的阶段按审批阶段统计的工作日用时（申请人时间不计）。"
            "默认统计本年1月1日至本月末。"
        ),
        parameters=[REGION, StatisticsQuery],
        responses={200: ProjectSupervisionSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = self.scope()
        query = StatisticsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = today()
        first, last = queries.month_bounds(on)
        start = query.validated_data.get("from") or first.replace(month=1)
        end = query.validated_data.get("to") or last
        counts = projects.warning_counts(scope, on)
        report = projects.approval_time(scope, start=start, end=end, on=on)
        return Response(
            ProjectSupervisionSerializer(
                {
                    "on": on,
                    "start": start,
                    "end": end,
                    **counts.__dict__,
                    "by_kind": report.by_kind,
                    "by_stage": report.by_stage,
                }
            ).data
        )
