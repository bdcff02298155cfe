"""The endpoints of the cases API. Each action endpoint is thin: parse the body with the
action's input, call the action, answer with the case as it now is."""

from functools import partial

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.api.pagination import CaseListPagination
from oneseal.applicants.actions import register_applicant
from oneseal.cases import actions
from oneseal.cases.locks import OutsideRange
from oneseal.cases.models import Case, CaseMaterial, RevocationProposal
from oneseal.cases.queries import (
    case_rows,
    received_between,
    received_time_bound,
    staff_sees,
    visible_applicant,
    visible_applicants,
    with_clocks,
)
from oneseal.errors import ValidationFailed
from oneseal.interface.case_actions import ACTIONS, CaseAction
from oneseal.interface.rest import ErrorSerializer, load_case, parse

from .details import acted_detail, detail_of, opened_detail, require_visible
from .inputs import (
    ApplicantInput,
    CaseListQuery,
    FoundByKey,
    OpenCaseInput,
    UploadInput,
    target_licence_of,
)
from .outputs import (
    CASE_VIEW,
    ApplicantEventSerializer,
    ApplicantSerializer,
    CaseEventSerializer,
    CaseRowSerializer,
    RevocationProposalSerializer,
    case_view,
)

CASES = "cases"


# --- Views --------------------------------------------------------------------------------

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CASE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_l("办件编号（id）")
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_l(
        "同一申请人以同一键重复提交时返回已开立的办件（200），不再开立新办件；最长64个字符"
    ),
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
    applicant = body.fields["applicant"]
    applicant.queryset = visible_applicants(request.user)
    if isinstance(applicant, FoundByKey):
        applicant.find = partial(visible_applicant, request.user)
    body.is_valid(raise_exception=True)
    return key, dict(body.validated_data)


class SignedInMixin:
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]


class ApplicantRegister(SignedInMixin, APIView):
    # A number in the body is a different field in the action (id_number or credit_code).
    FIELD_NAMES = {"id_number": "number", "credit_code": "number"}

    @extend_schema(
        tags=[CASES],
        operation_id="register_applicant",
        summary=_l("登记申请人（已登记则返回原记录）"),
        description=_l(
            "窗口人员查验身份证明后登记（查到已登记的申请人记入审计）。网上办事账号不能登记申请人（403）："
            "账号即注册时的本人，为单位办事须由窗口登记授权。"
        ),
        request=ApplicantInput,
        responses={200: ApplicantSerializer, **ERRORS},
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
    pagination_class = CaseListPagination

    def get_queryset(self):
        params = parse(CaseListQuery, self.request.query_params)
        qs = case_rows(self.request.user)
        if params.get("state"):
            qs = qs.filter(state=params["state"])
        if params.get("handling_item") is not None:
            qs = qs.filter(handling_item_id=params["handling_item"])
        self.received = (params.get("received_from"), params.get("received_to"))
        return received_between(qs, *self.received)

    @extend_schema(
        operation_id="list_cases",
        summary=_l("办件列表"),
        parameters=[CaseListQuery],
        description=_l("调用者权限范围内的办件：工作人员为本区划及下级区划，申请人为本人的办件。"),
        responses={200: CaseRowSerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request):
        rows = self.get_queryset()
        end = self.received[1]
        if end:
            # Counted by the dates, read by the dates and the time (`received_time_bound`).
            self.paginator.counted_rows = rows
            rows = received_time_bound(rows, end)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CaseRowSerializer(with_clocks(page), many=True).data)

    @extend_schema(
        operation_id="open_case",
        summary=_l("收件：开立办件"),
        request=OpenCaseInput,
        parameters=[IDEMPOTENCY_KEY],
        description=_l(
            "窗口人员收件，或申请人本人网上申请（channel=online）。带 Idempotency-Key 的重复提交返回原办件。"
            "网上申请须随附必需材料的文件：本接口不收文件，缺少不可容缺的必需材料时返回 400，"
            "按材料逐项列出（字段 material-<id>）；带文件的网上申请请以 multipart 提交到 /api/v1/cases/apply。"
        ),
        responses={201: CASE_VIEW, 200: CASE_VIEW, **ERRORS},
    )
    def post(self, request):
        key, data = opening_input(request, OpenCaseInput)
        data["target_licence"] = target_licence_of(request.user, data)
        at = timezone.now()
        try:
            case = actions.receive(
                data.pop("handling_item"), actor=request.user, idempotency_key=key, at=at, **data
            )
        except ValidationFailed as exc:
            # The rule is the action's; this endpoint only says where the files go.
            if any(field.startswith("material-") for field in exc.fields):
                raise ValidationFailed(
                    _(
                        "网上申请须同时上传必需材料的文件，请以 multipart 提交到 /api/v1/cases/apply"
                    ),
                    fields=exc.fields,
                ) from exc
            raise
        # A case opened by this call carries what it wrote; a repeat gets the earlier case.
        if getattr(case, "new_lines", None) is not None:
            return Response(
                case_view(request.user, opened_detail(case)), status=status.HTTP_201_CREATED
            )
        return Response(
            case_view(request.user, detail_of(request.user, case.pk)), status=status.HTTP_200_OK
        )


class CaseDetailView(SignedInMixin, APIView):
    @extend_schema(
        tags=[CASES],
        operation_id="get_case",
        summary=_l("办件详情"),
        parameters=[CASE_ID],
        description=_l(
            "工作人员：状态、申请人、办理项及版本、材料清单与上传文件、时限与预警、审批环节、证照及全部办件记录"
            "（CaseDetail）。申请人：与网上办事“我的办件”页面相同的内容（ApplicantCase），"
            "不含工作人员姓名、审查意见和内部数据。"
        ),
        responses={200: CASE_VIEW, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk):
        return Response(case_view(request.user, detail_of(request.user, pk)))


class CaseEventList(SignedInMixin, APIView):
    @extend_schema(
        tags=[CASES],
        operation_id="list_case_events",
        summary=_l("办件记录"),
        parameters=[CASE_ID],
        description=_l(
            "办件的全部操作记录，按顺序号排列（只增不改，哈希链校验）。申请人看到的是"
            "“我的办件”页面的办理过程：以通俗文字表述，不含操作人和内部数据。"
        ),
        responses={
            200: PolymorphicProxySerializer(
                component_name="CaseEventView",
                serializers=[CaseEventSerializer, ApplicantEventSerializer],
                resource_type_field_name=None,
                many=True,
            ),
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def get(self, request, pk):
        case = load_case(request.user, pk)
        events = case.events.order_by("seq")
        if staff_sees(request.user, case):
            return Response(CaseEventSerializer(events, many=True).data)
        return Response([ApplicantEventSerializer.render(e) for e in events])


class CaseRevocationProposals(SignedInMixin, APIView):
    @extend_schema(
        tags=[CASES],
        operation_id="list_case_revocation_proposals",
        summary=_l("撤销许可程序"),
        parameters=[CASE_ID],
        description=_l(
            "办件证照的撤销程序：提议、告知、陈述申辩、听证与决定，最新在前。能查看办件者（含持证人本人）即可查看。"
        ),
        responses={
            200: RevocationProposalSerializer(many=True),
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def get(self, request, pk):
        case = load_case(request.user, pk)
        proposals = RevocationProposal.objects.filter(case=case).select_related("licence")
        return Response(RevocationProposalSerializer(proposals, many=True).data)


class CaseMaterialFiles(SignedInMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[CASES],
        operation_id="upload_case_material_file",
        summary=_l("上传材料文件"),
        parameters=[
            CASE_ID,
            OpenApiParameter(
                "line",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description=_l("材料清单行编号（materials[].id）"),
            ),
        ],
        request={"multipart/form-data": UploadInput},
        description=_l(
            "按文件内容核验类型（PDF、JPG、PNG），保存 SHA-256；已上传的文件不会被覆盖。"
        ),
        responses={201: CASE_VIEW, **ERRORS},
    )
    def post(self, request, pk, line):
        case = load_case(request.user, pk)
        row = get_object_or_404(CaseMaterial.objects.select_related("case"), case=case, pk=line)
        data = parse(UploadInput, request.data)
        actions.attach_file(row, actor=request.user, upload=data["file"])
        return Response(
            case_view(request.user, detail_of(request.user, pk)), status=status.HTTP_201_CREATED
        )


class CaseActionView(SignedInMixin, APIView):
    case_action: CaseAction

    def post(self, request, pk):
        action = self.case_action
        case = require_visible(request.user, pk, by_lock=action.locks_first)
        if "in_range" in case.__dict__:
            # The scope is checked by the action's lock: a case outside it is a 404 before
            # anything else is said about the request, as when it was checked first.
            try:
                data = parse(action.input, request.data)
            except Exception:
                require_visible(request.user, pk)
                raise
            try:
                result = action.call(case, actor=request.user, **data)
            except OutsideRange:  # nothing was done: the exact check, then the act as always
                result = action.call(require_visible(request.user, pk), actor=request.user, **data)
        else:
            data = parse(action.input, request.data)
            result = action.call(case, actor=request.user, **data)
        detail = acted_detail(result) if isinstance(result, Case) else detail_of(request.user, pk)
        return Response(case_view(request.user, detail))


def action_view(action: CaseAction) -> type[CaseActionView]:
    snake = action.name.replace("-", "_")
    camel = "".join(part.title() for part in action.name.split("-"))
    # An action that takes a file (a tolerated material's scan) is sent as a form.
    takes_file = any(isinstance(f, serializers.FileField) for f in action.input().fields.values())
    attrs: dict = {"case_action": action}
    if takes_file:
        attrs["parser_classes"] = [JSONParser, MultiPartParser, FormParser]
    schema = extend_schema(
        tags=[CASES],
        operation_id=f"case_{snake}",
        summary=action.summary,
        description=action.description,
        parameters=[CASE_ID],
        request={"multipart/form-data": action.input} if takes_file else action.input,
        responses={
            200: CASE_VIEW,
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer, description=_l("办件已被他人改动（expected_version 不符）")
            ),
        },
    )
    # extend_schema_view copies the inherited `post` before annotating it, so each action's
    # view documents its own body.
    return extend_schema_view(post=schema)(type(f"Case{camel}View", (CaseActionView,), attrs))


ACTION_VIEWS = {action.name: action_view(action) for action in ACTIONS}
