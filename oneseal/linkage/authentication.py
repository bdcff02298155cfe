"""The departments' API tokens: `Authorization: Bearer osl_<key id>_<secret>`. The key id finds
the row; the secret is compared by its SHA-256 in constant time. A token authenticates as a
`TokenActor` of its department, which can do nothing but what its scopes allow there."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from oneseal.interface.tokens import BearerTokenAuthentication

from .actions.settings import TOKEN_PREFIX, hash_secret
from .actors import TokenActor
from .models import ApiToken


class DepartmentTokenAuthentication(BearerTokenAuthentication):
    prefix = TOKEN_PREFIX
    realm = "oneseal-linkage"
    refused = _("接口令牌无效或已吊销")

    def tokens(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.select_related("department__region")

    def hash(self, secret: str) -> str:
        return hash_secret(secret)

    def actor(self, token: ApiToken) -> TokenActor:
        return TokenActor(token)


class DepartmentTokenScheme(OpenApiAuthenticationExtension):
    target_class = "oneseal.linkage.authentication.DepartmentTokenAuthentication"
    name = "departmentToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("行业主管部门接口令牌（oneseal linkage token create 生成），按权限范围使用")
            ),
        }
