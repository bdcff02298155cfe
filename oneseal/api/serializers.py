"""Explicit serializers of the public catalogue API: query serializers that parse and check
the query string (and document it in the schema), output serializers that only render.
They hold no domain logic; reads come from the query functions."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from oneseal.catalogue.models import (
    ApplicantType,
    Catalogue,
    HandlingItem,
    ItemType,
    ItemVersion,
    Material,
    ReviewStep,
    SpecialProcedure,
    Topic,
    TransferStatus,
)
from oneseal.interface.rest import date_field
from oneseal.organisation.models import Department
from oneseal.regions.models import Region


def region_code_field(*, required: bool, help_text) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=required,
        help_text=help_text,
        error_messages={
            "required": _("请提供区划代码"),
            "does_not_exist": _("区划代码 {value} 不存在"),
            "invalid": _("区划代码无效"),
        },
    )


def choice_field(choices, *, label) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        required=False,
        help_text=label,
        error_messages={"invalid_choice": _("“{input}”不是有效的取值")},
    )


def object_id_field(queryset, *, missing) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset,
        required=False,
        error_messages={"does_not_exist": missing, "incorrect_type": _("应为整数编号")},
    )


# Query serializers ------------------------------------------------------------------------


class RegionQuery(serializers.Serializer):
    parent = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        help_text=_("只列出该区划的直接下级，如 640200"),
        error_messages={"does_not_exist": _("区划代码 {value} 不存在")},
    )
    level = choice_field(Region.Level.choices, label=_("层级"))


class RegionFilterQuery(serializers.Serializer):
    region = region_code_field(required=False, help_text=_("区划代码，如 640221"))


class ItemQuery(serializers.Serializer):
    region = region_code_field(
        required=False, help_text=_("区划代码：列出该区划本级事项目录的事项（与 catalogue 二选一）")
    )
    catalogue = object_id_field(Catalogue.objects.all(), missing=_("事项目录 {pk_value} 不存在"))
    department = object_id_field(Department.objects.all(), missing=_("部门 {pk_value} 不存在"))
    topic = object_id_field(Topic.objects.all(), missing=_("主题 {pk_value} 不存在"))
    applicant_type = choice_field(
        [
            (ApplicantType.PERSON, ApplicantType.PERSON.label),
            (ApplicantType.ORGANISATION, ApplicantType.ORGANISATION.label),
        ],
        label=_("服务对象"),
    )
    item_type = choice_field(ItemType.choices, label=_("事项类型"))
    transfer_status = choice_field(TransferStatus.choices, label=_("划转情况"))
    q = serializers.CharField(required=False, max_length=100, help_text=_("事项名称包含的文字"))
    on = date_field(_("查看该日期有效的目录（默认今天），格式 YYYY-MM-DD"))


class TransferReportQuery(serializers.Serializer):
    region = region_code_field(required=True, help_text=_("区划代码，如 640221"))
    on = date_field(_("统计该日期有效的目录（默认今天），格式 YYYY-MM-DD"))
    include_drafts = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("连同未发布的草稿一起统计；仅限本区划的事项目录管理员和监督人员"),
    )


class GuidanceGapsQuery(serializers.Serializer):
    region = region_code_field(required=True, help_text=_("区划代码，如 640221"))
    on = date_field(_("按该日期有效的指导目录比对（默认今天），格式 YYYY-MM-DD"))


# Output serializers -----------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display")
    parent_code = serializers.SlugRelatedField(source="parent", slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent_code"]
        read_only_fields = fields


class RegionDetailSerializer(RegionSerializer):
    full_name = serializers.CharField()

    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "full_name"]
        read_only_fields = fields


class CatalogueSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    bureau = serializers.StringRelatedField()

    class Meta:
        model = Catalogue
        fields = ["id", "name", "kind", "kind_display", "region_code", "region_name", "bureau"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code")

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "code", "phone", "region_code"]
        read_only_fields = fields


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name"]
        read_only_fields = fields


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]
        read_only_fields = fields


class HandlingItemSummarySerializer(serializers.ModelSerializer):
    variant_display = serializers.CharField(source="get_variant_display")
    applicant_type_display = serializers.CharField(source="get_applicant_type_display")
    online_depth_display = serializers.CharField(source="get_online_depth_display")

    class Meta:
        model = HandlingItem
        fields = [
            "id",
            "code",
            "name",
            "variant",
            "variant_display",
            "applicant_type",
            "applicant_type_display",
            "is_instant",
            "statutory_limit_days",
            "promised_limit_days",
            "visits_required",
            "online_depth",
            "online_depth_display",
        ]
        read_only_fields = fields


class ItemVersionSerializer(serializers.ModelSerializer):
    """One item as the public list shows it: the version in force and its handling items."""

    item_id = serializers.IntegerField()
    basic_code = serializers.CharField(source="item.basic_code")
    item_type_display = serializers.CharField(source="get_item_type_display")
    exercise_level_display = serializers.CharField(source="get_exercise_level_display")
    transfer_status_display = serializers.CharField(source="get_transfer_status_display")
    original_department = DepartmentRefSerializer(allow_null=True)
    topic = TopicSerializer(allow_null=True)
    handling_items = HandlingItemSummarySerializer(many=True)

    class Meta:
        model = ItemVersion
        fields = [
            "id",
            "item_id",
            "number",
            "basic_code",
            "name",
            "item_type",
            "item_type_display",
            "implementing_code",
            "exercise_level",
            "exercise_level_display",
            "transfer_status",
            "transfer_status_display",
            "original_department",
            "topic",
            "effective_from",
            "effective_until",
            "handling_items",
        ]
        read_only_fields = fields


class ItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    basic_code = serializers.CharField()


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CatalogueRefSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code")

    class Meta:
        model = Catalogue
        fields = ["id", "name", "region_code"]
        read_only_fields = fields


class ItemVersionDetailSerializer(ItemVersionSerializer):
    catalogue = CatalogueRefSerializer(source="item.catalogue")
    related_items = ItemRefSerializer(many=True)
    delegated_to = NamedRefSerializer(many=True)
    merged_into = ItemRefSerializer(allow_null=True)
    change_kind_display = serializers.CharField(source="get_change_kind_display")

    class Meta(ItemVersionSerializer.Meta):
        fields = [
            *ItemVersionSerializer.Meta.fields,
            "catalogue",
            "legal_basis",
            "is_cancelled",
            "merged_into",
            "related_items",
            "delegated_to",
            "change_kind",
            "change_kind_display",
            "published_at",
        ]
        read_only_fields = fields


class MaterialSerializer(serializers.ModelSerializer):
    form_display = serializers.CharField(source="get_form_display")
    source_display = serializers.CharField(source="get_source_display")
    applies_to_display = serializers.CharField(source="get_applies_to_display")
    # Served by the portal's guide view (published guides only), never by a storage path.
    blank_form = serializers.SerializerMethodField()
    sample = serializers.SerializerMethodField()

    def _file_url(self, material, kind) -> str | None:
        if not getattr(material, kind):
            return None
        url = reverse("portal:material_file", args=[material.pk, kind])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_blank_form(self, material) -> str | None:
        return self._file_url(material, "blank_form")

    def get_sample(self, material) -> str | None:
        return self._file_url(material, "sample")

    class Meta:
        model = Material
        fields = [
            "id",
            "order",
            "name",
            "form",
            "form_display",
            "copies",
            "is_required",
            "is_core",
            "is_tolerable",
            "source",
            "source_display",
            "applies_to",
            "applies_to_display",
            "blank_form",
            "sample",
            "notes",
        ]
        read_only_fields = fields


class ReviewStepSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display")
    section = serializers.StringRelatedField()

    class Meta:
        model = ReviewStep
        fields = ["id", "order", "name", "role", "role_display", "section", "limit_days"]
        read_only_fields = fields


class SpecialProcedureSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = SpecialProcedure
        fields = ["id", "kind", "kind_display", "limit_days", "notes", "legal_basis"]
        read_only_fields = fields


class GuideVersionSerializer(serializers.ModelSerializer):
    """The item version a service guide belongs to: which version, in force when."""

    item_id = serializers.IntegerField()
    basic_code = serializers.CharField(source="item.basic_code")
    item_type_display = serializers.CharField(source="get_item_type_display")
    transfer_status_display = serializers.CharField(source="get_transfer_status_display")
    original_department = DepartmentRefSerializer(allow_null=True)
    catalogue = CatalogueRefSerializer(source="item.catalogue")

    class Meta:
        model = ItemVersion
        fields = [
            "id",
            "item_id",
            "number",
            "basic_code",
            "name",
            "item_type",
            "item_type_display",
            "implementing_code",
            "legal_basis",
            "transfer_status",
            "transfer_status_display",
            "original_department",
            "catalogue",
            "effective_from",
            "effective_until",
        ]
        read_only_fields = fields


class ServiceGuideSerializer(serializers.ModelSerializer):
    """A handling item's full service guide (办事指南)."""

    item_version = GuideVersionSerializer()
    variant_display = serializers.CharField(source="get_variant_display")
    applicant_type_display = serializers.CharField(source="get_applicant_type_display")
    missed_promise_rule_display = serializers.CharField(source="get_missed_promise_rule_display")
    visits_required_display = serializers.CharField(source="get_visits_required_display")
    online_depth_display = serializers.CharField(source="get_online_depth_display")
    delivery_channels = serializers.ListField(child=serializers.CharField())
    materials = MaterialSerializer(many=True)
    review_steps = ReviewStepSerializer(many=True)
    special_procedures = SpecialProcedureSerializer(many=True)

    class Meta:
        model = HandlingItem
        fields = [
            "id",
            "code",
            "name",
            "variant",
            "variant_display",
            "applicant_type",
            "applicant_type_display",
            "conditions",
            "statutory_limit_days",
            "promised_limit_days",
            "is_instant",
            "is_joint",
            "is_commitment",
            "missed_promise_rule",
            "missed_promise_rule_display",
            "fee_charged",
            "fee_standard",
            "fee_basis",
            "visits_required",
            "visits_required_display",
            "online_depth",
            "online_depth_display",
            "where",
            "office_hours",
            "enquiry_phone",
            "complaint_phone",
            "result_name",
            "result_validity",
            "deliver_at_window",
            "deliver_by_post",
            "deliver_electronically",
            "delivery_channels",
            "intermediary_services",
            "keywords",
            "materials",
            "review_steps",
            "special_procedures",
            "item_version",
        ]
        read_only_fields = fields


class HistoryEntrySerializer(serializers.ModelSerializer):
    change_kind_display = serializers.CharField(source="get_change_kind_display")
    drafted_by = serializers.CharField(source="drafted_by_name", help_text=_("起草人姓名"))
    published_by = serializers.CharField(source="published_by_name", help_text=_("发布人姓名"))

    class Meta:
        model = ItemVersion
        fields = [
            "id",
            "number",
            "name",
            "change_kind",
            "change_kind_display",
            "change_reason",
            "change_basis",
            "drafted_by",
            "published_by",
            "published_at",
            "effective_from",
            "effective_until",
            "is_cancelled",
        ]
        read_only_fields = fields


# Reports: these render the reports' own as_dict(), so the schema is the dict's shape.


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TransferRowSerializer(serializers.Serializer):
    department_id = serializers.IntegerField(allow_null=True)
    department = serializers.CharField()
    items = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("按划转情况统计的事项数")
    )
    handling_items = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("按划转情况统计的办理项数")
    )
    item_total = serializers.IntegerField()
    handling_item_total = serializers.IntegerField()


class TransferReportSerializer(serializers.Serializer):
    region = RegionRefSerializer()
    on = serializers.DateField(allow_null=True, help_text=_("统计日期；含未发布草稿时为空"))
    include_drafts = serializers.BooleanField()
    statuses = serializers.DictField(
        child=serializers.CharField(), help_text=_("划转情况代码及其名称")
    )
    rows = TransferRowSerializer(many=True)
    totals = TransferRowSerializer()


class GapSerializer(serializers.Serializer):
    basic_code = serializers.CharField()
    name = serializers.CharField()
    item_type = serializers.CharField()
    department = serializers.CharField()


class ExemptedGapSerializer(GapSerializer):
    reason = serializers.CharField()


class GuidanceGapsSerializer(serializers.Serializer):
    region = RegionRefSerializer()
    guidance_catalogue = serializers.CharField(allow_null=True)
    guidance_total = serializers.IntegerField()
    gaps = GapSerializer(many=True)
    exempted = ExemptedGapSerializer(many=True)
