"""The departments' API tokens: `Authorization: Bearer osl_<key id>_<secret>`. The key id finds
the row; the secret is compared by its SHA-256 in constant time. A token authenticates as a
`TokenActor` of its department, which can do nothing but what its scopes allow there."""

import datetime
import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from .actions.settings import TOKEN_PREFIX, hash_secret
from .actors import TokenActor
from .models import ApiToken

# Writing last_used_at on every call would turn each read into a write.
TOUCH_EVERY = datetime.timedelta(minutes=5)


class DepartmentTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[TokenActor, ApiToken] | None:
        header = get_authorization_header(request).decode("latin-1")
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.startswith(f"{TOKEN_PREFIX}_"):
            return None
        parts = value.strip().split("_", 2)
        token = None
        if len(parts) == 3:
            token = (
                ApiToken.objects.select_related("department__region")
                .filter(key_id=parts[1])
                .first()
            )
        if (
            token is None
            or token.revoked_at is not None
            or not hmac.compare_digest(hash_secret(parts[2]), token.secret_hash)
        ):
            raise AuthenticationFailed(_("接口令牌无效或已吊销"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return TokenActor(token), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="oneseal-linkage"'


class DepartmentTokenScheme(OpenApiAuthenticationExtension):
    target_class = "oneseal.linkage.authentication.DepartmentTokenAuthentication"
    name = "departmentToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("行业主管部门接口令牌（oneseal linkage token create 生成），按权限范围使用")
            ),
        }
