"""The documents API (/api/v1/cases/{id}/documents, /api/v1/documents/{id}…, /api/v1/verify/{code}).

Every read loads through `queries.visible_documents` (the documents of the cases the caller sees,
`cases.queries.visible_cases`), so a document outside the caller's scope is the same 404 as one
that does not exist, for an anonymous caller too. Writes call one action each; the action checks
the role (clerk or signatory of the case's region to issue and reissue, signatory to revoke) and
refuses with every reason (400, `reasons`) when the document cannot be issued now."""

from collections.abc import Sequence
from typing import TypedDict

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.cases.models import Case
from oneseal.cases.queries import Viewer
from oneseal.interface.rest import ErrorSerializer, UnnamedChoiceField, load_case

from . import actions, queries, rules
from .forms import VerifyUploadForm
from .models import Document, DocumentKind
from .verification import SealedRecord

DOCUMENTS = "documents"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CASE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("办件编号（id）")
)
DOCUMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("文书编号（id）")
)
KINDS_HELP = "、".join(f"{value}（{label}）" for value, label in DocumentKind.choices)


# --- serializers ------------------------------------------------------------------------------


class IssueDocumentInput(serializers.Serializer):
    kind = UnnamedChoiceField(
        choices=DocumentKind.choices,
        help_text=_("文书种类：") + KINDS_HELP,
        error_messages={"invalid_choice": _("“{input}”不是有效的取值")},
    )


class DocumentReasonInput(serializers.Serializer):
    # Blank passes here so that the action's own message names the rule.
    reason = serializers.CharField(max_length=2000, allow_blank=True, help_text=_("理由"))


class DocumentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "number"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    kind = serializers.CharField(help_text=KINDS_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    state = serializers.CharField(
        help_text=_("genuine（有效）、revoked（已撤销）或 superseded（已被更正文书取代）")
    )
    state_display = serializers.CharField(source="get_state_display")
    bureau = serializers.CharField(source="bureau.name")
    seal = serializers.CharField(source="seal.name")
    template_version = serializers.IntegerField(
        source="template.number", allow_null=True, default=None, help_text=_("所用文书格式的版本号")
    )
    supersedes = DocumentRefSerializer(allow_null=True, help_text=_("本文书更正的原文书"))
    superseded_by = serializers.SerializerMethodField(help_text=_("取代本文书的更正文书"))
    file_url = serializers.SerializerMethodField(help_text=_("下载签章 PDF"))
    verify_url = serializers.SerializerMethodField(help_text=_("公开核验页面"))

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "case_number",
            "kind",
            "kind_display",
            "number",
            "year",
            "seq",
            "dated",
            "state",
            "state_display",
            "bureau",
            "seal",
            "verification_code",
            "verify_url",
            "file_url",
            "sha256",
            "size",
            "issued_at",
            "template_version",
            "supersedes",
            "superseded_by",
            "revoked_on",
            "revocation_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(DocumentRefSerializer(allow_null=True))
    def get_superseded_by(self, obj: Document) -> dict | None:
        newer = getattr(obj, "superseded_by", None)
        return DocumentRefSerializer(newer).data if newer is not None else None

    def get_file_url(self, obj: Document) -> str:
        return f"/api/v1/documents/{obj.pk}/file"

    def get_verify_url(self, obj: Document) -> str:
        return actions.public_url(obj.verification_code)


class DueDocumentSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=KINDS_HELP)
    # The API's field "label": DRF's metaclass takes declared fields off the class, so it never
    # meets Field.label, which the stubs see it overriding.
    label = serializers.CharField()  # type: ignore[assignment]
    event_seq = serializers.IntegerField(
        source="event.seq", help_text=_("要求出具该文书的办件记录顺序号")
    )
    dated = serializers.DateField(source="event.on", help_text=_("文书的成文日期"))
    blockers = serializers.ListField(
        child=serializers.CharField(), help_text=_("暂不能出具的原因；为空即可出具")
    )


class VerificationSerializer(serializers.Serializer):
    """What the public verification page shows: the document's own facts, nothing more."""

    state = serializers.CharField(
        help_text=_(
            "文书记录的状态：genuine（已签发）、revoked（已撤销）或 superseded（已被更正文书取代）；"
            "是否有效见 in_force"
        )
    )
    state_display = serializers.CharField(source="get_state_display")
    kind = serializers.CharField(help_text=KINDS_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    number = serializers.CharField()
    dated = serializers.DateField()
    bureau = serializers.CharField(source="bureau.name")
    applicant = serializers.CharField(
        source="case.applicant.name", help_text=_("文书上载明的申请人姓名或名称")
    )
    item = serializers.CharField(source="case.handling_item.name")
    seal = serializers.CharField(source="seal.name")
    seal_revoked = serializers.SerializerMethodField()
    sha256 = serializers.CharField(help_text=_("签章 PDF 文件的 SHA-256"))
    revoked_on = serializers.DateField(allow_null=True)
    superseded_by_number = serializers.SerializerMethodField(
        help_text=_("取代本文书的更正文书文号")
    )

    in_force = serializers.SerializerMethodField(
        help_text=_(
            "今天是否有效：文书未被撤销或更正，且证照类文书所载许可未被撤销、注销、暂缓发放或超过有效期"
        )
    )
    standing = serializers.SerializerMethodField(
        help_text=_(
            "in_force（有效）、document_revoked（文书已撤销）、superseded（已被取代）、licence_revoked（许可已撤销）、"
            "cancelled（已注销）、expired（有效期届满）、held（暂缓发放）、not_yet_valid（尚未生效）"
        )
    )
    standing_since = serializers.SerializerMethodField(help_text=_("不再有效（或开始有效）的日期"))
    standing_text = serializers.SerializerMethodField(help_text=_("一句话说明"))

    def _standing(self, obj: Document) -> rules.Standing:
        return self.context["standing"]

    def get_in_force(self, obj: Document) -> bool:
        return self._standing(obj).in_force

    def get_standing(self, obj: Document) -> str:
        return self._standing(obj).reason

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_standing_since(self, obj: Document) -> str | None:
        since = self._standing(obj).since
        return since.isoformat() if since else None

    def get_standing_text(self, obj: Document) -> str:
        return str(self._standing(obj).text)

    def get_seal_revoked(self, obj: Document) -> bool:
        return obj.seal.state == obj.seal.SealState.REVOKED

    def get_superseded_by_number(self, obj: Document) -> str | None:
        newer = getattr(obj, "superseded_by", None)
        return newer.number if newer is not None else None


# --- views ------------------------------------------------------------------------------------


def _document(user: Viewer, pk: int) -> Document:
    return get_object_or_404(
        queries.visible_documents(user).select_related(
            "case", "bureau", "seal", "template", "supersedes", "superseded_by"
        ),
        pk=pk,
    )


def _documents_of(case: Case) -> list[Document]:
    return list(
        Document.objects.filter(case=case)
        .select_related("case", "bureau", "seal", "template", "supersedes", "superseded_by")
        .order_by("issued_at", "id")
    )


class CaseDocuments(APIView):
    parser_classes = [JSONParser]

    def get_permissions(self) -> Sequence[BasePermission]:
        # Reading answers an anonymous caller with the same 404 as anyone outside the case.
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="list_case_documents",
        summary=_("办件的文书"),
        parameters=[CASE_ID],
        description=_(
            "办件的全部文书（含已被更正、已撤销的），按出具时间排列。能查看办件者即可查看。"
        ),
        responses={200: DocumentSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        return Response(DocumentSerializer(_documents_of(case), many=True).data)

    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="issue_case_document",
        summary=_("出具文书"),
        parameters=[CASE_ID],
        request=IssueDocumentInput,
        description=_(
            "办件所在区划的综合受理窗口或签批领导出具办件记录要求的通知书、决定书或证照：编文号、"
            "加盖电子印章（PAdES 签名）并保存。不能出具时返回 400，reasons 列出全部原因。"
        ),
        responses={201: DocumentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        body = IssueDocumentInput(data=request.data)
        body.is_valid(raise_exception=True)
        document = actions.issue_document(
            case, kind=body.validated_data["kind"], actor=request.user
        )
        return Response(
            DocumentSerializer(_document(request.user, document.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class CaseDueDocuments(APIView):
    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="list_case_due_documents",
        summary=_("应出具而未出具的文书"),
        parameters=[CASE_ID],
        description=_("办件记录要求出具、尚未出具的文书，及暂不能出具的原因。"),
        responses={200: DueDocumentSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        return Response(DueDocumentSerializer(queries.due_documents(case), many=True).data)


class DocumentDetail(APIView):
    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="get_document",
        summary=_("文书详情"),
        parameters=[DOCUMENT_ID],
        responses={200: DocumentSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(DocumentSerializer(_document(request.user, pk)).data)


class DocumentFile(APIView):
    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="get_document_file",
        summary=_("下载文书 PDF"),
        parameters=[DOCUMENT_ID],
        description=_(
            "签章后保存的 PDF 原件，与 sha256 一致。办件所在区划的工作人员或办件申请人本人可下载。"
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        document = _document(request.user, pk)
        response = FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{document.number}.pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class DocumentReissue(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="reissue_document",
        summary=_("更正文书（重新出具）"),
        parameters=[DOCUMENT_ID],
        request=DocumentReasonInput,
        description=_(
            "按办件现有数据出具新文书（新文号），原文书标记为已被更正，两者均保留在办件中。"
        ),
        responses={201: DocumentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request.user, pk)
        body = DocumentReasonInput(data=request.data)
        body.is_valid(raise_exception=True)
        new = actions.reissue_document(
            document, actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(
            DocumentSerializer(_document(request.user, new.pk)).data, status=status.HTTP_201_CREATED
        )


class DocumentRevoke(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="revoke_document",
        summary=_("撤销文书"),
        parameters=[DOCUMENT_ID],
        request=DocumentReasonInput,
        description=_("签批领导撤销错发的文书；核验页面随即显示“已撤销”。"),
        responses={200: DocumentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request.user, pk)
        body = DocumentReasonInput(data=request.data)
        body.is_valid(raise_exception=True)
        actions.revoke_document(document, actor=request.user, reason=body.validated_data["reason"])
        return Response(DocumentSerializer(_document(request.user, pk)).data)


class Verify(APIView):
    authentication_classes: list = []
    throttle_scope = "verify"
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="verify_document",
        summary=_("核验文书（公开）"),
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_("文书上的核验码（不区分大小写，可含空格或连字符）"),
            )
        ],
        description=_(
            "任何人可用文书上的核验码查询：该码对应的文书记录，以及文书今天是否有效（in_force、standing："
            "撤销、注销、被取代、有效期届满、暂缓发放）。只返回文书本身载明的信息。"
        ),
        responses={
            200: VerificationSerializer,
            404: OpenApiResponse(ErrorSerializer, description=_("没有该核验码的文书")),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        document = queries.public_document(code)
        if document is None:
            return Response(
                {
                    "code": "not_found",
                    "message": str(_("未找到该核验码的文书")),
                    "fields": {},
                    "reasons": [],
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(
            VerificationSerializer(
                document, context={"standing": queries.document_standing(document)}
            ).data
        )


class FileVerificationSerializer(serializers.Serializer):
    authentic = serializers.BooleanField(
        help_text=_("签章属于本局印章、文件未被改动，且与本局保存的文书逐字节一致")
    )
    verdict = serializers.CharField(help_text=_("一句话结论"))
    signature = serializers.DictField(help_text=_("签章检查的各项结果"))
    document = VerificationSerializer(
        allow_null=True, help_text=_("文件真实时，其文书记录及今天是否有效")
    )
    record = serializers.DictField(
        allow_null=True,
        help_text=_(
            "文件真实且为不属于单个办件的盖章文书（如工程建设项目的联合验收意见书）时：种类、文号、"
            "日期、签发机关、事由、SHA-256、核验页"
        ),
    )


class VerifyFile(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=[DOCUMENTS],
        operation_id="verify_document_file",
        summary=_("核验电子文书文件（公开）"),
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        description=_(
            "上传签章 PDF（不超过10 MB）：与 oneseal verify 相同，分别回答文件是否真实（签章、与记录一致）"
            "和文书今天是否有效。"
        ),
        responses={200: FileVerificationSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        form = VerifyUploadForm(data={}, files=request.FILES)
        if not form.is_valid():
            errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            first = next(iter(errors.values()))[0]
            return Response(
                {"code": "invalid", "message": first, "fields": errors, "reasons": []},
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = queries.check_file(form.cleaned_data["file"])
        sig = result.signature
        document = None
        if result.authentic and result.document is not None:
            document = VerificationSerializer(
                result.document, context={"standing": result.standing}
            ).data
        return Response(
            {
                "authentic": result.authentic,
                "verdict": str(result.verdict),
                "signature": {
                    "signed": sig.signed,
                    "intact": sig.intact,
                    "valid": sig.valid,
                    "trusted": sig.trusted,
                    "covers_whole_file": sig.covers_whole_file,
                    "matches_record": result.matches_record,
                },
                "document": document,
                "record": _record(result.record) if result.authentic else None,
            }
        )


class RecordBody(TypedDict):
    """The `record` of a file verification: a sealed record outside any case."""

    kind: str
    number: str
    dated: str | None
    issuer: str
    subject: str
    sha256: str
    url: str
    in_force: bool


def _record(record: SealedRecord | None) -> RecordBody | None:
    if record is None:
        return None
    return {
        "kind": record.kind,
        "number": record.number,
        "dated": record.dated.isoformat() if record.dated else None,
        "issuer": record.issuer,
        "subject": record.subject,
        "sha256": record.sha256,
        "url": record.url,
        "in_force": record.in_force,
    }
