"""Bearer tokens for machines calling the API (departments, the provincial e-licence library):
`Authorization: Bearer <prefix>_<key id>_<secret>`. The key id finds the row; the secret is
compared by its SHA-256 in constant time; a revoked token is refused like an unknown one."""

import datetime
import hmac
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

# Writing last_used_at on every call would turn each read into a write.
TOUCH_EVERY = datetime.timedelta(minutes=5)


class BearerTokenAuthentication(BaseAuthentication):
    """A subclass names its token prefix, realm, refusal, its tokens, the hash of a secret and
    the actor a token authenticates as."""

    prefix: str
    realm: str
    refused: Any

    def tokens(self) -> QuerySet:
        raise NotImplementedError

    def hash(self, secret: str) -> str:
        raise NotImplementedError

    def actor(self, token: Any) -> Any:
        raise NotImplementedError

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = get_authorization_header(request).decode("latin-1")
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.startswith(f"{self.prefix}_"):
            return None
        parts = value.strip().split("_", 2)
        token = self.tokens().filter(key_id=parts[1]).first() if len(parts) == 3 else None
        if (
            token is None
            or token.revoked_at is not None
            or not hmac.compare_digest(self.hash(parts[2]), token.secret_hash)
        ):
            raise AuthenticationFailed(self.refused)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return self.actor(token), token

    def authenticate_header(self, request: Request) -> str:
        return f'Bearer realm="{self.realm}"'
