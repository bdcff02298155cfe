"""/api/v1/notifications…: the caller's own messages, marking them read, and the caller's
choice of channels. Another user's message is a 404 that says nothing about it."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.actors import stored_user
from oneseal.interface.rest import ErrorSerializer

from . import actions, queries
from .models import Notification, Preference

TAG = "notifications"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    case_number = serializers.CharField(source="case.number", allow_null=True, default=None)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "body",
            "link",
            "case_number",
            "created_at",
            "read",
            "read_at",
        ]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class PreferenceSerializer(serializers.ModelSerializer):
    by_email = serializers.BooleanField(default=True)
    by_sms = serializers.BooleanField(default=True)
    email = serializers.CharField(
        required=False, allow_blank=True, max_length=254, help_text=gettext_lazy("接收邮箱")
    )
    phone = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text=gettext_lazy("接收手机号码")
    )
    quiet_hours = serializers.BooleanField(default=True)

    class Meta:
        model = Preference
        fields = ["by_email", "by_sms", "email", "phone", "quiet_hours"]


@extend_schema(
    tags=[TAG],
    summary="我的消息",
    parameters=[
        OpenApiParameter("unread", OpenApiTypes.BOOL, description=gettext_lazy("只列出未读消息"))
    ],
)
class Notifications(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        rows = queries.own_notifications(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return rows


@extend_schema(
    tags=[TAG], summary="标为已读", request=None, responses={200: NotificationSerializer, **ERRORS}
)
class NotificationRead(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, pk: int) -> Response:
        notification = get_object_or_404(queries.own_notifications(request.user), pk=pk)
        notification = actions.mark_read(notification, actor=request.user)
        return Response(NotificationSerializer(notification).data)


@extend_schema(
    tags=[TAG],
    summary="全部标为已读",
    request=None,
    responses={
        200: inline_serializer("NotificationsReadAll", {"marked": serializers.IntegerField()})
    },
)
class NotificationsReadAll(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        return Response({"marked": actions.mark_all_read(actor=request.user)})


class NotificationPreferences(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(tags=[TAG], summary="通知设置", responses={200: PreferenceSerializer})
    def get(self, request: Request) -> Response:
        return Response(PreferenceSerializer(queries.preference_of(stored_user(request.user))).data)

    @extend_schema(
        tags=[TAG],
        summary="修改通知设置",
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer, **ERRORS},
    )
    def put(self, request: Request) -> Response:
        given = PreferenceSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        preference = actions.save_preference(actor=request.user, **given.validated_data)
        return Response(PreferenceSerializer(preference).data)
