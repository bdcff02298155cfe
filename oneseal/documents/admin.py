"""Documents in the admin, read-only: seals are kept with `oneseal seal` and the seals page, documents are issued,
reissued and revoked through `documents.actions`, and wording is edited on the wording pages
(/documents/templates/), so that every change goes through one action with its audit row."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Document, DocumentTemplate, PendingNotice, Seal, SealHandover


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "kind",
        "state",
        "bureau",
        "department",
        "valid_from",
        "sealed_away_on",
        "revoked_on",
        "holder",
        "place",
    ]
    list_filter = ["kind", "state"]
    search_fields = ["name", "fingerprint"]
    exclude = ["private_key_pem"]


@admin.register(SealHandover)
class SealHandoverAdmin(ReadOnlyAdmin):
    """Recorded on the seals page (/documents/seals/) or with `oneseal seal hand-over`."""

    list_display = [
        "seal",
        "sealed_away_on",
        "transfer_date",
        "handed_over_by",
        "received_by",
        "holder",
        "place",
        "recorded_by",
    ]
    search_fields = ["seal__name", "holder", "place"]


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ReadOnlyAdmin):
    list_display = [
        "kind",
        "number",
        "status",
        "bureau",
        "effective_from",
        "effective_until",
        "published_at",
    ]
    list_filter = ["kind", "status", "bureau"]
    readonly_fields = [
        "bureau",
        "kind",
        "number",
        "status",
        "title",
        "body",
        "closing",
        "change_reason",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
        "effective_from",
        "effective_until",
    ]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "state", "dated", "bureau", "case", "template_version"]
    list_filter = ["kind", "state", "year"]
    search_fields = ["number", "verification_code", "sha256", "case__number"]
    list_select_related = ["bureau", "case", "template"]
    raw_id_fields = ["case", "event", "supersedes", "seal", "issued_by", "template"]

    @admin.display(description=_("文书模板版本"))
    def template_version(self, obj: Document) -> int | str:
        return obj.template.number if obj.template else "—"


@admin.register(PendingNotice)
class PendingNoticeAdmin(ReadOnlyAdmin):
    """The queue of notices to issue, to look at; issuing is done at /workbench/notices/."""

    list_display = ["case", "kind", "queued_on", "attempts", "document", "reason"]
    list_filter = ["kind", "queued_on"]
    search_fields = ["case__number"]
    raw_id_fields = ["case", "event", "document"]
