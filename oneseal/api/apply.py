"""Applying online through the API as on the portal: one multipart request opens the case
and carries its files (`material-<id>`), through `cases.actions.apply_online`, so the rule
that every required material comes with a file holds on both paths."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.cases import actions
from oneseal.errors import fail_fields

from .cases.details import detail_of
from .cases.inputs import OpenCaseInput, target_licence_of
from .cases.outputs import CASE_VIEW, case_view
from .cases.views import ERRORS, IDEMPOTENCY_KEY, opening_input

FILE_FIELD = re.compile(r"^material-(\d+)$")


class ApplyInput(OpenCaseInput):
    channel = None  # always online: the applicant applies for themselves
    agent_name = agent_id_number = agent_phone = None


class ApplyOnline(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["cases"],
        operation_id="apply_online",
        summary=_l("网上申请：开立办件并上传材料"),
        request={"multipart/form-data": ApplyInput},
        parameters=[IDEMPOTENCY_KEY],
        description=_l(
            "申请人本人网上申请：与网上办事页面相同，每项必要且不可容缺的材料须随申请上传"
            "（字段 material-<材料编号>），缺少或文件不合格时整份申请不予接收，错误列在该材料字段下。"
        ),
        responses={201: CASE_VIEW, 200: CASE_VIEW, **ERRORS},
    )
    def post(self, request):
        key, data = opening_input(request, ApplyInput)
        files, unknown = {}, {}
        for name, upload in request.FILES.items():
            match = FILE_FIELD.match(name)
            if match is None:
                unknown[name] = [_("未知的文件字段，材料文件的字段名应为 material-<材料编号>")]
            else:
                files[int(match.group(1))] = upload
        fail_fields(unknown)
        case = actions.apply_online(
            data["handling_item"],
            actor=request.user,
            applicant=data["applicant"],
            files=files,
            idempotency_key=key,
            at=timezone.now(),
            target_licence=target_licence_of(request.user, data),
        )
        # The files were stored after the case was opened: its detail is read back whole.
        opened = getattr(case, "new_lines", None) is not None
        return Response(
            case_view(request.user, detail_of(request.user, case.pk)),
            status=status.HTTP_201_CREATED if opened else status.HTTP_200_OK,
        )
