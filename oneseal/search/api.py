"""GET /api/v1/search?q=…&region=…&limit=…: the handling items a citizen's words point to,
ranked, each with its item, department, score and guide URL, and whether any is close enough
(`matched`); when none is, the nearest are under `related` with the nearest topics and the
bureau's consultation phone; `excluded` names the items an administrator's exclusion kept out
(开药店 is not the 医保 agreement of a pharmacy) and why. Public and read-only, like the
catalogue API; the ranking is `search.queries.search_handling_items`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.catalogue.models import Catalogue
from oneseal.interface.rest import ErrorSerializer
from oneseal.regions.models import Region

from .queries import (
    MAX_LIMIT,
    MAX_QUERY_LENGTH,
    consultation_phones,
    nearest_topics,
    search_handling_items,
    search_life_events,
)


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text=_("群众的说法，如“开饭店”“注销公司”"),
        error_messages={
            "required": _("请输入要查找的事情"),
            "blank": _("请输入要查找的事情"),
            "max_length": _("查找内容不能超过 {max_length} 个字"),
        },
    )
    region = serializers.CharField(
        required=False,
        max_length=12,
        help_text=_("区划代码，如 640221；只查该地区及其下级的本级事项目录"),
        error_messages={"max_length": _("区划代码无效")},
    )
    limit = serializers.IntegerField(
        required=False,
        default=10,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=_("最多返回几项（1–50，默认 10）"),
        error_messages={
            "invalid": _("应为整数"),
            "min_value": _("至少为 {min_value}"),
            "max_value": _("不能超过 {max_value}"),
        },
    )

    def validate_q(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("请输入要查找的事情"))
        return value

    def validate_region(self, value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        region = Region.objects.filter(code=value).first()
        if region is None:
            raise serializers.ValidationError(_("区划代码 {code} 不存在").format(code=value))
        if not Catalogue.objects.filter(
            kind=Catalogue.Kind.LOCAL, region__code__startswith=region.prefix
        ).exists():
            raise serializers.ValidationError(_("区划 {code} 没有本级事项目录").format(code=value))
        return value


class SearchSiblingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="handling_item.pk")
    name = serializers.CharField()
    variant = serializers.CharField(source="variant_label")
    guide_url = serializers.CharField()


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="handling_item.pk", help_text=_("办理项编号"))
    code = serializers.CharField(source="handling_item.code", help_text=_("办理项编码"))
    name = serializers.CharField(source="handling_item_name", help_text=_("办理项名称"))
    variant = serializers.CharField(source="variant_label", help_text=_("业务类型"))
    item = serializers.CharField(source="item_name", help_text=_("事项名称"))
    department = serializers.CharField(source="department_name", help_text=_("原审批部门"))
    region = serializers.CharField(source="region_code", help_text=_("区划代码"))
    score = serializers.FloatField(help_text=_("相关度，越大越相关"))
    matched = serializers.CharField(help_text=_("匹配原因"))
    guide_url = serializers.CharField(help_text=_("办事指南页面地址"))
    others = SearchSiblingSerializer(many=True, help_text=_("同一事项的其他办理项"))


class TopicLinkSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("主题"))
    url = serializers.CharField(help_text=_("按主题浏览事项目录的页面地址"))


class ConsultationSerializer(serializers.Serializer):
    bureau = serializers.CharField(help_text=_("行政审批局"))
    phone = serializers.CharField(help_text=_("咨询电话"))


class LifeEventHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="life_event.pk")
    name = serializers.CharField(help_text=_("一件事名称"))
    description = serializers.CharField(help_text=_("说明"))
    item_names = serializers.ListField(
        child=serializers.CharField(), help_text=_("一次申请同时办理的办理项")
    )
    matched = serializers.CharField(help_text=_("与查询相符的名称或关键词"))
    url = serializers.CharField(help_text=_("一件事申请页面"))


class NoticeSerializer(serializers.Serializer):
    phrase = serializers.CharField(help_text=_("查询中被排除的说法"))
    item = serializers.CharField(source="item_name", help_text=_("因此不给出的事项"))
    explanation = serializers.CharField(help_text=_("向群众的说明，可能为空"))
    instead = serializers.CharField(
        source="instead_name", help_text=_("管理员指定的应办事项名称，可能为空")
    )
    instead_url = serializers.CharField(help_text=_("应办事项的办事指南地址，可能为空"))


class SearchResultSerializer(serializers.Serializer):
    life_events = LifeEventHitSerializer(
        many=True, help_text=_("名称或关键词与查询相符的一件事，排在办理项之前")
    )
    matched = serializers.BooleanField(
        help_text=_("是否找到相近的事项；为 false 时 results 为空，较弱的结果在 related")
    )
    results = SearchHitSerializer(many=True, help_text=_("相近的办理项，按相关度排序"))
    related = SearchHitSerializer(many=True, help_text=_("没有相近事项时：可能相关的办理项"))
    topics = TopicLinkSerializer(many=True, help_text=_("没有相近事项时：可以浏览的主题"))
    consultation = ConsultationSerializer(many=True, help_text=_("没有相近事项时：咨询电话"))
    excluded = NoticeSerializer(
        many=True, help_text=_("事项目录管理员规定这种说法不指向的事项，及其说明")
    )


class SearchView(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "search"

    @extend_schema(
        tags=["search"],
        operation_id="search_handling_items",
        parameters=[SearchQuery],
        summary=_("用群众的话查找办理项"),
        description=_(
            "中文分字与双字检索加语义向量，按相关度排序；同一事项只列一个办理项，"
            "由用词判断新办、变更、延续、注销或补证，其余办理项列在 others。只查现行有效的已发布事项。"
            "没有足够相近的事项时 matched 为 false，较弱的结果列在 related，并给出相近主题和咨询电话。"
        ),
        responses={200: SearchResultSerializer, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        region = data.get("region") or None
        hits = search_handling_items(data["q"], region_code=region, limit=data["limit"])
        life_events = search_life_events(data["q"], region_code=region)
        if hits.matched:
            body = {
                "life_events": life_events,
                "matched": True,
                "results": hits,
                "related": [],
                "topics": [],
                "consultation": [],
                "excluded": hits.notices,
            }
        else:
            body = {
                "life_events": life_events,
                "matched": False,
                "results": [],
                "related": hits,
                "topics": nearest_topics(hits),
                "consultation": consultation_phones(region),
                "excluded": hits.notices,
            }
        return Response(SearchResultSerializer(body).data)
