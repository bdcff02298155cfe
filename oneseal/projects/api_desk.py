"""The lead section's desk in the API: GET /api/v1/stage-applications (the queue, filtered as
the page is) and /api/v1/stage-applications/<id> (one stage with every case's blockers). Scoped
as the page: staff of the template's lead section over their region; anyone else gets 403 for
the list and a stage outside their desk 404, saying nothing about it."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from oneseal.calendars.queries import today
from oneseal.errors import NotPermitted
from oneseal.interface.rest import ErrorSerializer

from . import desk
from .models import ProjectKind, Stage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TAG = "projects"


class CaseLineOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    item = serializers.CharField()
    # A field named like Field.required (whether input must give it), typed as a bool.
    required = serializers.BooleanField()  # type: ignore[assignment]
    state = serializers.CharField()
    state_display = serializers.CharField()
    waits_on = serializers.ListField(child=serializers.CharField())
    blockers = serializers.ListField(child=serializers.CharField(), required=False)


class ClockOut(serializers.Serializer):
    received_on = serializers.DateField()
    limit_days = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()
    due_on = serializers.DateField(allow_null=True)
    paused = serializers.BooleanField()
    concluded_on = serializers.DateField(allow_null=True)
    warning = serializers.CharField()


class DeskProjectClockOut(serializers.Serializer):
    started_on = serializers.DateField(allow_null=True)
    limit_days = serializers.IntegerField(allow_null=True)
    used = serializers.IntegerField()
    remaining = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    warning = serializers.CharField()


class SharedStepOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    opened_on = serializers.DateField()


class StageRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField()
    project_code = serializers.CharField()
    project_name = serializers.CharField()
    project_kind = serializers.CharField()
    owner = serializers.CharField()
    region = serializers.CharField()
    stage = serializers.IntegerField()
    stage_display = serializers.CharField()
    template = serializers.CharField()
    lead_section = serializers.CharField(allow_null=True)
    outcome = serializers.CharField()
    warning = serializers.CharField()
    clock = ClockOut()
    project_clock = DeskProjectClockOut()
    cases = CaseLineOut(many=True)
    shared_steps = SharedStepOut(many=True)


def row_out(row: desk.Row) -> dict:
    s = row.standing
    a, p = s.application, s.application.project
    return {
        "id": a.pk,
        "project": p.pk,
        "project_code": p.code,
        "project_name": p.name,
        "project_kind": p.kind,
        "owner": p.owner.name,
        "region": p.region.code,
        "stage": a.stage,
        "stage_display": a.get_stage_display(),
        "template": str(a.template),
        "lead_section": s.lead_section.name if s.lead_section is not None else None,
        "outcome": a.bundle.outcome,
        # The levels are annotated by desk.with_levels; the stubs see only the model.
        "warning": s.level,  # type: ignore[attr-defined]
        "clock": {
            "received_on": s.received_on,
            "limit_days": s.limit_days,
            "used": s.limit_days - row.remaining,
            "remaining": row.remaining,
            "due_on": s.due_on,
            "paused": s.paused,
            "concluded_on": s.concluded_on,
            "warning": s.stage_level,  # type: ignore[attr-defined]
        },
        "project_clock": {
            "started_on": s.project_started_on,
            "limit_days": s.project_limit,
            "used": (
                s.project_limit - row.project_remaining
                if row.project_remaining is not None and s.project_limit is not None
                else s.project_used
            ),
            "remaining": row.project_remaining,
            "due_on": s.project_due_on,
            "completed_on": s.project_completed_on,
            "warning": s.project_level,  # type: ignore[attr-defined]
        },
        "cases": [
            {
                "pk": line.pk,
                "number": line.number,
                "item": line.item,
                "required": line.required,
                "state": line.state,
                "state_display": line.state_display,
                "waits_on": line.waits_on,
            }
            | ({"blockers": line.blockers} if line.blockers is not None else {})
            for line in row.cases
        ],
        "shared_steps": [
            {"id": j.pk, "kind": j.kind, "title": j.title, "opened_on": j.opened_on}
            for j in row.shared_steps
        ],
    }


def _param(
    name: str,
    description: "StrOrPromise",
    kind: OpenApiTypes = OpenApiTypes.STR,
    enum: Sequence[object] | None = None,
) -> OpenApiParameter:
    return OpenApiParameter(
        name, kind, OpenApiParameter.QUERY, required=False, description=description, enum=enum
    )


FILTERS = [
    _param("stage", gettext_lazy("审批阶段：1–4"), OpenApiTypes.INT, enum=Stage.values),
    _param("kind", gettext_lazy("项目类型"), enum=ProjectKind.values),
    _param("warning", gettext_lazy("预警级别（阶段或项目时限中较重者）"), enum=["red", "yellow"]),
    _param(
        "status", gettext_lazy("open：在办（默认）；concluded：已办结"), enum=["open", "concluded"]
    ),
]


class StageApplications(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="stage_desk",
        summary=gettext_lazy("牵头科室的阶段申请队列"),
        description=gettext_lazy(
            "本人所在科室为阶段模板牵头科室、且项目在本人管辖区划内的阶段申请，红牌、黄牌在前，"
            "再按阶段到期日排列；每个阶段含阶段时限、项目全流程时限和各办件的状态与待办事项。"
        ),
        parameters=FILTERS,
        responses={200: StageRowOut(many=True), 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        filters = desk.Filters.parse(request.query_params)
        on = today()
        standings = desk.queue(request.user, filters, on)
        page = self.paginate_queryset(standings)
        assert page is not None  # the API always paginates (DEFAULT_PAGINATION_CLASS)
        rows = [row_out(r) for r in desk.rows(page, on)]
        return self.get_paginated_response(StageRowOut(rows, many=True).data)


class StageApplicationDetail(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="stage_desk_detail",
        summary=gettext_lazy("牵头科室工作台上的一个阶段申请"),
        description=gettext_lazy("各办件另列出办理下一步的全部阻碍（受理、决定或送达）。"),
        responses={200: StageRowOut, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        on = today()
        try:
            standing = desk.stage_on_desk(request.user, pk, on)
        except NotPermitted:
            raise Http404 from None
        row = desk.rows([standing], on)[0]
        desk.add_blockers(row, on)
        return Response(StageRowOut(row_out(row)).data)
