"""The cases API (/api/v1/applicants, /api/v1/cases…): open a case, read it, and act on it.

Every read and every write loads the case through `visible_cases`, so a case outside the
caller's scope is a 404 that says nothing about it. Each action endpoint is thin: parse the
body with its input serializer, call the one action in `oneseal.cases.actions` (which checks
the role, locks the row, checks the transition and the `expected_version`, records the event),
and answer with the case as it now is. Domain errors are rendered by `api.errors`:
NotPermitted → 403, Conflict → 409, any other → 400.

The API records every action as of today: back-dating is not offered, except where the action
itself is about a past date (the day of a site inspection)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.applicants.actions import register_applicant
from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.rules import WorkCalendar
from oneseal.cases import actions, jobs
from oneseal.cases import rules as case_rules
from oneseal.cases.actions import review as review_actions
from oneseal.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    Channel,
    Commitment,
    CommitmentVerification,
    Delivery,
    Licence,
    RevocationProposal,
    State,
    Upload,
)
from oneseal.cases.queries import (  # noqa: F401 (re-exported for the API modules)
    DETAIL_PREFETCH,
    case_details,
    case_rows,
    is_scoped_staff,
    staff_sees,
    visible_applicants,
    visible_cases,
)
from oneseal.catalogue.models import HandlingItem, ReviewStep, SpecialProcedure
from oneseal.documents.models import Document
from oneseal.documents.queries import documents_for
from oneseal.errors import ValidationFailed
from oneseal.portal import queries as portal_queries
from oneseal.portal import rules as portal_rules

from .serializers import DATE_FORMAT, ErrorSerializer, date_field

CASES = "cases"

# Warning thresholds (working days). Officials will set these at run time; until the setting
# exists they are fixed here.

WARNING_LABELS = {
    case_rules.Warning.NONE: "",
    case_rules.Warning.YELLOW: _l("黄牌：承诺时限即将届满"),
    case_rules.Warning.RED: _l("红牌：已超过承诺时限"),
    case_rules.Warning.STATUTORY: _l("法定时限预警"),
}


# --- Scoping (oneseal.cases.queries) --------------------------------------------------------

def load_case(user, pk: int) -> Case:
    return get_object_or_404(visible_cases(user), pk=pk)


# --- Clocks -------------------------------------------------------------------------------

def today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Clocks:
    acceptance_due: datetime.date
    acceptance_due_provisional: bool
    accepted_on: datetime.date | None
    deemed_accepted: bool
    promised_due: datetime.date | None
    statutory_due: datetime.date | None
    due_provisional: bool
    running: bool
    promised_remaining: int | None
    statutory_remaining: int | None
    warning: str
    warning_display: str


def clocks_of(case: Case, cal: WorkCalendar, on: datetime.date) -> Clocks:
    """The decision clocks run only while a case is accepted; a suspended case shows the working
    days it kept at the suspension (《行政许可法》第四十五条); before acceptance and after the
    decision there is nothing to count."""
    promised_left = statutory_left = None
    warning = case_rules.Warning.NONE
    running = case.state == State.ACCEPTED and case.promised_due is not None
    if running:
        promised_left = case_rules.remaining(cal, on, case.promised_due)
        statutory_left = case_rules.remaining(cal, on, case.statutory_due)
        warning = case_rules.warning_level(cal, on, case.promised_due, case.statutory_due,
                                           yellow_at=jobs.yellow_at(), statutory_alarm_at=jobs.statutory_alarm_at())
    elif case.state == State.SUSPENDED:
        promised_left = case.promised_remaining_at_suspension
        statutory_left = case.statutory_remaining_at_suspension
    return Clocks(
        acceptance_due=case.acceptance_due, acceptance_due_provisional=case.acceptance_due_provisional,
        accepted_on=case.accepted_on, deemed_accepted=case.deemed_accepted, promised_due=case.promised_due,
        statutory_due=case.statutory_due, due_provisional=case.due_provisional, running=running,
        promised_remaining=promised_left, statutory_remaining=statutory_left, warning=warning,
        warning_display=str(WARNING_LABELS[warning]),
    )


def with_clocks(cases) -> list[Case]:
    cal, on = current_calendar(), today()
    for case in cases:
        case.clocks = clocks_of(case, cal, on)
    return list(cases)


def detail_of(user, pk: int) -> Case:
    case = get_object_or_404(case_details(user), pk=pk)
    with_clocks([case])
    case.review_steps = actions.steps_of(case)
    return case


def require_visible(user, pk: int) -> Case:
    """404 unless the caller may see case `pk`; the action locks and reads the row itself,
    so only its existence in the caller's scope is asked here."""
    if not visible_cases(user).filter(pk=pk).exists():
        raise Http404
    return Case(pk=pk)


def _prefilled(instance, name: str, objects) -> None:
    """Fill a reverse relation's prefetch cache with rows this request already holds."""
    rows = getattr(instance, name).all()
    rows._result_cache, rows._prefetch_done = list(objects), True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = rows


ONE_TO_ONE = ("licence", "commitment", "commitment_verification")
LOCKED_JOINS = ("handling_item", "applicant", "bureau", "region")


def opened_detail(case: Case) -> Case:
    """The detail of a case `actions.receive` just opened, from what it wrote: nothing to
    read back (its checklist lines have no uploads yet; no licence, no commitment)."""
    for line in case.new_lines:
        _prefilled(line, "uploads", [])
    _prefilled(case, "materials", case.new_lines)
    _prefilled(case, "events", case.new_events)
    for name in ONE_TO_ONE:
        Case._meta.get_field(name).set_cached_value(case, None)
    with_clocks([case])
    case.review_steps = review_actions.planned_steps(case)
    return case


def acted_detail(case: Case) -> Case:
    """The detail of a case an action just returned from under its lock (the caller was
    checked by `require_visible`): the row and its lists are read again, the handling item,
    applicant and bureau the lock read are reused."""
    fresh = (Case.objects.select_related(*ONE_TO_ONE)
             .prefetch_related(*DETAIL_PREFETCH).get(pk=case.pk))
    for name in LOCKED_JOINS:
        field = Case._meta.get_field(name)
        if field.is_cached(case):
            field.set_cached_value(fresh, field.get_cached_value(case))
    with_clocks([fresh])
    fresh.review_steps = actions.steps_of(fresh)
    return fresh


# --- Input serializers --------------------------------------------------------------------

def required_text(max_length: int, help_text) -> serializers.CharField:
    # Blank passes here so that the action's own message, which names the rule, is the one shown.
    return serializers.CharField(max_length=max_length, allow_blank=True, help_text=help_text)


def optional_text(max_length: int, help_text) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, default="",
                                 help_text=help_text)


def choices_of(choices, *, help_text, required=True) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=required, help_text=help_text,
                                   error_messages={"invalid_choice": _l("“{input}”不是有效的取值")})


@extend_schema_field(OpenApiTypes.STR)
class UnnamedChoiceField(serializers.ChoiceField):
    """A choice documented as a plain string whose help text lists the values. For a choice set
    that another component already exposes under the same field name, where an enum would need
    an ENUM_NAME_OVERRIDES entry in the settings to be named without a warning."""


def listed_choices(choices, *, help_text) -> serializers.ChoiceField:
    def text():
        return f"{help_text}：" + "、".join(f"{value}（{label}）" for value, label in choices)

    return UnnamedChoiceField(choices=choices, help_text=lazy(text, str)(),
                              error_messages={"invalid_choice": _l("“{input}”不是有效的取值")})


class LineMapField(serializers.DictField):
    """A JSON object keyed by checklist line ids ("12": …), parsed to {12: …}."""

    default_error_messages = {"not_a_line": _l("键“{value}”应为办件材料编号（整数）")}

    def to_internal_value(self, data):
        parsed = super().to_internal_value(data)
        out = {}
        for key, value in parsed.items():
            try:
                out[int(key)] = value
            except (TypeError, ValueError):
                self.fail("not_a_line", value=key)
        return out


def staff_users():
    return get_user_model().objects.filter(staff__isnull=False)


class ActionInput(serializers.Serializer):
    expected_version = serializers.IntegerField(
        required=False, min_value=0,
        help_text=_l("调用方看到的办件版本号（lock_version）；办件已被他人改动时返回 409"),
    )


class CheckMaterialsInput(ActionInput):
    statuses = LineMapField(child=choices_of(
        [c for c in CaseMaterial.Status.choices if c[0] != CaseMaterial.Status.TOLERATED], help_text=_l("材料状态")),
        help_text=_l("{材料清单行编号: 状态}"))
    notes = LineMapField(child=serializers.CharField(max_length=300, allow_blank=True), required=False,
                         default=dict, help_text=_l("{材料清单行编号: 说明}"))


class AcceptInput(ActionInput):
    tolerated = LineMapField(
        child=serializers.DateField(input_formats=[DATE_FORMAT],
                                    error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")}),
        required=False, default=dict,
        help_text=_l("容缺受理：{材料清单行编号: 承诺补齐日期 YYYY-MM-DD}"),
    )


class RefuseInput(ActionInput):
    clause = choices_of([("1", _l("第三十二条第一款第（一）项：不需要取得行政许可")),
                         ("2", _l("第三十二条第一款第（二）项：不属于本机关职权范围"))], help_text=_l("不予受理的依据"))
    reason = required_text(2000, _l("不予受理的理由"))
    competent_body = optional_text(200, _l("有权受理的行政机关（依第（二）项不予受理时必填）"))


class RequestCorrectionInput(ActionInput):
    items = LineMapField(child=serializers.CharField(max_length=300, allow_blank=True),
                         help_text=_l("一次性告知：{材料清单行编号: 需补正的内容}"))


class ApproveExtensionInput(ActionInput):
    government_approver = optional_text(100, _l("联合办理延长十五日时：批准的本级人民政府负责人（第四十二条第二款）"))
    approval_document = optional_text(100, _l("联合办理延长十五日时：批准文件或文号"))


class SuspendInput(ActionInput):
    kind = listed_choices(SpecialProcedure.Kind.choices, help_text=_l("特别程序"))
    reason = required_text(2000, _l("中止理由"))
    expected_days = serializers.IntegerField(min_value=1, help_text=_l("预计所需工作日数"))


class ReasonInput(ActionInput):
    reason = required_text(2000, _l("理由"))


class AssignStepInput(ActionInput):
    step = serializers.PrimaryKeyRelatedField(
        queryset=ReviewStep.objects.all(), help_text=_l("审批环节编号（steps[].review_step_id）"),
        error_messages={"does_not_exist": _l("审批环节 {pk_value} 不存在"), "incorrect_type": _l("应为整数编号")})
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=staff_users(), help_text=_l("承办人（工作人员账号编号）"),
        error_messages={"does_not_exist": _l("工作人员 {pk_value} 不存在"), "incorrect_type": _l("应为整数编号")})


class CompleteReviewStepInput(ActionInput):
    opinion = required_text(4000, _l("审查意见"))
    outcome = choices_of(CaseStep.Outcome.choices, help_text=_l("结论"))


class SiteInspectionInput(ActionInput):
    on = serializers.DateField(input_formats=[DATE_FORMAT], help_text=_l("核查日期 YYYY-MM-DD"),
                               error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")})
    place = required_text(300, _l("核查地点"))
    findings = required_text(4000, _l("核查情况"))
    inspectors = serializers.PrimaryKeyRelatedField(
        many=True, queryset=staff_users(), help_text=_l("核查人员（两名以上工作人员账号编号）"),
        error_messages={"does_not_exist": _l("工作人员 {pk_value} 不存在"), "incorrect_type": _l("应为整数编号")})


class GrantInput(ActionInput):
    # Which fields a grant needs depends on the handling item's variant; the action says (新办:
    # scope and validity; 变更: the new scope, validity unchanged; 延续: the new validity;
    # 补证: nothing new; 注销: nothing).
    scope = optional_text(2000, _l("许可范围（新办、变更必填；延续不填则不变；补证、注销不填）"))
    valid_from = serializers.DateField(input_formats=[DATE_FORMAT], required=False, allow_null=True, default=None,
                                       help_text=_l("有效期自 YYYY-MM-DD（新办必填；延续不填则自原有效期届满次日起）"),
                                       error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")})
    valid_until = serializers.DateField(input_formats=[DATE_FORMAT], required=False, allow_null=True, default=None,
                                        help_text=_l("有效期至 YYYY-MM-DD；新办长期有效时不填；延续不填则按办事指南的有效期"),
                                        error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")})


class DenyInput(ActionInput):
    reasons = serializers.ListField(child=serializers.CharField(max_length=2000, allow_blank=True),
                                    help_text=_l("不予许可的理由，逐条列明"))


class DeliverInput(ActionInput):
    channel = choices_of(Delivery.DeliveryChannel.choices, help_text=_l("送达方式"))
    tracking_number = optional_text(60, _l("邮件单号（邮寄送达时必填）"))


class SupplyToleratedInput(ActionInput):
    line = serializers.IntegerField(help_text=_l("容缺材料的清单行编号（materials[].id）"))


class RecordCommitmentInput(ActionInput):
    text = required_text(4000, _l("承诺内容：申请人承诺符合的许可条件"))
    signed_on = serializers.DateField(input_formats=[DATE_FORMAT], help_text=_l("承诺书签署日期 YYYY-MM-DD"),
                                      error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")})


class VerifyCommitmentInput(ActionInput):
    truthful = serializers.BooleanField(help_text=_l("核查结论：true 承诺属实，false 承诺不实（虚假承诺）"))
    findings = required_text(4000, _l("核查情况"))


class ProposeRevocationInput(ActionInput):
    facts = required_text(4000, _l("拟撤销的事实和理由（写入撤销行政许可告知书）"))
    basis = optional_text(300, _l("法律依据；不填为《行政许可法》第六十九条第一款"))
    hearing_right = serializers.BooleanField(
        required=False, default=False,
        help_text=_l("直接涉及持证人与他人之间重大利益（第四十七条）的，告知听证权利"))
    views_days = serializers.IntegerField(required=False, default=5, help_text=_l("陈述、申辩期限（工作日），5至30"))


class DatedInput(ActionInput):
    on = serializers.DateField(input_formats=[DATE_FORMAT], required=False, default=None, allow_null=True,
                               help_text=_l("日期 YYYY-MM-DD；不填为今天"),
                               error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")})


class RevocationViewsInput(ActionInput):
    views = required_text(8000, _l("陈述、申辩意见"))
    hearing_requested = serializers.BooleanField(required=False, default=False,
                                                 help_text=_l("申请听证（仅在告知书告知听证权利时）"))


class RevocationHearingInput(ActionInput):
    held_on = serializers.DateField(input_formats=[DATE_FORMAT], help_text=_l("听证日期 YYYY-MM-DD"),
                                    error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")})
    record = required_text(8000, _l("听证笔录摘要"))


class DecideRevocationInput(ActionInput):
    revoke = serializers.BooleanField(help_text=_l("true 决定撤销，false 决定不予撤销"))
    reason = required_text(4000, _l("决定理由：对陈述、申辩意见的复核"))


class UploadInput(serializers.Serializer):
    file = serializers.FileField(help_text=_l("PDF、JPG 或 PNG 文件"))


class ApplicantInput(serializers.Serializer):
    kind = choices_of(Applicant.Kind.choices, help_text=_l("申请人类型"))
    name = serializers.CharField(max_length=200, help_text=_l("姓名或名称"))
    number = serializers.CharField(max_length=40, help_text=_l("居民身份证号码或统一社会信用代码"))
    phone = serializers.CharField(max_length=40, help_text=_l("联系电话"))
    email = optional_text(254, _l("电子邮箱"))
    representative = optional_text(100, _l("法定代表人或负责人"))
    address = optional_text(300, _l("联系地址"))


class OpenCaseInput(serializers.Serializer):
    handling_item = serializers.PrimaryKeyRelatedField(
        queryset=HandlingItem.objects.select_related("item_version__item__catalogue__region__bureau"),
        help_text=_l("办理项编号（现行版本）"),
        error_messages={"does_not_exist": _l("办理项 {pk_value} 不存在"), "incorrect_type": _l("应为整数编号")})
    # The queryset is narrowed to the caller's applicants by the view (`visible_applicants`).
    applicant = serializers.PrimaryKeyRelatedField(
        queryset=Applicant.objects.none(), help_text=_l("申请人编号（见 POST /api/v1/applicants）"),
        error_messages={"does_not_exist": _l("申请人 {pk_value} 不存在"), "incorrect_type": _l("应为整数编号")})
    channel = choices_of(Channel.choices, help_text=_l("收件渠道：窗口或网上（申请人本人网上申请时为 online）"))
    agent_name = optional_text(100, _l("代办人"))
    agent_id_number = optional_text(18, _l("代办人身份证号码"))
    agent_phone = optional_text(40, _l("代办人电话"))
    licence = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text=_l("变更、延续、注销、补证所涉及的证照编号（licences[].id）"))
    licence_number = optional_text(40, _l("或：所涉及证照的证照编号（如 6402212025L000001）"))


def target_licence_of(user, data: dict):
    """The licence an application names, by id or number, among the licences the caller sees
    (a clerk: the register of their region; an applicant: their own). Whether it may be acted
    on is the action's to say."""
    from oneseal.cases.queries import visible_licences

    pk, number = data.pop("licence", None), data.pop("licence_number", "").strip().upper()
    if pk is None and not number:
        return None
    found = visible_licences(user).filter(**({"pk": pk} if pk is not None else {"number": number})).first()
    if found is None:
        name = "licence" if pk is not None else "licence_number"
        raise ValidationFailed(fields={name: [_("证照不存在或不在您可查看的范围内")]})
    return found


class CaseListQuery(serializers.Serializer):
    state = choices_of(State.choices, help_text=_l("状态"), required=False)
    handling_item = serializers.IntegerField(required=False, help_text=_l("办理项编号"))
    received_from = date_field(_l("收件日期起（含），YYYY-MM-DD"))
    received_to = date_field(_l("收件日期止（含），YYYY-MM-DD"))

    def validate(self, attrs):
        start, end = attrs.get("received_from"), attrs.get("received_to")
        if start and end and start > end:
            raise serializers.ValidationError({"received_to": [_("截止日期不能早于起始日期")]})
        return attrs


def parse(serializer_class, data, **kwargs) -> dict:
    parsed = serializer_class(data=data, **kwargs)
    parsed.is_valid(raise_exception=True)
    return dict(parsed.validated_data)


# --- Output serializers -------------------------------------------------------------------
#
# Each output serializer renders by hand (`render`): DRF's generic rendering builds every
# field object again for every response, which was most of an action's Python time. The
# declared fields remain the schema, and `generic_representation` (DRF's own rendering of
# the same fields) is what the tests compare every `render` with, so the two cannot drift.

def _str(value):
    return None if value is None else str(value)


def _int(value):
    return None if value is None else int(value)


def _bool(value):
    return None if value is None else bool(value)


def _date(value):
    return None if value is None else value.isoformat()


def _datetime(value):
    """As DRF's DateTimeField: in the current time zone, ISO 8601, UTC written as Z."""
    if not value:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _related(instance, name):
    """A reverse one-to-one that may be absent, as DRF reads it: None when there is none."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


class HandRendered:
    def to_representation(self, instance):
        return self.render(instance)

    def generic_representation(self, instance):
        return super().to_representation(instance)


class ApplicantSerializer(HandRendered, serializers.ModelSerializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    number = serializers.CharField(help_text=_l("居民身份证号码或统一社会信用代码"))

    class Meta:
        model = Applicant
        fields = ["id", "kind", "kind_display", "name", "number", "representative", "phone", "email", "address"]
        read_only_fields = fields

    @staticmethod
    def render(a: Applicant) -> dict:
        return {"id": a.pk, "kind": _str(a.kind), "kind_display": _str(a.get_kind_display()), "name": _str(a.name),
                "number": _str(a.number), "representative": _str(a.representative), "phone": _str(a.phone),
                "email": _str(a.email), "address": _str(a.address)}


class ApplicantRefSerializer(HandRendered, serializers.ModelSerializer):
    number = serializers.CharField()

    class Meta:
        model = Applicant
        fields = ["id", "name", "number"]
        read_only_fields = fields

    @staticmethod
    def render(a: Applicant) -> dict:
        return {"id": a.pk, "name": _str(a.name), "number": _str(a.number)}


class CaseHandlingItemSerializer(HandRendered, serializers.ModelSerializer):
    item_id = serializers.IntegerField(source="item_version.item_id")
    version_id = serializers.IntegerField(source="item_version_id")
    version_number = serializers.IntegerField(source="item_version.number", help_text=_l("办件所依据的事项版本号"))
    item_name = serializers.CharField(source="item_version.name")

    class Meta:
        model = HandlingItem
        fields = ["id", "code", "name", "item_id", "item_name", "version_id", "version_number"]
        read_only_fields = fields

    @staticmethod
    def render(hi: HandlingItem) -> dict:
        version = hi.item_version
        return {"id": hi.pk, "code": _str(hi.code), "name": _str(hi.name), "item_id": _int(version.item_id),
                "item_name": _str(version.name), "version_id": _int(hi.item_version_id),
                "version_number": _int(version.number)}


class ClocksSerializer(HandRendered, serializers.Serializer):
    acceptance_due = serializers.DateField(help_text=_l("受理期限（收件后5个工作日）"))
    acceptance_due_provisional = serializers.BooleanField()
    accepted_on = serializers.DateField(allow_null=True)
    deemed_accepted = serializers.BooleanField(help_text=_l("逾期未作决定，依法视为受理"))
    promised_due = serializers.DateField(allow_null=True, help_text=_l("承诺办结日期"))
    statutory_due = serializers.DateField(allow_null=True, help_text=_l("法定办结日期"))
    due_provisional = serializers.BooleanField(help_text=_l("期限涉及尚未公布放假安排的年份，已按法定节假日计算，调休安排公布后可能变化"))
    running = serializers.BooleanField(help_text=_l("办结时限正在计算（已受理且未中止、未决定）"))
    promised_remaining = serializers.IntegerField(allow_null=True, help_text=_l("承诺时限剩余工作日；负数为已超期"))
    statutory_remaining = serializers.IntegerField(allow_null=True, help_text=_l("法定时限剩余工作日；负数为已超期"))
    warning = serializers.CharField(help_text=_l("预警：空、yellow、red 或 statutory"))
    warning_display = serializers.CharField()

    @staticmethod
    def render(c: Clocks) -> dict:
        return {"acceptance_due": _date(c.acceptance_due), "acceptance_due_provisional": _bool(c.acceptance_due_provisional),
                "accepted_on": _date(c.accepted_on), "deemed_accepted": _bool(c.deemed_accepted),
                "promised_due": _date(c.promised_due), "statutory_due": _date(c.statutory_due),
                "due_provisional": _bool(c.due_provisional), "running": _bool(c.running),
                "promised_remaining": _int(c.promised_remaining), "statutory_remaining": _int(c.statutory_remaining),
                "warning": _str(c.warning), "warning_display": _str(c.warning_display)}


class UploadSerializer(HandRendered, serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = Upload
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields

    @staticmethod
    def render(u: Upload) -> dict:
        return {"id": u.pk, "name": _str(u.original_name), "content_type": _str(u.content_type), "size": _int(u.size),
                "sha256": _str(u.sha256), "uploaded_at": _datetime(u.uploaded_at)}


class CaseMaterialSerializer(HandRendered, serializers.ModelSerializer):
    material_id = serializers.IntegerField()
    name = serializers.CharField(source="material.name")
    is_required = serializers.BooleanField(source="material.is_required")
    is_core = serializers.BooleanField(source="material.is_core")
    is_tolerable = serializers.BooleanField(source="material.is_tolerable")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    uploads = UploadSerializer(many=True)

    class Meta:
        model = CaseMaterial
        fields = ["id", "material_id", "name", "is_required", "is_core", "is_tolerable", "status",
                  "status_display", "note", "promised_by", "supplied_on", "uploads"]
        read_only_fields = fields

    @staticmethod
    def render(line: CaseMaterial) -> dict:
        m = line.material
        return {"id": line.pk, "material_id": _int(line.material_id), "name": _str(m.name),
                "is_required": _bool(m.is_required), "is_core": _bool(m.is_core), "is_tolerable": _bool(m.is_tolerable),
                "status": _str(line.status), "status_display": _str(line.get_status_display()), "note": _str(line.note),
                "promised_by": _date(line.promised_by), "supplied_on": _date(line.supplied_on),
                "uploads": [UploadSerializer.render(u) for u in line.uploads.all()]}


class CaseStepSerializer(HandRendered, serializers.ModelSerializer):
    review_step_id = serializers.IntegerField()
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    section = serializers.StringRelatedField()
    assignee_id = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    outcome = serializers.CharField()

    class Meta:
        model = CaseStep
        fields = ["order", "review_step_id", "name", "role", "role_display", "section", "assignee_id", "state",
                  "state_display", "done_on", "outcome", "opinion"]
        read_only_fields = fields

    @staticmethod
    def render(step: CaseStep) -> dict:
        return {"order": _int(step.order), "review_step_id": _int(step.review_step_id), "name": _str(step.name),
                "role": _str(step.role), "role_display": _str(step.get_role_display()),
                "section": _str(step.section) if step.section_id is not None else None,
                "assignee_id": _int(step.assignee_id), "state": _str(step.state),
                "state_display": _str(step.get_state_display()), "done_on": _date(step.done_on),
                "outcome": _str(step.outcome), "opinion": _str(step.opinion)}


class LicenceSerializer(HandRendered, serializers.ModelSerializer):
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Licence
        fields = ["number", "name", "state", "state_display", "scope", "valid_from", "valid_until", "issued_on"]
        read_only_fields = fields

    @staticmethod
    def render(licence: Licence) -> dict:
        return {"number": _str(licence.number), "name": _str(licence.name), "state": _str(licence.state),
                "state_display": _str(licence.get_state_display()), "scope": _str(licence.scope),
                "valid_from": _date(licence.valid_from), "valid_until": _date(licence.valid_until),
                "issued_on": _date(licence.issued_on)}


class CommitmentSerializer(HandRendered, serializers.ModelSerializer):
    class Meta:
        model = Commitment
        fields = ["text", "signed_on", "recorded_on"]
        read_only_fields = fields

    @staticmethod
    def render(c: Commitment) -> dict:
        return {"text": _str(c.text), "signed_on": _date(c.signed_on), "recorded_on": _date(c.recorded_on)}


class CommitmentVerificationSerializer(HandRendered, serializers.ModelSerializer):
    state = serializers.CharField(help_text=_l("open（待核查）、confirmed（承诺属实）或 false_commitment（虚假承诺）"))
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = CommitmentVerification
        fields = ["state", "state_display", "decided_on", "days", "due_on", "due_provisional", "verified_on",
                  "findings", "overdue_noticed_on"]
        read_only_fields = fields

    @staticmethod
    def render(v: CommitmentVerification) -> dict:
        return {"state": _str(v.state), "state_display": _str(v.get_state_display()), "decided_on": _date(v.decided_on),
                "days": _int(v.days), "due_on": _date(v.due_on), "due_provisional": _bool(v.due_provisional),
                "verified_on": _date(v.verified_on), "findings": _str(v.findings),
                "overdue_noticed_on": _date(v.overdue_noticed_on)}


class CaseEventSerializer(HandRendered, serializers.ModelSerializer):
    data = serializers.DictField(help_text=_l("该操作记录的数据（期限、依据、材料等）"))

    class Meta:
        model = CaseEvent
        fields = ["seq", "at", "on", "actor_name", "action", "from_state", "to_state", "reason", "notice_due",
                  "data"]
        read_only_fields = fields

    @staticmethod
    def render(e: CaseEvent) -> dict:
        return {"seq": _int(e.seq), "at": _datetime(e.at), "on": _date(e.on), "actor_name": _str(e.actor_name),
                "action": _str(e.action), "from_state": _str(e.from_state), "to_state": _str(e.to_state),
                "reason": _str(e.reason), "notice_due": _str(e.notice_due),
                "data": None if e.data is None else {str(k): v for k, v in e.data.items()}}


class CaseRowSerializer(HandRendered, serializers.ModelSerializer):
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    channel = serializers.CharField()
    applicant = ApplicantRefSerializer()
    handling_item = CaseHandlingItemSerializer()
    clocks = ClocksSerializer()

    class Meta:
        model = Case
        fields = ["id", "number", "state", "state_display", "channel", "applicant", "handling_item",
                  "received_at", "received_on", "clocks", "lock_version"]
        read_only_fields = fields

    @staticmethod
    def render(case: Case) -> dict:
        return {"id": case.pk, "number": _str(case.number), "state": _str(case.state),
                "state_display": _str(case.get_state_display()), "channel": _str(case.channel),
                "applicant": ApplicantRefSerializer.render(case.applicant),
                "handling_item": CaseHandlingItemSerializer.render(case.handling_item),
                "received_at": _datetime(case.received_at), "received_on": _date(case.received_on),
                "clocks": ClocksSerializer.render(case.clocks), "lock_version": _int(case.lock_version)}


def _maybe(render, value):
    return None if value is None else render(value)


class CaseDetailSerializer(CaseRowSerializer):
    applicant = ApplicantSerializer()
    bureau = serializers.StringRelatedField()
    materials = CaseMaterialSerializer(many=True)
    steps = CaseStepSerializer(source="review_steps", many=True)
    licence = LicenceSerializer(allow_null=True)
    target_licence = LicenceSerializer(allow_null=True, help_text=_l("变更、延续、注销、补证所涉及的证照"))
    commitment = CommitmentSerializer(allow_null=True, help_text=_l("告知承诺书（告知承诺制办理项）"))
    commitment_verification = CommitmentVerificationSerializer(
        allow_null=True, help_text=_l("准予许可后的告知承诺核查：状态与核查截止日期"))
    events = CaseEventSerializer(many=True)

    class Meta(CaseRowSerializer.Meta):
        fields = [*CaseRowSerializer.Meta.fields, "query_code", "region_code", "bureau", "agent_name",
                  "agent_id_number", "agent_phone", "materials_arrived_on", "suspended_on", "extended",
                  "decided_on", "delivery_due", "closed_on", "materials", "steps", "licence", "target_licence",
                  "commitment",
                  "commitment_verification", "events"]
        read_only_fields = fields

    @staticmethod
    def render(case: Case) -> dict:
        out = CaseRowSerializer.render(case)
        out["applicant"] = ApplicantSerializer.render(case.applicant)
        out.update({
            "query_code": _str(case.query_code), "region_code": _str(case.region_code), "bureau": _str(case.bureau),
            "agent_name": _str(case.agent_name), "agent_id_number": _str(case.agent_id_number),
            "agent_phone": _str(case.agent_phone), "materials_arrived_on": _date(case.materials_arrived_on),
            "suspended_on": _date(case.suspended_on), "extended": _bool(case.extended),
            "decided_on": _date(case.decided_on), "delivery_due": _date(case.delivery_due),
            "closed_on": _date(case.closed_on),
            "materials": [CaseMaterialSerializer.render(line) for line in case.materials.all()],
            "steps": [CaseStepSerializer.render(step) for step in case.review_steps],
            "licence": _maybe(LicenceSerializer.render, _related(case, "licence")),
            "target_licence": _maybe(LicenceSerializer.render, case.target_licence),
            "commitment": _maybe(CommitmentSerializer.render, _related(case, "commitment")),
            "commitment_verification": _maybe(CommitmentVerificationSerializer.render,
                                              _related(case, "commitment_verification")),
            "events": [CaseEventSerializer.render(event) for event in case.events.all()],
        })
        return out


# --- The applicant's view of a case --------------------------------------------------------
#
# An applicant reads through the API what their portal case page shows (portal/views_cases.py,
# my_case.html) and no more: state and clocks, the events in plain words (portal.rules), the
# materials with their status and files, the correction notice, the documents. No staff names,
# no review steps or opinions, no event data, no agent's or the bureau's internal fields. Staff
# who see the case as staff (`staff_sees`) read CaseDetailSerializer.

class ApplicantUploadSerializer(HandRendered, serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = Upload
        fields = ["id", "name", "size", "uploaded_at"]
        read_only_fields = fields

    @staticmethod
    def render(u: Upload) -> dict:
        return {"id": u.pk, "name": _str(u.original_name), "size": _int(u.size), "uploaded_at": _datetime(u.uploaded_at)}


class ApplicantMaterialSerializer(HandRendered, serializers.ModelSerializer):
    name = serializers.CharField(source="material.name")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    uploads = ApplicantUploadSerializer(many=True)

    class Meta:
        model = CaseMaterial
        fields = ["id", "name", "status", "status_display", "note", "promised_by", "supplied_on", "uploads"]
        read_only_fields = fields

    @staticmethod
    def render(line: CaseMaterial) -> dict:
        return {"id": line.pk, "name": _str(line.material.name), "status": _str(line.status),
                "status_display": _str(line.get_status_display()), "note": _str(line.note),
                "promised_by": _date(line.promised_by), "supplied_on": _date(line.supplied_on),
                "uploads": [ApplicantUploadSerializer.render(u) for u in line.uploads.all()]}


class ApplicantEventSerializer(HandRendered, serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text=_l("办理过程，以申请人能读懂的话表述"))
    detail = serializers.SerializerMethodField(help_text=_l("具体情况（如上传的材料、不予受理的理由）"))

    class Meta:
        model = CaseEvent
        fields = ["seq", "on", "action", "text", "detail"]
        read_only_fields = fields

    @staticmethod
    def get_text(e: CaseEvent) -> str:
        return portal_rules.event_text(e.action)

    @staticmethod
    def get_detail(e: CaseEvent) -> str:
        return str(portal_rules.event_detail(e))

    @staticmethod
    def render(e: CaseEvent) -> dict:
        return {"seq": _int(e.seq), "on": _date(e.on), "action": _str(e.action),
                "text": ApplicantEventSerializer.get_text(e), "detail": ApplicantEventSerializer.get_detail(e)}


class CorrectionItemSerializer(HandRendered, serializers.Serializer):
    line = serializers.IntegerField(help_text=_l("材料清单行编号（materials[].id）"))
    material = serializers.CharField()
    note = serializers.CharField(help_text=_l("需补正的内容"))

    @staticmethod
    def render(item: dict) -> dict:
        return {"line": _int(item.get("line")), "material": _str(item.get("material")), "note": _str(item.get("note"))}


class CorrectionNoticeSerializer(HandRendered, serializers.Serializer):
    on = serializers.DateField(help_text=_l("告知日期"))
    items = CorrectionItemSerializer(many=True, source="data.items")

    @staticmethod
    def render(e: CaseEvent) -> dict:
        return {"on": _date(e.on), "items": [CorrectionItemSerializer.render(i) for i in e.data.get("items", [])]}


class ApplicantDocumentSerializer(HandRendered, serializers.ModelSerializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Document
        fields = ["id", "kind", "kind_display", "number", "dated", "state", "state_display", "verification_code"]
        read_only_fields = fields

    @staticmethod
    def render(d: Document) -> dict:
        return {"id": d.pk, "kind": _str(d.kind), "kind_display": _str(d.get_kind_display()), "number": _str(d.number),
                "dated": _date(d.dated), "state": _str(d.state), "state_display": _str(d.get_state_display()),
                "verification_code": _str(d.verification_code)}


class ApplicantCaseSerializer(HandRendered, serializers.ModelSerializer):
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    progress = serializers.CharField(help_text=_l("办理进度，一句话说明"))
    channel = serializers.CharField()
    applicant = ApplicantRefSerializer()
    handling_item = CaseHandlingItemSerializer()
    clocks = ClocksSerializer()
    correction_notice = CorrectionNoticeSerializer(allow_null=True, help_text=_l("等待补正时的一次性告知"))
    materials = ApplicantMaterialSerializer(many=True)
    documents = ApplicantDocumentSerializer(many=True, source="applicant_documents",
                                            help_text=_l("通知书和证照（下载见 /api/v1/documents/{id}/file）"))
    events = ApplicantEventSerializer(many=True)

    class Meta:
        model = Case
        fields = ["id", "number", "query_code", "state", "state_display", "progress", "channel", "applicant",
                  "handling_item", "received_at", "received_on", "clocks", "extended", "decided_on", "delivery_due",
                  "closed_on", "correction_notice", "materials", "documents", "events", "lock_version"]
        read_only_fields = fields

    @staticmethod
    def render(case: Case) -> dict:
        return {"id": case.pk, "number": _str(case.number), "query_code": _str(case.query_code),
                "state": _str(case.state), "state_display": _str(case.get_state_display()),
                "progress": _str(case.progress), "channel": _str(case.channel),
                "applicant": ApplicantRefSerializer.render(case.applicant),
                "handling_item": CaseHandlingItemSerializer.render(case.handling_item),
                "received_at": _datetime(case.received_at), "received_on": _date(case.received_on),
                "clocks": ClocksSerializer.render(case.clocks), "extended": _bool(case.extended),
                "decided_on": _date(case.decided_on), "delivery_due": _date(case.delivery_due),
                "closed_on": _date(case.closed_on),
                "correction_notice": _maybe(CorrectionNoticeSerializer.render, case.correction_notice),
                "materials": [ApplicantMaterialSerializer.render(line) for line in case.materials.all()],
                "documents": [ApplicantDocumentSerializer.render(d) for d in case.applicant_documents],
                "events": [ApplicantEventSerializer.render(e) for e in case.events.all()],
                "lock_version": _int(case.lock_version)}


def for_applicant(user, case: Case) -> Case:
    """What the applicant's page adds to a loaded detail: the progress sentence, the notice
    the case waits on, and the documents they may download."""
    case.progress = portal_rules.progress(case, case.clocks)
    case.correction_notice = (portal_queries.correction_notice(case)
                              if case.state == State.AWAITING_CORRECTION else None)
    # A case just opened has no documents yet: nothing to read.
    case.applicant_documents = [] if getattr(case, "new_lines", None) is not None else documents_for(user, case)
    return case


def case_view(user, case: Case) -> dict:
    """The case as this user's page shows it: the bureau's full record for staff who see it as
    staff, the applicant's view for everyone else (their own cases)."""
    if staff_sees(user, case):
        return CaseDetailSerializer(case).data
    return ApplicantCaseSerializer.render(for_applicant(user, case))


CASE_VIEW = PolymorphicProxySerializer(
    component_name="CaseView", serializers=[CaseDetailSerializer, ApplicantCaseSerializer],
    resource_type_field_name=None,
)


# --- Views --------------------------------------------------------------------------------

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CASE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_l("办件编号（id）"))
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description=_l("同一申请人以同一键重复提交时返回已开立的办件（200），不再开立新办件；最长64个字符"),
)
IDEMPOTENCY_KEY_MAX = 64


def opening_input(request, serializer_class) -> tuple[str, dict]:
    """What a request that opens a case carries: its Idempotency-Key ("" when none, refused
    when too long) and its validated body, the applicant one the caller may act for
    (`visible_applicants`)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationFailed(fields={"Idempotency-Key": [_("幂等键最长64个字符")]})
    body = serializer_class(data=request.data)
    body.fields["applicant"].queryset = visible_applicants(request.user)
    body.is_valid(raise_exception=True)
    return key, dict(body.validated_data)


class SignedInMixin:
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class ApplicantRegister(SignedInMixin, APIView):
    # A number in the body is a different field in the action (id_number or credit_code).
    FIELD_NAMES = {"id_number": "number", "credit_code": "number"}

    @extend_schema(
        tags=[CASES], operation_id="register_applicant", summary=_l("登记申请人（已登记则返回原记录）"),
        description=_l("窗口人员查验身份证明后登记（查到已登记的申请人记入审计）。网上办事账号不能登记申请人（403）："
                       "账号即注册时的本人，为单位办事须由窗口登记授权。"),
        request=ApplicantInput, responses={200: ApplicantSerializer, **ERRORS},
    )
    def post(self, request):
        data = parse(ApplicantInput, request.data)
        try:
            applicant = register_applicant(actor=request.user, **data)
        except ValidationFailed as exc:
            fields = {self.FIELD_NAMES.get(k, k): v for k, v in exc.fields.items()}
            raise ValidationFailed(exc.message, fields=fields, reasons=exc.reasons) from None
        return Response(ApplicantSerializer(applicant).data)


@extend_schema(tags=[CASES])
class CaseListCreate(SignedInMixin, generics.ListAPIView):
    serializer_class = CaseRowSerializer

    def get_queryset(self):
        params = parse(CaseListQuery, self.request.query_params)
        qs = case_rows(self.request.user)
        if params.get("state"):
            qs = qs.filter(state=params["state"])
        if params.get("handling_item") is not None:
            qs = qs.filter(handling_item_id=params["handling_item"])
        if params.get("received_from"):
            qs = qs.filter(received_on__gte=params["received_from"])
        if params.get("received_to"):
            qs = qs.filter(received_on__lte=params["received_to"])
        return qs

    @extend_schema(operation_id="list_cases", summary=_l("办件列表"), parameters=[CaseListQuery],
                   description=_l("调用者权限范围内的办件：工作人员为本区划及下级区划，申请人为本人的办件。"),
                   responses={200: CaseRowSerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CaseRowSerializer(with_clocks(page), many=True).data)

    @extend_schema(
        operation_id="open_case", summary=_l("收件：开立办件"), request=OpenCaseInput, parameters=[IDEMPOTENCY_KEY],
        description=_l("窗口人员收件，或申请人本人网上申请（channel=online）。带 Idempotency-Key 的重复提交返回原办件。"),
        responses={201: CASE_VIEW, 200: CASE_VIEW, **ERRORS},
    )
    def post(self, request):
        key, data = opening_input(request, OpenCaseInput)
        data["target_licence"] = target_licence_of(request.user, data)
        at = timezone.now()
        case = actions.receive(data.pop("handling_item"), actor=request.user, idempotency_key=key, at=at, **data)
        # A case opened by this call carries what it wrote; a repeat gets the earlier case.
        if getattr(case, "new_lines", None) is not None:
            return Response(case_view(request.user, opened_detail(case)), status=status.HTTP_201_CREATED)
        return Response(case_view(request.user, detail_of(request.user, case.pk)), status=status.HTTP_200_OK)


class CaseDetailView(SignedInMixin, APIView):
    @extend_schema(tags=[CASES], operation_id="get_case", summary=_l("办件详情"), parameters=[CASE_ID],
                   description=_l("工作人员：状态、申请人、办理项及版本、材料清单与上传文件、时限与预警、审批环节、证照及全部办件记录"
                                  "（CaseDetail）。申请人：与网上办事“我的办件”页面相同的内容（ApplicantCase），"
                                  "不含工作人员姓名、审查意见和内部数据。"),
                   responses={200: CASE_VIEW, 403: ErrorSerializer, 404: ErrorSerializer})
    def get(self, request, pk):
        return Response(case_view(request.user, detail_of(request.user, pk)))


class CaseEventList(SignedInMixin, APIView):
    @extend_schema(tags=[CASES], operation_id="list_case_events", summary=_l("办件记录"), parameters=[CASE_ID],
                   description=_l("办件的全部操作记录，按顺序号排列（只增不改，哈希链校验）。申请人看到的是"
                                  "“我的办件”页面的办理过程：以通俗文字表述，不含操作人和内部数据。"),
                   responses={200: PolymorphicProxySerializer(
                       component_name="CaseEventView", serializers=[CaseEventSerializer, ApplicantEventSerializer],
                       resource_type_field_name=None, many=True), 403: ErrorSerializer, 404: ErrorSerializer})
    def get(self, request, pk):
        case = load_case(request.user, pk)
        events = case.events.order_by("seq")
        if staff_sees(request.user, case):
            return Response(CaseEventSerializer(events, many=True).data)
        return Response([ApplicantEventSerializer.render(e) for e in events])


class RevocationProposalSerializer(serializers.ModelSerializer):
    licence = serializers.CharField(source="licence.number")
    grounds_display = serializers.CharField(source="get_grounds_display")
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = RevocationProposal
        fields = ["id", "licence", "grounds", "grounds_display", "facts", "basis", "hearing_right", "views_days",
                  "state", "state_display", "proposed_on", "notified_on", "views_due", "views_due_provisional",
                  "views", "views_on", "views_channel", "hearing_requested", "hearing_held_on", "decided_on",
                  "decision_note"]
        read_only_fields = fields


class CaseRevocationProposals(SignedInMixin, APIView):
    @extend_schema(tags=[CASES], operation_id="list_case_revocation_proposals", summary=_l("撤销许可程序"),
                   parameters=[CASE_ID],
                   description=_l("办件证照的撤销程序：提议、告知、陈述申辩、听证与决定，最新在前。能查看办件者（含持证人本人）即可查看。"),
                   responses={200: RevocationProposalSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer})
    def get(self, request, pk):
        case = load_case(request.user, pk)
        proposals = RevocationProposal.objects.filter(case=case).select_related("licence")
        return Response(RevocationProposalSerializer(proposals, many=True).data)


class CaseMaterialFiles(SignedInMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[CASES], operation_id="upload_case_material_file", summary=_l("上传材料文件"),
        parameters=[CASE_ID, OpenApiParameter("line", OpenApiTypes.INT, OpenApiParameter.PATH,
                                              description=_l("材料清单行编号（materials[].id）"))],
        request={"multipart/form-data": UploadInput},
        description=_l("按文件内容核验类型（PDF、JPG、PNG），保存 SHA-256；已上传的文件不会被覆盖。"),
        responses={201: CASE_VIEW, **ERRORS},
    )
    def post(self, request, pk, line):
        case = load_case(request.user, pk)
        row = get_object_or_404(CaseMaterial.objects.select_related("case"), case=case, pk=line)
        data = parse(UploadInput, request.data)
        actions.attach_file(row, actor=request.user, upload=data["file"])
        return Response(case_view(request.user, detail_of(request.user, pk)), status=status.HTTP_201_CREATED)


# --- Case actions: one table, one view ----------------------------------------------------

@dataclass(frozen=True)
class CaseAction:
    """`call(case, actor=…, **validated body)`; the body's names are the action's keywords."""

    name: str
    input: type[serializers.Serializer]
    call: Callable
    summary: str
    description: str = ""


ACTIONS = [
    CaseAction("check-materials", CheckMaterialsInput, actions.check_materials, _l("核验材料"),
               _l("逐项记录材料已提交、缺少、需补正或不适用。")),
    CaseAction("accept", AcceptInput, actions.accept, _l("受理"),
               _l("《行政许可法》第三十二条第一款第（五）项。tolerated 列出可容缺的非核心材料及承诺补齐日期（容缺受理）。")),
    CaseAction("refuse", RefuseInput, actions.refuse, _l("不予受理"),
               _l("第三十二条第一款第（一）项或第（二）项；第（二）项须告知有权机关。")),
    CaseAction("request-correction", RequestCorrectionInput, actions.request_correction, _l("一次性告知补正"),
               _l("一次列明全部需补正的材料；收件后5个工作日内。")),
    CaseAction("submit-correction", ActionInput, actions.submit_correction, _l("提交补正材料"),
               _l("受理审查的5个工作日自补正材料到达之日重新起算。")),
    CaseAction("assign-step", AssignStepInput, actions.assign_step, _l("分派审批环节")),
    CaseAction("complete-review-step", CompleteReviewStepInput, actions.complete_review_step,
               _l("完成当前审批环节")),
    CaseAction("record-site-inspection", SiteInspectionInput, actions.record_site_inspection, _l("记录现场核查"),
               _l("第三十四条第三款：两名以上工作人员。")),
    CaseAction("suspend", SuspendInput, actions.suspend, _l("中止（特别程序）"),
               _l("第四十五条：特别程序所需时间不计入期限。")),
    CaseAction("resume", ActionInput, actions.resume, _l("恢复办理")),
    CaseAction("request-extension", ReasonInput, actions.request_extension, _l("申请延期"),
               _l("第四十二条：只能延期一次。")),
    CaseAction("approve-extension", ApproveExtensionInput, actions.approve_extension, _l("批准延期"),
               _l("第四十二条：经本行政机关负责人批准，延长10个工作日；联合办理经本级人民政府负责人批准，延长15日。")),
    CaseAction("reject-extension", ReasonInput, actions.reject_extension, gettext_lazy("驳回延期申请"),
               gettext_lazy("本行政机关负责人不批准延期，说明理由；办理期限不变，法定期限届满前可再次申请。")),
    CaseAction("grant", GrantInput, actions.grant, _l("准予许可"), _l("第三十八条第一款；颁发证照。")),
    CaseAction("deny", DenyInput, actions.deny, _l("不予许可"),
               _l("第三十八条第二款：说明理由，告知申请复议或提起诉讼的权利。")),
    CaseAction("deliver", DeliverInput, actions.deliver, _l("送达"), _l("第四十四条：决定之日起10个工作日内。")),
    CaseAction("withdraw", ReasonInput, actions.withdraw, _l("撤回申请")),
    CaseAction("terminate", ReasonInput, actions.terminate, _l("终止办理")),
    CaseAction("supply-tolerated-material", SupplyToleratedInput, actions.supply_tolerated_material,
               _l("补齐容缺材料")),
    CaseAction("propose-revocation", ProposeRevocationInput, actions.propose_revocation, _l("提出撤销许可"),
               _l("《行政许可法》第六十九条：审查人员或签批领导提出，写明事实、理由和依据；随后出具撤销行政许可告知书。")),
    CaseAction("notify-revocation", DatedInput, actions.notify_revocation, _l("登记告知书送达"),
               _l("撤销行政许可告知书出具后登记送达日期；陈述、申辩期限自送达次日起按工作日计算。")),
    CaseAction("submit-revocation-views", RevocationViewsInput, actions.submit_revocation_views,
               _l("陈述、申辩"),
               _l("第七条：持证人本人网上提出，或窗口工作人员记录持证人书面、口头提出的意见；可申请听证（第四十七条）。")),
    CaseAction("record-revocation-hearing", RevocationHearingInput, actions.record_revocation_hearing,
               _l("登记听证")),
    CaseAction("decide-revocation", DecideRevocationInput, actions.decide_revocation, _l("作出撤销决定"),
               _l("签批领导在收到陈述、申辩意见（申请听证的，听证后）或期限届满后决定撤销或不予撤销；"
                  "撤销决定书载明依据和救济途径（复议六十日、诉讼六个月）。")),
    CaseAction("withdraw-revocation-proposal", ReasonInput, actions.withdraw_revocation_proposal,
               _l("撤回撤销提议")),
    CaseAction("record-commitment", RecordCommitmentInput, actions.record_commitment, _l("登记告知承诺书"),
               _l("告知承诺制办理项：申请人书面承诺符合许可条件，由窗口人员登记或申请人本人网上签署；准予许可前须已登记。")),
    CaseAction("verify-commitment", VerifyCommitmentInput, actions.verify_commitment, _l("告知承诺核查"),
               _l("审查人员或原审批部门的监管人员记录核查结论；承诺不实的，依《行政许可法》第六十九条第二款撤销许可并记入申请人信用记录。")),
]


class CaseActionView(SignedInMixin, APIView):
    case_action: CaseAction

    def post(self, request, pk):
        case = require_visible(request.user, pk)
        data = parse(self.case_action.input, request.data)
        result = self.case_action.call(case, actor=request.user, **data)
        detail = acted_detail(result) if isinstance(result, Case) else detail_of(request.user, pk)
        return Response(case_view(request.user, detail))


def action_view(action: CaseAction) -> type[CaseActionView]:
    snake = action.name.replace("-", "_")
    camel = "".join(part.title() for part in action.name.split("-"))
    schema = extend_schema(
        tags=[CASES], operation_id=f"case_{snake}", summary=action.summary, description=action.description,
        parameters=[CASE_ID], request=action.input,
        responses={200: CASE_VIEW, **ERRORS,
                   409: OpenApiResponse(ErrorSerializer, description=_l("办件已被他人改动（expected_version 不符）"))},
    )
    # extend_schema_view copies the inherited `post` before annotating it, so each action's
    # view documents its own body.
    return extend_schema_view(post=schema)(type(f"Case{camel}View", (CaseActionView,), {"case_action": action}))


ACTION_VIEWS = {action.name: action_view(action) for action in ACTIONS}
