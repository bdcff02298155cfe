"""The provincial library's token: `Authorization: Bearer oslib_<key id>_<secret>`. The key id
finds the row; the secret is compared by its SHA-256 in constant time. It authenticates as a
`LibraryActor`, which may do nothing but push e-licences."""

import datetime
import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .actions import TOKEN_PREFIX, LibraryActor, hash_secret
from .models import LibraryToken

TOUCH_EVERY = datetime.timedelta(minutes=5)


class LibraryTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).decode("latin-1")
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.startswith(f"{TOKEN_PREFIX}_"):
            return None
        parts = value.strip().split("_", 2)
        token = LibraryToken.objects.filter(key_id=parts[1]).first() if len(parts) == 3 else None
        if (
            token is None
            or token.revoked_at is not None
            or not hmac.compare_digest(hash_secret(parts[2]), token.secret_hash)
        ):
            raise AuthenticationFailed(_("电子证照库令牌无效或已吊销"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            LibraryToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return LibraryActor(token), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="oneseal-elicence-library"'


class LibraryTokenScheme(OpenApiAuthenticationExtension):
    target_class = "oneseal.reuse.authentication.LibraryTokenAuthentication"
    name = "libraryToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("省级电子证照库推送令牌（oneseal elicence_library token 生成）")),
        }
