"""The linkage API (/api/v1/linkage/…): a department's system (token) or supervisor (session)
reads its pushes and support requests, signs, feeds back and answers; bureau staff read a
case's linkage. A token without the endpoint's scope gets 403 before anything is loaded;
another department's push or request is a 404 that says nothing about it."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.errors import NotPermitted
from oneseal.inputs import BIGGEST_ID
from oneseal.interface.rest import ErrorSerializer, listed_choices, load_case
from oneseal.organisation.models import Department

from . import actions, queries
from .actors import acting_department
from .authentication import DepartmentTokenAuthentication
from .models import (
    Feedback,
    FeedbackKind,
    OpinionAttachment,
    OpinionConclusion,
    OpinionRequest,
    Push,
    Scope,
    SupportAttachment,
    SupportRequest,
)
from .views import _bureau_may_see as bureau_may_see

TAG = "linkage"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class LinkageView(APIView):
    # Typed as APIView types them, so a view's own list (another parser) overrides them.
    authentication_classes: Sequence[type[BaseAuthentication]] = [
        DepartmentTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes: Sequence[type[BasePermission]] = [IsAuthenticated]
    parser_classes: Sequence[type[BaseParser]] = [JSONParser]
    scope: str = ""

    def department_or_403(self, scope: str | None = None) -> Department:
        department = acting_department(self.request.user, scope or self.scope)
        if department is None:
            raise NotPermitted(
                _("调用者不是行业主管部门，或令牌没有“{scope}”权限").format(
                    scope=scope or self.scope
                )
            )
        return department


# --- output -------------------------------------------------------------------------------


class LinkageFeedbackSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    kind = serializers.CharField(
        help_text=_("inspection、penalty、rectification、revocation_request")
    )
    request_state = serializers.CharField(
        help_text=_("撤销建议的处理状态：open、revoked、declined；其他反馈为空")
    )
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Feedback
        fields = [
            "id",
            "push",
            "department",
            "kind",
            "kind_label",
            "on",
            "summary",
            "document_number",
            "recorder_name",
            "recorded_at",
            "request_state",
            "handled_on",
            "handling_note",
        ]


class LinkagePushSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number")
    decision = serializers.CharField(help_text=_("grant、deny、revoke_licence"))
    department = serializers.CharField(source="department.name")
    decision_label = serializers.CharField(source="get_decision_display")
    escalated = serializers.SerializerMethodField()

    class Meta:
        model = Push
        fields = [
            "id",
            "case_number",
            "department",
            "decision",
            "decision_label",
            "pushed_on",
            "sign_due",
            "signed_on",
            "signer_name",
            "signed_late",
            "escalated",
            "payload",
        ]

    def get_escalated(self, push: Push) -> bool:
        return push.escalated_on is not None


class SupportAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256"]


class LinkageSupportRequestSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number")
    kind = serializers.CharField(help_text=_("site_survey、technical_review、testing、hearing"))
    state = serializers.CharField(help_text=_("open（待答复）、answered（已答复）"))
    department = serializers.CharField(source="department.name")
    kind_label = serializers.CharField(source="get_kind_display")
    attachments = SupportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "case_number",
            "department",
            "kind",
            "kind_label",
            "details",
            "days",
            "requested_on",
            "due_on",
            "state",
            "result",
            "answered_on",
            "answerer_name",
            "answered_late",
            "attachments",
        ]


class OpinionAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256"]


class LinkageOpinionSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None, allow_null=True)
    joint_step = serializers.SerializerMethodField()
    department = serializers.CharField(source="department.name")
    state = serializers.CharField(
        help_text=_(
            "open（待答复）、answered（已答复）、deemed（逾期视为无意见）、withdrawn（已撤回）"
        )
    )
    state_label = serializers.CharField(source="get_state_display")
    conclusion = serializers.CharField(
        help_text=_("agree（同意）、conditions（有条件同意）、object（不同意）；未答复为空")
    )
    escalated = serializers.SerializerMethodField()
    attachments = OpinionAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = OpinionRequest
        fields = [
            "id",
            "case_number",
            "joint_step",
            "department",
            "subject",
            "days",
            "requested_on",
            "due_on",
            "silence_is_consent",
            "silence_rule",
            "requester_name",
            "state",
            "state_label",
            "conclusion",
            "reasons",
            "answered_on",
            "answerer_name",
            "answered_late",
            "deemed_on",
            "escalated",
            "attachments",
        ]

    def get_escalated(self, opinion: OpinionRequest) -> bool:
        return opinion.escalated_on is not None

    def get_joint_step(self, opinion: OpinionRequest) -> dict | None:
        step = opinion.joint_step
        if step is None:
            return None
        return {
            "id": step.pk,
            "kind": step.kind,
            "title": step.title,
            "project_code": step.project.code,
            "project_name": step.project.name,
            "stage": step.stage,
        }


class CaseLinkageSerializer(serializers.Serializer):
    pushes = LinkagePushSerializer(many=True)
    feedback = LinkageFeedbackSerializer(many=True)
    support_requests = LinkageSupportRequestSerializer(many=True)
    opinion_requests = LinkageOpinionSerializer(many=True)


# --- input --------------------------------------------------------------------------------


class LinkageFeedbackInput(serializers.Serializer):
    kind = listed_choices(FeedbackKind.choices, help_text=_("反馈类型"))
    summary = serializers.CharField(allow_blank=True, help_text=_("情况说明"))
    on = serializers.DateField(
        required=False,
        help_text=_("检查或处理日期（默认今天）"),
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD，例如 2025-07-01")},
    )
    document_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )


class SupportAnswerInput(serializers.Serializer):
    result = serializers.CharField(allow_blank=True, help_text=_("支撑结论"))
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("附件（PDF、JPG、PNG），可多个"),
    )


class OpinionAnswerInput(serializers.Serializer):
    conclusion = listed_choices(OpinionConclusion.choices, help_text=_("意见"))
    reasons = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("理由或条件")
    )
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("附件（PDF、JPG、PNG），可多个"),
    )


class OpinionRequestInput(serializers.Serializer):
    department = serializers.IntegerField(
        min_value=1, max_value=BIGGEST_ID, help_text=_("征求意见部门的编号")
    )
    subject = serializers.CharField(allow_blank=True, help_text=_("征求意见事项"))
    days = serializers.IntegerField(help_text=_("答复时限（工作日）"))
    silence_is_consent = serializers.BooleanField(
        required=False, default=False, help_text=_("逾期未答复视为无意见")
    )
    silence_rule = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("视为无意见的依据")
    )


class OpinionWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("撤回理由"))


class LinkageListQuery(serializers.Serializer):
    open = serializers.BooleanField(
        required=False, default=False, help_text=_("只看待签收（待答复）的")
    )


def parse(serializer_class: type[serializers.Serializer], data: Mapping[str, Any]) -> dict:
    body = serializer_class(data=data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# --- pushes -------------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class PushList(LinkageView, generics.ListAPIView):
    serializer_class = LinkagePushSerializer
    scope = Scope.PUSHES_READ

    def get_queryset(self) -> QuerySet[Push]:
        self.department_or_403()
        qs = queries.department_pushes(self.request.user, self.scope).order_by("sign_due", "id")
        if parse(LinkageListQuery, self.request.query_params)["open"]:
            qs = qs.unsigned()
        return qs

    @extend_schema(
        operation_id="linkage_list_pushes",
        summary=_("本部门收到的审批结果推送"),
        parameters=[LinkageListQuery],
        responses={200: LinkagePushSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class PushDetail(LinkageView, APIView):
    scope = Scope.PUSHES_READ

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_get_push",
        summary=_("推送详情及反馈"),
        parameters=[ID],
        responses={200: LinkagePushSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        self.department_or_403()
        push = get_object_or_404(queries.department_pushes(request.user, self.scope), pk=pk)
        return Response(LinkagePushSerializer(push).data)


class PushSign(LinkageView, APIView):
    scope = Scope.PUSHES_SIGN

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_sign_push",
        summary=_("签收推送"),
        parameters=[ID],
        request=None,
        description=_("在签收期限（工作日）后签收的记为逾期签收并督办。已签收的返回 400。"),
        responses={200: LinkagePushSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        self.department_or_403()
        push = get_object_or_404(queries.department_pushes(request.user, self.scope), pk=pk)
        return Response(LinkagePushSerializer(actions.sign_push(push, actor=request.user)).data)


class PushFeedback(LinkageView, APIView):
    scope = Scope.FEEDBACK_WRITE

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_give_feedback",
        summary=_("反馈监管结果"),
        parameters=[ID],
        request=LinkageFeedbackInput,
        description=_("监督检查结果、行政处罚、责令整改或建议撤销许可（由审批局决定）。"),
        responses={201: LinkageFeedbackSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        self.department_or_403()
        push = get_object_or_404(queries.department_pushes(request.user, self.scope), pk=pk)
        feedback = actions.give_feedback(
            push, actor=request.user, **parse(LinkageFeedbackInput, request.data)
        )
        return Response(LinkageFeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


# --- technical support --------------------------------------------------------------------


@extend_schema(tags=[TAG])
class SupportList(LinkageView, generics.ListAPIView):
    serializer_class = LinkageSupportRequestSerializer
    scope = Scope.SUPPORT_READ

    def get_queryset(self) -> QuerySet[SupportRequest]:
        self.department_or_403()
        qs = queries.department_support_requests(self.request.user, self.scope).order_by(
            "due_on", "id"
        )
        if parse(LinkageListQuery, self.request.query_params)["open"]:
            qs = qs.filter(state=SupportRequest.RequestState.OPEN)
        return qs

    @extend_schema(
        operation_id="linkage_list_support_requests",
        summary=_("本部门收到的技术支撑请求"),
        parameters=[LinkageListQuery],
        responses={200: LinkageSupportRequestSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class SupportDetail(LinkageView, APIView):
    scope = Scope.SUPPORT_READ

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_get_support_request",
        summary=_("技术支撑请求详情"),
        parameters=[ID],
        responses={200: LinkageSupportRequestSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        self.department_or_403()
        support = get_object_or_404(
            queries.department_support_requests(request.user, self.scope), pk=pk
        )
        return Response(LinkageSupportRequestSerializer(support).data)


class SupportAnswer(LinkageView, APIView):
    scope = Scope.SUPPORT_ANSWER
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_answer_support_request",
        summary=_("答复技术支撑请求"),
        parameters=[ID],
        request={"multipart/form-data": SupportAnswerInput, "application/json": SupportAnswerInput},
        description=_("答复后办件恢复计时（《行政许可法》第四十五条：特别程序时间不计入期限）。"),
        responses={200: LinkageSupportRequestSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        self.department_or_403()
        support = get_object_or_404(
            queries.department_support_requests(request.user, self.scope), pk=pk
        )
        data = request.data
        if hasattr(data, "getlist"):
            data = {
                "result": data.get("result", ""),
                "attachments": request.FILES.getlist("attachments"),
            }
        answered = actions.answer_support_request(
            support, actor=request.user, **parse(SupportAnswerInput, data)
        )
        return Response(LinkageSupportRequestSerializer(answered).data)


# --- the bureau's view --------------------------------------------------------------------


class CaseLinkageView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_case",
        summary=_("办件的审管联动：推送、反馈、技术支撑、征求意见"),
        description=_(
            "审批局和监察人员查看本区划办件的推送、部门反馈和技术支撑。申请人和部门监管人员"
            "的页面不显示这些内容，此处同样返回 404。"
        ),
        parameters=[ID],
        responses={200: CaseLinkageSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        # The same reader as the page (linkage.views.case_panel): the bureau's and the overseers'
        # staff. An applicant's portal shows no linkage (departments' feedback, signers, support
        # requests) and a department reads its own pushes through its inbox.
        if not bureau_may_see(request.user, case.region_code):
            raise Http404
        linkage = queries.case_linkage(case)
        return Response(
            CaseLinkageSerializer(
                {
                    "pushes": linkage.pushes,
                    "feedback": linkage.feedback,
                    "support_requests": linkage.support_requests,
                    "opinion_requests": linkage.opinion_requests,
                }
            ).data
        )


# --- opinions (征求意见) ---------------------------------------------------------------------


@extend_schema(tags=[TAG])
class OpinionList(LinkageView, generics.ListAPIView):
    serializer_class = LinkageOpinionSerializer
    scope = Scope.OPINIONS_READ

    def get_queryset(self) -> QuerySet[OpinionRequest]:
        self.department_or_403()
        qs = queries.department_opinion_requests(self.request.user, self.scope).order_by(
            "due_on", "id"
        )
        if parse(LinkageListQuery, self.request.query_params)["open"]:
            qs = qs.filter(state=OpinionRequest.RequestState.OPEN)
        return qs

    @extend_schema(
        operation_id="linkage_list_opinion_requests",
        summary=_("本部门收到的征求意见"),
        parameters=[LinkageListQuery],
        responses={200: LinkageOpinionSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class OpinionDetail(LinkageView, APIView):
    scope = Scope.OPINIONS_READ

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_get_opinion_request",
        summary=_("征求意见详情"),
        parameters=[ID],
        responses={200: LinkageOpinionSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        self.department_or_403()
        opinion = get_object_or_404(
            queries.department_opinion_requests(request.user, self.scope), pk=pk
        )
        return Response(LinkageOpinionSerializer(opinion).data)


class OpinionAnswer(LinkageView, APIView):
    scope = Scope.OPINIONS_ANSWER
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_answer_opinion_request",
        summary=_("答复征求意见"),
        parameters=[ID],
        request={"multipart/form-data": OpinionAnswerInput, "application/json": OpinionAnswerInput},
        description=_(
            "同意、有条件同意或不同意；有条件同意和不同意须写明理由。已答复、已视为无意见或"
            "已撤回的返回 400。"
        ),
        responses={200: LinkageOpinionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        self.department_or_403()
        opinion = get_object_or_404(
            queries.department_opinion_requests(request.user, self.scope), pk=pk
        )
        data = request.data
        if hasattr(data, "getlist"):
            data = {
                "conclusion": data.get("conclusion", ""),
                "reasons": data.get("reasons", ""),
                "attachments": request.FILES.getlist("attachments"),
            }
        answered = actions.answer_opinion(
            opinion, actor=request.user, **parse(OpinionAnswerInput, data)
        )
        return Response(LinkageOpinionSerializer(answered).data)


class CaseOpinionRequest(APIView):
    """The bureau asks a department for its opinion on a case."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_request_opinion",
        summary=_("就办件征求部门意见"),
        parameters=[ID],
        request=OpinionRequestInput,
        description=_(
            "本区划的审查人员或签批人员发起。答复前（逾期视为无意见的，期限届满前）不能作出决定。"
        ),
        responses={201: LinkageOpinionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        if not bureau_may_see(request.user, case.region_code):
            raise Http404
        data = parse(OpinionRequestInput, request.data)
        department = Department.objects.filter(pk=data.pop("department")).first()
        opinion = actions.request_opinion(case, actor=request.user, department=department, **data)
        return Response(LinkageOpinionSerializer(opinion).data, status=status.HTTP_201_CREATED)


class OpinionWithdraw(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="linkage_withdraw_opinion_request",
        summary=_("撤回征求意见"),
        parameters=[ID],
        request=OpinionWithdrawInput,
        responses={200: LinkageOpinionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        opinion = get_object_or_404(OpinionRequest, pk=pk)
        if not bureau_may_see(request.user, opinion.region_code):
            raise Http404
        withdrawn = actions.withdraw_opinion_request(
            opinion, actor=request.user, **parse(OpinionWithdrawInput, request.data)
        )
        return Response(LinkageOpinionSerializer(withdrawn).data)
