"""The reform task API's writes (/api/v1/transfers/reforms…, …/reform-tasks/…): a reform with
its phases, a phase added, a task with its lead and helping units, and a task's status. A
reform or task outside the caller's region is a 404 that says nothing of it; units are given
as `bureau:<id>` or `department:<id>` and looked up within the reform's region; `tasks`
decides who may."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.errors import ValidationFailed
from oneseal.interface.rest import DATE_FORMAT, ErrorSerializer, listed_choices, parse
from oneseal.organisation.models import Bureau, Department
from oneseal.organisation.rules import staff_of

from . import tasks
from .models import Milestone, Reform, ReformTask, TaskStatus

TAG = "transfers"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
BAD_DATE = {"invalid": gettext_lazy("日期格式应为 YYYY-MM-DD，例如 2025-07-01")}
UNIT_HELP = gettext_lazy("单位：bureau:<审批局 id> 或 department:<部门 id>")


def _date(help_text, **kwargs) -> serializers.DateField:
    return serializers.DateField(
        input_formats=[DATE_FORMAT], help_text=help_text, error_messages=BAD_DATE, **kwargs
    )


class SignedIn:
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class MilestoneInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    due_on = _date(gettext_lazy("完成时限 YYYY-MM-DD"))


class ReformInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    plan_document = serializers.CharField(max_length=200)
    milestones = MilestoneInput(many=True, required=False)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due_on"]
        read_only_fields = fields


class ReformDetailSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_code")
    milestones = MilestoneSerializer(many=True)

    class Meta:
        model = Reform
        fields = ["id", "region", "name", "plan_document", "milestones"]
        read_only_fields = fields


class Reforms(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="create_reform",
        summary=gettext_lazy("建立改革及其阶段节点"),
        description=gettext_lazy("改革办（本区划签批领导或系统管理员）在本人管辖区划建立。"),
        request=ReformInput,
        responses={201: ReformDetailSerializer, **ERRORS},
    )
    def post(self, request):
        data = parse(ReformInput, request.data)
        staff = staff_of(request.user)
        if staff is None:
            raise Http404()
        reform = tasks.create_reform(
            staff.region,
            actor=request.user,
            name=data["name"],
            plan_document=data["plan_document"],
            milestones=[(m["name"], m["due_on"]) for m in data.get("milestones", [])],
        )
        return Response(ReformDetailSerializer(reform).data, status=status.HTTP_201_CREATED)


class Milestones(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="add_milestone",
        summary=gettext_lazy("添加阶段节点"),
        request=MilestoneInput,
        responses={201: MilestoneSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        reform = get_object_or_404(tasks.visible_reforms(request.user), pk=pk)
        data = parse(MilestoneInput, request.data)
        milestone = tasks.add_milestone(reform, actor=request.user, **data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class UnitField(serializers.CharField):
    """`bureau:<id>` or `department:<id>`, checked for shape here; found in `resolve_units`."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        kind, _sep, pk = value.partition(":")
        if kind not in ("bureau", "department") or not pk.isdigit() or len(pk) > 18:
            raise serializers.ValidationError(
                gettext_lazy("单位应写作 bureau:<id> 或 department:<id>")
            )
        return (kind, int(pk))


def _unit(reform: Reform, key: tuple[str, int]):
    bureaus, departments = tasks.region_units(reform.region)
    kind, pk = key
    return (bureaus if kind == "bureau" else departments).filter(pk=pk).first()


class TaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    lead_unit = UnitField(help_text=UNIT_HELP)
    helping_units = serializers.ListField(child=UnitField(), required=False, max_length=50)
    deadline = _date(gettext_lazy("完成时限 YYYY-MM-DD"))
    milestone = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text=gettext_lazy("阶段 id")
    )


class UnitSerializer(serializers.Serializer):
    key = serializers.SerializerMethodField()
    name = serializers.CharField()

    def get_key(self, obj) -> str:
        return f"{'bureau' if isinstance(obj, Bureau) else 'department'}:{obj.pk}"


class TaskSerializer(serializers.ModelSerializer):
    lead_unit = serializers.SerializerMethodField()
    lead_unit_name = serializers.CharField()
    helping_units = serializers.SerializerMethodField()

    class Meta:
        model = ReformTask
        fields = [
            "id",
            "reform",
            "milestone",
            "title",
            "lead_unit",
            "lead_unit_name",
            "helping_units",
            "deadline",
            "status",
            "percent",
            "done_on",
        ]
        read_only_fields = fields

    def get_lead_unit(self, obj) -> str | None:
        unit = obj.lead_unit
        return UnitSerializer(unit).data["key"] if unit is not None else None

    def get_helping_units(self, obj) -> list[str]:
        units: list[Bureau | Department] = [*obj.helping_bureaus.all()]
        units += list(obj.helping_departments.all())
        return [UnitSerializer(u).data["key"] for u in units]


def add_task(request, pk: int) -> Response:
    """POST on a reform's task table (the view lives with the table's GET in `api_reform`)."""
    reform = get_object_or_404(tasks.visible_reforms(request.user), pk=pk)
    data = parse(TaskInput, request.data)
    errors: dict[str, list] = {}
    lead = _unit(reform, data["lead_unit"])
    if lead is None:
        errors["lead_unit"] = [gettext_lazy("单位不存在或不在本次改革区划内")]
    helping = [_unit(reform, key) for key in data.get("helping_units", [])]
    if any(u is None for u in helping):
        errors["helping_units"] = [gettext_lazy("单位不存在或不在本次改革区划内")]
    milestone = None
    if "milestone" in data:
        milestone = reform.milestones.filter(pk=data["milestone"]).first()
        if milestone is None:
            errors["milestone"] = [gettext_lazy("该阶段不属于本次改革")]
    if errors:
        raise ValidationFailed(fields=errors)
    task = tasks.add_task(
        reform,
        actor=request.user,
        title=data["title"],
        lead_unit=lead,
        helping_units=helping,
        deadline=data["deadline"],
        milestone=milestone,
    )
    return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class StatusInput(serializers.Serializer):
    status = listed_choices(TaskStatus.choices, help_text=gettext_lazy("任务状态"))


class TaskStatusView(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="set_task_status",
        summary=gettext_lazy("变更改革任务状态"),
        description=gettext_lazy(
            "牵头单位的工作人员或改革办变更；已完成的任务只能由改革办重新打开。"
        ),
        request=StatusInput,
        responses={200: TaskSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        task = get_object_or_404(
            ReformTask.objects.filter(reform__in=tasks.visible_reforms(request.user)), pk=pk
        )
        data = parse(StatusInput, request.data)
        task = tasks.set_task_status(task, actor=request.user, status=data["status"])
        return Response(TaskSerializer(task).data)
