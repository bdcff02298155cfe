"""The drafts API (/api/v1/drafts…): the caller's own drafts only — list, start, read, save
fields, add and remove files, submit as a case, delete. Drafts are read through
`queries.own_drafts`, so another account's draft is a 404 that says nothing about it. Domain
errors are rendered by `api.errors` (NotPermitted → 403, any other → 400)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import represented
from oneseal.cases.models import Case
from oneseal.catalogue.models import HandlingItem
from oneseal.errors import ValidationFailed, fail_fields
from oneseal.interface.rest import ErrorSerializer, parse

from . import actions, queries, rules
from .models import Draft, DraftUpload

TAG = "drafts"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
DRAFT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("草稿编号")
)


class ApplicationDraftFileSerializer(serializers.ModelSerializer):
    material_id = serializers.IntegerField()
    material = serializers.CharField(source="material.name")
    url = serializers.SerializerMethodField(help_text=gettext_lazy("下载地址（仅本人可下载）"))

    class Meta:
        model = DraftUpload
        fields = [
            "id",
            "material_id",
            "material",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: DraftUpload) -> str:
        return reverse("drafts:file", args=[obj.draft_id, obj.pk])


class ApplicationDraftSerializer(serializers.ModelSerializer):
    applicant = serializers.CharField(source="applicant.name")
    applicant_id = serializers.IntegerField()
    handling_item = serializers.CharField(source="handling_item.name")
    handling_item_id = serializers.IntegerField()
    files = ApplicationDraftFileSerializer(source="uploads", many=True)
    removal_on = serializers.SerializerMethodField(
        help_text=gettext_lazy("若无修改，草稿将于此日删除")
    )

    class Meta:
        model = Draft
        fields = [
            "id",
            "applicant_id",
            "applicant",
            "handling_item_id",
            "handling_item",
            "fields",
            "files",
            "created_at",
            "changed_at",
            "warned_at",
            "removal_on",
        ]
        read_only_fields = fields

    def get_removal_on(self, obj: Draft) -> str:
        return queries.removal_day(obj).isoformat()


class DraftSubmissionSerializer(serializers.ModelSerializer):
    state = serializers.CharField(help_text=gettext_lazy("办件状态（网上申请后为 received）"))

    class Meta:
        model = Case
        fields = ["id", "number", "query_code", "state"]
        read_only_fields = fields


class ApplicationDraftStartInput(serializers.Serializer):
    handling_item = serializers.IntegerField(help_text=gettext_lazy("办理项编号"))
    applicant = serializers.IntegerField(
        required=False, help_text=gettext_lazy("申请人编号；账号只关联一位申请人时可不填")
    )
    licence = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("所涉证照编号（变更、延续等）")
    )


class ApplicationDraftFieldsInput(serializers.Serializer):
    licence = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=gettext_lazy("所涉证照编号；空值清除"),
    )


class ApplicationDraftFileInput(serializers.Serializer):
    material = serializers.IntegerField(help_text=gettext_lazy("材料编号"))
    file = serializers.FileField(help_text=gettext_lazy("PDF、JPG 或 PNG 文件"))


def _own(request: Request, pk: int) -> Draft:
    draft = queries.own_draft(request.user, pk)
    if draft is None:
        raise Http404
    return draft


def _view(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(ApplicationDraftSerializer(_own(request, pk)).data, status=code)


class SignedIn(APIView):
    permission_classes = [IsAuthenticated]


class Drafts(SignedIn, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="list_drafts",
        summary=gettext_lazy("我的申请草稿"),
        responses={200: ApplicationDraftSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(
            ApplicationDraftSerializer(queries.own_drafts(request.user)[:500], many=True).data
        )

    @extend_schema(
        tags=[TAG],
        operation_id="start_draft",
        summary=gettext_lazy("保存申请草稿"),
        request=ApplicationDraftStartInput,
        description=gettext_lazy("为本账号关联的申请人开始一份网上申请草稿。"),
        responses={201: ApplicationDraftSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(ApplicationDraftStartInput, request.data)
        own = list(represented(request.user).order_by("-kind", "id"))
        if data.get("applicant") is None and len(own) == 1:
            applicant: Applicant | None = own[0]
        else:
            applicant = next((a for a in own if a.pk == data.get("applicant")), None)
        if applicant is None:
            raise ValidationFailed(fields={"applicant": [gettext_lazy("请选择本账号关联的申请人")]})
        hi = HandlingItem.objects.filter(pk=data["handling_item"]).first()
        if hi is None:
            raise ValidationFailed(
                fields={
                    "handling_item": [
                        gettext_lazy("办理项 {pk} 不存在").format(pk=data["handling_item"])
                    ]
                }
            )
        # A bad field refuses the call before anything is started.
        fail_fields(rules.clean_fields({k: v for k, v in data.items() if k == "licence"})[1])
        draft = actions.start_draft(hi, actor=request.user, applicant=applicant)
        if "licence" in data:
            actions.save_fields(draft, actor=request.user, fields={"licence": data["licence"]})
        return _view(request, draft.pk, status.HTTP_201_CREATED)


class DraftDetail(SignedIn, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="get_draft",
        summary=gettext_lazy("申请草稿"),
        parameters=[DRAFT_ID],
        responses={200: ApplicationDraftSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _view(request, pk)

    @extend_schema(
        tags=[TAG],
        operation_id="save_draft",
        summary=gettext_lazy("保存草稿内容"),
        parameters=[DRAFT_ID],
        request=ApplicationDraftFieldsInput,
        description=gettext_lazy("只改请求中给出的字段；同时保存时以后到者为准。"),
        responses={200: ApplicationDraftSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        draft = _own(request, pk)
        data = parse(ApplicationDraftFieldsInput, request.data)
        actions.save_fields(draft, actor=request.user, fields=data)
        return _view(request, pk)

    @extend_schema(
        tags=[TAG],
        operation_id="delete_draft",
        summary=gettext_lazy("删除草稿"),
        parameters=[DRAFT_ID],
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request, pk: int) -> Response:
        actions.delete_draft(_own(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftFiles(SignedIn, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        operation_id="add_draft_file",
        summary=gettext_lazy("上传草稿材料文件"),
        parameters=[DRAFT_ID],
        request={"multipart/form-data": ApplicationDraftFileInput},
        description=gettext_lazy(
            "与办件材料相同的核验（按内容判断类型，保存 SHA-256）；同一材料再次上传即替换。"
        ),
        responses={201: ApplicationDraftSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = _own(request, pk)
        data = parse(ApplicationDraftFileInput, request.data)
        actions.add_upload(draft, data["material"], actor=request.user, upload=data["file"])
        return _view(request, pk, status.HTTP_201_CREATED)


class DraftFile(SignedIn, APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="remove_draft_file",
        summary=gettext_lazy("删除草稿材料文件"),
        parameters=[
            DRAFT_ID,
            OpenApiParameter(
                "file_id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description=gettext_lazy("文件编号"),
            ),
        ],
        responses={200: ApplicationDraftSerializer, **ERRORS},
    )
    def delete(self, request: Request, pk: int, file_id: int) -> Response:
        row = queries.own_upload(request.user, pk, file_id)
        if row is None:
            raise Http404
        actions.remove_upload(row, actor=request.user)
        return _view(request, pk)


class DraftSubmit(SignedIn, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="submit_draft",
        summary=gettext_lazy("提交草稿为网上申请"),
        parameters=[DRAFT_ID],
        request=None,
        description=gettext_lazy(
            "按网上申请的规则开立办件，草稿的文件即为办件的材料文件，草稿随之删除。"
            "同一草稿再次提交返回已开立的办件（200）。"
        ),
        responses={201: DraftSubmissionSerializer, 200: DraftSubmissionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        if queries.own_draft(request.user, pk) is None:
            # Gone: submitted already (the same case again) or never the caller's (404).
            case = actions.submitted_case(request.user, pk)
            if case is None:
                raise Http404
            return Response(DraftSubmissionSerializer(case).data)
        case = actions.submit(pk, actor=request.user)
        return Response(DraftSubmissionSerializer(case).data, status=status.HTTP_201_CREATED)
