"""The expert pool's API (/api/v1/experts…, /api/v1/cases/{id}/expert-reviews,
/api/v1/expert-reviews/{id}/…, /api/v1/expert-assignments/{id}/…), scoped exactly as the
pages: staff see the experts serving their region and the reviews of cases they see as
staff; an expert's account sees only its own open assignments (a 404 for anything else,
and for its own once the opinion is in). Every write is one action of `actions`."""

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.cases.models import Case
from oneseal.cases.queries import Viewer, is_scoped_staff, staff_sees, visible_cases
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.esupervision.models import ConflictDeclaration
from oneseal.interface.rest import DATE_FORMAT, ErrorSerializer, listed_choices, parse
from oneseal.organisation.rules import staff_of

from . import actions, queries, rules
from .models import Assignment, Draw, Expert, ExpertField, ExpertReview

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

TAG = "experts"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def _date(help_text: "_StrOrPromise") -> serializers.DateField:
    return serializers.DateField(
        input_formats=[DATE_FORMAT],
        help_text=help_text,
        error_messages={"invalid": gettext_lazy("日期格式应为 YYYY-MM-DD，例如 2025-07-01")},
    )


# --- outputs ---------------------------------------------------------------------------------


class ExpertFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertField
        fields = ["id", "code", "name"]
        read_only_fields = fields


class ExpertSerializer(serializers.ModelSerializer):
    field_codes: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="fields", slug_field="code", many=True, read_only=True
    )
    region = serializers.CharField(source="region.code")
    status = serializers.CharField(help_text=gettext_lazy("active 在库，suspended 暂停抽取"))
    status_display = serializers.CharField(source="get_status_display")
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "field_codes",
            "title",
            "employer_name",
            "employer_credit_code",
            "region",
            "phone",
            "email",
            "status",
            "status_display",
            "status_reason",
            "status_since",
            "has_account",
        ]
        read_only_fields = fields

    def get_has_account(self, obj: Expert) -> bool:
        return obj.user_id is not None


class DrawExclusionSerializer(serializers.Serializer):
    expert = serializers.IntegerField()
    name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    reasons_display = serializers.SerializerMethodField()
    waived = serializers.BooleanField(default=False)

    def get_reasons_display(self, obj: dict) -> list[str]:
        return [rules.reason_label(r) for r in obj["reasons"]]


class ExpertDrawSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=gettext_lazy("initial、replacement 或 appointment"))
    kind_display = serializers.CharField(source="get_kind_display")
    eligible = serializers.ListField(child=serializers.IntegerField())
    drawn = serializers.ListField(child=serializers.IntegerField())
    excluded = DrawExclusionSerializer(many=True)
    reproduces = serializers.SerializerMethodField(
        help_text=gettext_lazy("按记录的种子和符合条件名单复算，抽中的专家是否一致")
    )

    class Meta:
        model = Draw
        fields = [
            "id",
            "kind",
            "kind_display",
            "seed",
            "requested",
            "pool_size",
            "eligible",
            "excluded",
            "drawn",
            "override",
            "reason",
            "on",
            "drawn_at",
            "reproduces",
        ]
        read_only_fields = fields

    def get_reproduces(self, obj: Draw) -> bool:
        return queries.reproduces(obj)


class ExpertAssignmentSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name")
    state = serializers.CharField(
        help_text=gettext_lazy("invited、accepted、declined、removed 或 submitted")
    )
    state_display = serializers.CharField(source="get_state_display")
    conclusion = serializers.CharField(help_text=gettext_lazy("agree、conditional 或 disagree"))

    class Meta:
        model = Assignment
        fields = [
            "id",
            "expert",
            "expert_name",
            "draw",
            "state",
            "state_display",
            "responded_at",
            "decline_reason",
            "removed_reason",
            "opinion",
            "score",
            "conclusion",
            "submitted_at",
            "rating",
            "rating_note",
            "fee",
            "fee_paid_on",
        ]
        read_only_fields = fields


class ExpertReviewSerializer(serializers.ModelSerializer):
    field = serializers.CharField(source="field.code")
    case_number = serializers.CharField(source="case.number")
    state = serializers.CharField(help_text=gettext_lazy("open 评审中，concluded 已完成"))
    draws = ExpertDrawSerializer(many=True)
    assignments = ExpertAssignmentSerializer(many=True)

    class Meta:
        model = ExpertReview
        fields = [
            "id",
            "case",
            "case_number",
            "field",
            "experts_needed",
            "subject",
            "opened_on",
            "ends_on",
            "concluded_on",
            "conclusion",
            "state",
            "draws",
            "assignments",
        ]
        read_only_fields = fields


class OwnExpertAssignmentSerializer(serializers.ModelSerializer):
    """What the expert sees of a case they were drawn for."""

    state = serializers.CharField(help_text=gettext_lazy("invited 待确认，accepted 已接受"))
    case_number = serializers.CharField(source="review.case.number")
    item = serializers.CharField(source="review.case.handling_item.item_version.name")
    handling_item = serializers.CharField(source="review.case.handling_item.name")
    applicant = serializers.CharField(source="review.case.applicant.name")
    subject = serializers.CharField(source="review.subject")
    field = serializers.CharField(source="review.field.name")
    opened_on = serializers.DateField(source="review.opened_on")
    ends_on = serializers.DateField(source="review.ends_on")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "state",
            "case_number",
            "item",
            "handling_item",
            "applicant",
            "subject",
            "field",
            "opened_on",
            "ends_on",
        ]
        read_only_fields = fields


# --- inputs ----------------------------------------------------------------------------------


class ExpertInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text=gettext_lazy("姓名"))
    id_number = serializers.CharField(max_length=40, help_text=gettext_lazy("居民身份证号码"))
    field_codes = serializers.ListField(
        child=serializers.SlugField(max_length=40),
        min_length=1,
        max_length=20,
        help_text=gettext_lazy("专业领域代码"),
    )
    title = serializers.CharField(max_length=100, help_text=gettext_lazy("职称"))
    employer_name = serializers.CharField(max_length=200, help_text=gettext_lazy("工作单位"))
    employer_credit_code = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )
    phone = serializers.CharField(max_length=40)
    email = serializers.EmailField(required=False, default="", allow_blank=True)


class ExpertReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class ExpertUnavailabilityInput(serializers.Serializer):
    starts_on = _date(gettext_lazy("开始日期"))
    ends_on = _date(gettext_lazy("结束日期"))
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class ExpertDeclarationInput(serializers.Serializer):
    relative_name = serializers.CharField(max_length=200)
    relation = listed_choices(ConflictDeclaration.Relation.choices, help_text=gettext_lazy("关系"))
    number = serializers.CharField(max_length=40)


class OpenExpertReviewInput(serializers.Serializer):
    field = serializers.SlugField(max_length=40, help_text=gettext_lazy("专业领域代码"))
    experts_needed = serializers.IntegerField(min_value=1, max_value=15)
    subject = serializers.CharField(max_length=300)
    on = _date(gettext_lazy("开始日期（中止办理之日）"))
    ends_on = _date(gettext_lazy("预计结束日期"))


class AppointExpertInput(serializers.Serializer):
    expert = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(max_length=300, allow_blank=True)


class ConcludeExpertReviewInput(serializers.Serializer):
    conclusion = serializers.CharField(max_length=4000)
    on = _date(gettext_lazy("完成日期（恢复办理之日）"))


class RateExpertInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class ExpertFeeInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    paid_on = _date(gettext_lazy("支付日期"))


class ExpertOpinionInput(serializers.Serializer):
    opinion = serializers.CharField(max_length=8000)
    score = serializers.IntegerField(min_value=0, max_value=100)
    conclusion = listed_choices(Assignment.Conclusion.choices, help_text=gettext_lazy("结论"))


# --- helpers ---------------------------------------------------------------------------------


class Base(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


def _staff(user: Viewer) -> None:
    if not is_scoped_staff(user):
        raise NotPermitted()


def _field(code: str) -> ExpertField:
    found = ExpertField.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(fields={"field": [gettext_lazy("专业领域不存在")]})
    return found


def _fields(codes: list[str]) -> list[ExpertField]:
    found = list(ExpertField.objects.filter(code__in=codes))
    if len(found) != len(set(codes)):
        raise ValidationFailed(fields={"field_codes": [gettext_lazy("专业领域不存在")]})
    return found


def _expert(user: Viewer, pk: int) -> Expert:
    _staff(user)
    return get_object_or_404(queries.visible_experts(user), pk=pk)


def _staff_case(user: Viewer, pk: int) -> Case:
    case = get_object_or_404(visible_cases(user).select_related("region", "applicant"), pk=pk)
    if not staff_sees(user, case):
        raise NotPermitted()
    return case


def _review(user: Viewer, pk: int) -> ExpertReview:
    review = get_object_or_404(ExpertReview.objects.select_related("case"), pk=pk)
    _staff_case(user, review.case_id)
    return review


def _staff_assignment(user: Viewer, pk: int) -> Assignment:
    assignment = get_object_or_404(Assignment.objects.select_related("review"), pk=pk)
    _staff_case(user, assignment.review.case_id)
    return assignment


def _review_out(review: ExpertReview) -> dict:
    fresh = next(r for r in queries.reviews_of(review.case) if r.pk == review.pk)
    return ExpertReviewSerializer(fresh).data


# --- the pool --------------------------------------------------------------------------------


class Fields(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="list_expert_fields",
        summary=gettext_lazy("专业领域"),
        responses={200: ExpertFieldSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ExpertFieldSerializer(ExpertField.objects.order_by("code"), many=True).data)


class Experts(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="list_experts",
        summary=gettext_lazy("专家库"),
        description=gettext_lazy("本区划及下级区划、上级区划可为本区划评审的专家；仅工作人员。"),
        responses={200: ExpertSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        _staff(request.user)
        experts = queries.visible_experts(request.user).order_by("id")[:500]
        return Response(ExpertSerializer(experts, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="register_expert",
        summary=gettext_lazy("专家入库"),
        request=ExpertInput,
        responses={201: ExpertSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        _staff(request.user)
        data = parse(ExpertInput, request.data)
        staff = staff_of(request.user)
        if staff is None:
            raise NotPermitted()
        expert = actions.register_expert(
            actor=request.user,
            region=staff.region,
            name=data["name"],
            id_number=data["id_number"],
            fields=_fields(data["field_codes"]),
            title=data["title"],
            employer_name=data["employer_name"],
            employer_credit_code=data["employer_credit_code"],
            phone=data["phone"],
            email=data["email"],
        )
        return Response(ExpertSerializer(expert).data, status=status.HTTP_201_CREATED)


class ExpertDetail(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="get_expert",
        summary=gettext_lazy("专家详情"),
        responses={200: ExpertSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ExpertSerializer(_expert(request.user, pk)).data)


class SuspendExpert(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="suspend_expert",
        summary=gettext_lazy("暂停抽取专家"),
        request=ExpertReasonInput,
        responses={200: ExpertSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        expert = _expert(request.user, pk)
        data = parse(ExpertReasonInput, request.data)
        expert = actions.suspend_expert(expert, actor=request.user, reason=data["reason"])
        return Response(ExpertSerializer(expert).data)


class ReinstateExpert(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="reinstate_expert",
        summary=gettext_lazy("恢复抽取专家"),
        request=None,
        responses={200: ExpertSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        expert = actions.reinstate_expert(_expert(request.user, pk), actor=request.user)
        return Response(ExpertSerializer(expert).data)


class AddUnavailability(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="add_expert_unavailability",
        summary=gettext_lazy("登记专家不可参评期间"),
        request=ExpertUnavailabilityInput,
        responses={201: None, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        expert = _expert(request.user, pk)
        data = parse(ExpertUnavailabilityInput, request.data)
        actions.add_unavailability(expert, actor=request.user, **data)
        return Response(status=status.HTTP_201_CREATED)


class DeclareConflict(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="declare_expert_conflict",
        summary=gettext_lazy("登记专家回避申报"),
        request=ExpertDeclarationInput,
        responses={201: None, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        expert = _expert(request.user, pk)
        data = parse(ExpertDeclarationInput, request.data)
        actions.declare_expert_conflict(expert, actor=request.user, **data)
        return Response(status=status.HTTP_201_CREATED)


# --- reviews on a case -----------------------------------------------------------------------


class CaseReviews(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="list_case_expert_reviews",
        summary=gettext_lazy("办件的专家评审及抽取记录"),
        responses={
            200: ExpertReviewSerializer(many=True),
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        case = _staff_case(request.user, pk)
        return Response(ExpertReviewSerializer(queries.reviews_of(case), many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="open_expert_review",
        summary=gettext_lazy("组织专家评审：随机抽取专家并中止办理"),
        request=OpenExpertReviewInput,
        responses={201: ExpertReviewSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _staff_case(request.user, pk)
        data = parse(OpenExpertReviewInput, request.data)
        review = actions.open_review(
            case,
            actor=request.user,
            field=_field(data["field"]),
            experts_needed=data["experts_needed"],
            subject=data["subject"],
            ends_on=data["ends_on"],
            on=data["on"],
        )
        return Response(_review_out(review), status=status.HTTP_201_CREATED)


class DrawMore(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="draw_more_experts",
        summary=gettext_lazy("补充抽取专家"),
        request=None,
        responses={200: ExpertReviewSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        review = _review(request.user, pk)
        actions.draw_more(review, actor=request.user)
        return Response(_review_out(review))


class Appoint(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="appoint_expert",
        summary=gettext_lazy("指定专家（人工干预，须说明理由）"),
        request=AppointExpertInput,
        responses={200: ExpertReviewSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        review = _review(request.user, pk)
        data = parse(AppointExpertInput, request.data)
        expert = queries.visible_experts(request.user).filter(pk=data["expert"]).first()
        if expert is None:
            raise ValidationFailed(fields={"expert": [gettext_lazy("专家不存在")]})
        actions.appoint_expert(review, expert, actor=request.user, reason=data["reason"])
        return Response(_review_out(review))


class Conclude(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="conclude_expert_review",
        summary=gettext_lazy("完成专家评审并恢复办理"),
        request=ConcludeExpertReviewInput,
        responses={200: ExpertReviewSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        review = _review(request.user, pk)
        data = parse(ConcludeExpertReviewInput, request.data)
        actions.conclude_review(review, actor=request.user, **data)
        return Response(_review_out(review))


class RemoveExpert(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="remove_expert",
        summary=gettext_lazy("撤换专家（人工干预，须说明理由）并重新抽取"),
        request=ExpertReasonInput,
        responses={200: ExpertReviewSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = _staff_assignment(request.user, pk)
        data = parse(ExpertReasonInput, request.data)
        actions.remove_expert(assignment, actor=request.user, reason=data["reason"])
        return Response(_review_out(assignment.review))


class RateExpert(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="rate_expert",
        summary=gettext_lazy("评价专家履职"),
        request=RateExpertInput,
        responses={200: ExpertAssignmentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = _staff_assignment(request.user, pk)
        data = parse(RateExpertInput, request.data)
        assignment = actions.rate_expert(assignment, actor=request.user, **data)
        return Response(ExpertAssignmentSerializer(assignment).data)


class RecordFee(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="record_expert_fee",
        summary=gettext_lazy("登记专家评审费"),
        request=ExpertFeeInput,
        responses={200: ExpertAssignmentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = _staff_assignment(request.user, pk)
        data = parse(ExpertFeeInput, request.data)
        assignment = actions.record_fee(assignment, actor=request.user, **data)
        return Response(ExpertAssignmentSerializer(assignment).data)


# --- the expert's own ------------------------------------------------------------------------


class OwnAssignments(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="list_own_expert_assignments",
        summary=gettext_lazy("我的评审（专家本人）"),
        description=gettext_lazy("仅列出尚未答复或尚未提交意见的评审；意见提交后不再显示。"),
        responses={200: OwnExpertAssignmentSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        if queries.expert_of(request.user) is None:
            raise NotPermitted()
        return Response(
            OwnExpertAssignmentSerializer(queries.own_assignments(request.user), many=True).data
        )


def _own(user: Viewer, pk: int) -> Assignment:
    return get_object_or_404(queries.own_assignments(user), pk=pk)


class OwnAssignment(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="get_own_expert_assignment",
        summary=gettext_lazy("评审详情（专家本人）"),
        responses={200: OwnExpertAssignmentSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(OwnExpertAssignmentSerializer(_own(request.user, pk)).data)


class Accept(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="accept_expert_invitation",
        summary=gettext_lazy("接受评审邀请"),
        request=None,
        responses={200: OwnExpertAssignmentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = actions.accept_invitation(_own(request.user, pk), actor=request.user)
        return Response(OwnExpertAssignmentSerializer(_own(request.user, assignment.pk)).data)


class Decline(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="decline_expert_invitation",
        summary=gettext_lazy("谢绝评审邀请（系统重新抽取）"),
        request=ExpertReasonInput,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = _own(request.user, pk)
        data = parse(ExpertReasonInput, request.data)
        actions.decline_invitation(assignment, actor=request.user, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class Opinion(Base):
    @extend_schema(
        tags=[TAG],
        operation_id="submit_expert_opinion",
        summary=gettext_lazy("提交评审意见"),
        request=ExpertOpinionInput,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = _own(request.user, pk)
        data = parse(ExpertOpinionInput, request.data)
        actions.submit_opinion(assignment, actor=request.user, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)
