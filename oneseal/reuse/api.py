"""The reuse API (免证办): a case line's candidates and the pick (scoped like the case:
applicants their own cases, staff within their region; the pick itself is the applicant's or a
clerk's), the library's push of e-licences (its token only), and the e-licences an
administrator sees."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.cases.models import CaseMaterial
from oneseal.errors import NotPermitted
from oneseal.interface.rest import ErrorSerializer, listed_choices, load_case, parse

from . import actions, importing, queries, sources
from .authentication import LibraryTokenAuthentication
from .models import ImportedLicence, ReusedMaterial

TAG = "reuse"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


KIND_HELP = _l("来源")


class CandidateSerializer(serializers.Serializer):
    kind = listed_choices(ReusedMaterial.Kind.choices, help_text=KIND_HELP)
    id = serializers.IntegerField()
    identifier = serializers.CharField()
    title = serializers.CharField()
    type_name = serializers.CharField()
    type_code = serializers.CharField()
    issuer = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    has_file = serializers.SerializerMethodField()

    def get_has_file(self, obj: sources.Candidate) -> bool:
        return bool(obj.file_name)


class ReusedSerializer(serializers.ModelSerializer):
    line = serializers.IntegerField(source="case_material_id")
    material = serializers.CharField(source="case_material.material.name")
    upload = serializers.IntegerField(source="upload_id", allow_null=True)
    kind = listed_choices(ReusedMaterial.Kind.choices, help_text=KIND_HELP)

    class Meta:
        model = ReusedMaterial
        fields = [
            "id",
            "line",
            "material",
            "kind",
            "source_id",
            "identifier",
            "title",
            "issuer",
            "verified_on",
            "upload",
        ]
        read_only_fields = fields


class PickInput(serializers.Serializer):
    kind = listed_choices(ReusedMaterial.Kind.choices, help_text=KIND_HELP)
    id = serializers.IntegerField(help_text=_l("证照、文书或省级电子证照的编号（候选列表中的 id）"))


def _line(request: Request, pk: int, line: int) -> CaseMaterial:
    case = load_case(request.user, pk)
    return get_object_or_404(
        CaseMaterial.objects.select_related("case", "material"), case=case, pk=line
    )


class LineCandidates(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="reuse_candidates",
        summary=_l("材料可复用的证照和文书"),
        description=_l(
            "申请人本人的有效证照、本局决定文书和省级电子证照中与该材料对应者；他人的办件为 404。"
        ),
        responses={200: CandidateSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, pk: int, line: int) -> Response:
        row = _line(request, pk, line)
        offers = queries.offers_for_case(row.case)
        return Response(CandidateSerializer(offers.get(row.pk, []), many=True).data)


class LinePick(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="reuse_pick",
        summary=_l("以已有证照或文书代替上传"),
        description=_l(
            "核验所选证照或文书属于申请人且仍然有效后记入该材料；不属于申请人、已过期、已撤销者拒绝，错误列在 material-<id> 下。"
        ),
        request=PickInput,
        responses={201: ReusedSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int, line: int) -> Response:
        row = _line(request, pk, line)
        data = parse(PickInput, request.data)
        picked = actions.pick(row, actor=request.user, kind=data["kind"], source_id=data["id"])
        return Response(ReusedSerializer(picked).data, status=status.HTTP_201_CREATED)


class CaseReused(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="reuse_of_case",
        summary=_l("办件复用的证照和文书"),
        description=_l("每条复用记录及其今日核验结果（problem 非空即已失效）。"),
        responses={200: ReusedSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = load_case(request.user, pk)
        lines = queries.of_case(case)
        data = ReusedSerializer([line.row for line in lines], many=True).data
        for item, line in zip(data, lines, strict=True):
            item["problem"] = line.problem
        return Response(data)


class ImportedSerializer(serializers.ModelSerializer):
    status = listed_choices(ImportedLicence.Status.choices, help_text=_l("证照状态"))
    # The API's field "source": DRF's metaclass takes declared fields off the class, so it
    # never meets Field.source, which the stubs see it overriding.
    source = listed_choices(  # type: ignore[assignment]
        ImportedLicence.Source.choices, help_text=_l("来源")
    )

    class Meta:
        model = ImportedLicence
        fields = [
            "id",
            "identifier",
            "type_code",
            "type_name",
            "number",
            "holder_name",
            "holder_code",
            "issuer",
            "issued_on",
            "valid_from",
            "valid_until",
            "status",
            "source",
            "updated_at",
        ]
        read_only_fields = fields


class PushResult(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    revoked = serializers.ListField(child=serializers.CharField())


class ImportedLicences(APIView):
    """GET: an administrator's list of the library's e-licences. POST: the library pushes
    e-licences with its token (JSON: a list, or {"licences": [...]}); all or none."""

    authentication_classes = [
        LibraryTokenAuthentication,
        *APIView.authentication_classes,
    ]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="reuse_imported_list",
        summary=_l("省级电子证照"),
        responses={200: ImportedSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        if not actions.may_import(request.user) or isinstance(request.user, actions.LibraryActor):
            raise NotPermitted()
        qs = queries.imported({"holder_code": request.query_params.get("holder_code", "").upper()})[
            :200
        ]
        return Response(ImportedSerializer(qs, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="reuse_imported_push",
        summary=_l("省级电子证照库推送电子证照"),
        description=_l(
            "GB/T 36903 元数据（证照标识、类型代码和名称、持证主体及代码、发证机构、发证日期、有效期、状态），可附 file_base64（PDF 或 OFD）。任一条有误则全部不写入，错误逐条列出。"
        ),
        request={"application/json": {"type": "object"}},
        responses={201: PushResult, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.user, actions.LibraryActor):
            raise NotPermitted(_l("仅限省级电子证照库令牌推送"))
        result = actions.import_licences(
            importing.read_json(request.data),
            source=ImportedLicence.Source.PUSH,
            actor=request.user,
        )
        return Response(PushResult(result).data, status=status.HTTP_201_CREATED)
