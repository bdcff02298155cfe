"""The provincial library's token: `Authorization: Bearer oslib_<key id>_<secret>`. The key id
finds the row; the secret is compared by its SHA-256 in constant time. It authenticates as a
`LibraryActor`, which may do nothing but push e-licences."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from oneseal.interface.tokens import BearerTokenAuthentication

from .actions import TOKEN_PREFIX, LibraryActor, hash_secret
from .models import LibraryToken


class LibraryTokenAuthentication(BearerTokenAuthentication):
    prefix = TOKEN_PREFIX
    realm = "oneseal-elicence-library"
    refused = _("电子证照库令牌无效或已吊销")

    def tokens(self) -> QuerySet[LibraryToken]:
        return LibraryToken.objects.all()

    def hash(self, secret: str) -> str:
        return hash_secret(secret)

    def actor(self, token: LibraryToken) -> LibraryActor:
        return LibraryActor(token)


class LibraryTokenScheme(OpenApiAuthenticationExtension):
    target_class = "oneseal.reuse.authentication.LibraryTokenAuthentication"
    name = "libraryToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("省级电子证照库推送令牌（oneseal elicence_library token 生成）")),
        }
