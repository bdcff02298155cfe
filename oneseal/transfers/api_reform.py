"""The reform tasks and rollout API (/api/v1/transfers/reforms/…, …/rollouts/…): a reform's
task table with its phases and warnings, a progress report (multipart, with an optional
attachment), and a rollout's city dashboard. Another region's reform or rollout is a 404 that
says nothing of it; writes call `tasks` and `rollout`, which decide who may."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.interface.rest import ErrorSerializer, parse

from . import api_tasks, rollout, tasks
from .models import ReformTask

TAG = "transfers"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class TaskLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="task.pk")
    title = serializers.CharField(source="task.title")
    lead_unit = serializers.CharField(source="task.lead_unit_name")
    helping_units = serializers.CharField(source="task.helping_unit_names")
    deadline = serializers.DateField(source="task.deadline")
    phase = serializers.CharField(source="task.milestone.name", default="")
    status = serializers.CharField(source="task.status")
    percent = serializers.IntegerField(source="task.percent")
    overdue_days = serializers.IntegerField()
    warning = serializers.CharField()


class PhaseSerializer(serializers.Serializer):
    name = serializers.CharField(source="milestone.name")
    due_on = serializers.DateField(source="milestone.due_on")
    tasks = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    reached = serializers.BooleanField()


class TaskTableSerializer(serializers.Serializer):
    name = serializers.CharField()
    plan_document = serializers.CharField()
    phases = PhaseSerializer(many=True)
    tasks = TaskLineSerializer(many=True)


class ReportInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    percent = serializers.CharField()
    file = serializers.FileField(required=False)


class CountyLineSerializer(serializers.Serializer):
    region = serializers.CharField(source="county.region.code")
    name = serializers.CharField(source="county.region.name")
    phase = serializers.CharField()
    items_transferred = serializers.IntegerField()
    staff_moved = serializers.IntegerField()
    staff_base = serializers.IntegerField()
    cases = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    county = serializers.IntegerField(source="county.pk")
    filing = serializers.CharField(source="filing.state", default="")
    seal = serializers.CharField(source="seal.state", default="")
    accounts = serializers.IntegerField()
    accounts_active = serializers.IntegerField()


def _table(reform) -> dict:
    lines = tasks.task_table(reform)
    return {
        "name": reform.name,
        "plan_document": reform.plan_document,
        "phases": tasks.phases(reform, lines),
        "tasks": lines,
    }


class TaskTable(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="reform_tasks",
        summary=gettext_lazy("改革任务分工表"),
        responses={200: TaskTableSerializer, **ERRORS},
    )
    def get(self, request, pk: int):
        reform = get_object_or_404(tasks.visible_reforms(request.user), pk=pk)
        return Response(TaskTableSerializer(_table(reform)).data)

    @extend_schema(
        tags=[TAG],
        operation_id="add_reform_task",
        summary=gettext_lazy("添加改革任务"),
        description=gettext_lazy("改革办添加；牵头单位和配合单位须为本次改革区划内的单位。"),
        request=api_tasks.TaskInput,
        responses={201: api_tasks.TaskSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        return api_tasks.add_task(request, pk)


class TaskReport(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="report_task_progress",
        summary=gettext_lazy("报告任务进展"),
        request={"multipart/form-data": ReportInput},
        responses={200: TaskTableSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        visible = tasks.visible_reforms(request.user)
        task = get_object_or_404(ReformTask.objects.filter(reform__in=visible), pk=pk)
        data = parse(ReportInput, request.data)
        tasks.report_progress(
            task,
            actor=request.user,
            text=data["text"],
            percent=data["percent"],
            upload=data.get("file"),
        )
        return Response(TaskTableSerializer(_table(task.reform)).data)


class Dashboard(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="rollout_dashboard",
        summary=gettext_lazy("全市推开进度"),
        responses={200: CountyLineSerializer(many=True), **ERRORS},
    )
    def get(self, request, pk: int):
        started = get_object_or_404(rollout.visible_rollouts(request.user), pk=pk)
        lines = rollout.dashboard(started, request.user)
        return Response(CountyLineSerializer(lines, many=True).data)
