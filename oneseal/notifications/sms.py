"""Sending a text message: an adapter per provider behind one small interface, chosen by
ONESEAL_SMS_BACKEND. `logging` (the default) writes the message to the log and is what a
development machine or the demo uses; `aliyun` calls Alibaba Cloud SMS (短信服务, dysmsapi
`SendSms`, API version 2017-05-25, RPC signature version 1.0 with HMAC-SHA1), whose messages
must follow a template registered with the provider: the template gets `title` and `link`."""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("oneseal.notifications.sms")


class SmsError(Exception):
    """A message not sent. `permanent` when sending it again cannot help (a refused number,
    a bad template); otherwise the worker retries later."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsSender(Protocol):
    def send(self, phone: str, *, title: str, text: str, link: str) -> None: ...


class LoggingSms:
    """Sends nothing: logs what would be sent."""

    def send(self, phone: str, *, title: str, text: str, link: str) -> None:
        logger.info("SMS to %s: %s %s", phone, text, link)


def _percent(value: str) -> str:
    # Alibaba Cloud's POP encoding: RFC 3986 unreserved characters stay, the rest %XX.
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{_percent(k)}={_percent(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_percent('/')}&{_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# Alibaba Cloud's codes for a request that will fail the same way next time.
ALIYUN_PERMANENT = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.INVALID_PARAMETERS",
        "isv.ACCOUNT_NOT_EXISTS",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.PARAM_LENGTH_LIMIT",
    }
)


class AliyunSms:
    """Alibaba Cloud SMS `SendSms` over HTTPS POST (form-encoded, JSON answer)."""

    def __init__(
        self,
        *,
        endpoint: str,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        template_code: str,
        timeout: float = 10,
    ) -> None:
        missing = [
            name
            for name, value in (
                ("ONESEAL_SMS_ALIYUN_ACCESS_KEY_ID", access_key_id),
                ("ONESEAL_SMS_ALIYUN_ACCESS_KEY_SECRET", access_key_secret),
                ("ONESEAL_SMS_ALIYUN_SIGN_NAME", sign_name),
                ("ONESEAL_SMS_ALIYUN_TEMPLATE_CODE", template_code),
            )
            if not value
        ]
        if missing:
            raise ImproperlyConfigured(f"the aliyun SMS backend needs {', '.join(missing)}")
        self.endpoint = endpoint
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.sign_name = sign_name
        self.template_code = template_code
        self.timeout = timeout

    def params(self, phone: str, *, title: str, link: str) -> dict[str, str]:
        params = {
            "Action": "SendSms",
            "Version": "2017-05-25",
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "AccessKeyId": self.access_key_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "SignatureNonce": uuid.uuid4().hex,
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "PhoneNumbers": phone,
            "SignName": self.sign_name,
            "TemplateCode": self.template_code,
            # A template variable holds at most 35 characters.
            "TemplateParam": json.dumps({"title": title[:35], "link": link}, ensure_ascii=False),
        }
        params["Signature"] = aliyun_signature(params, self.access_key_secret)
        return params

    def send(self, phone: str, *, title: str, text: str, link: str) -> None:
        body = urllib.parse.urlencode(self.params(phone, title=title, link=link)).encode()
        # The endpoint's scheme is http(s), checked in settings (ONESEAL_SMS_ALIYUN_ENDPOINT).
        request = urllib.request.Request(  # noqa: S310
            self.endpoint,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            code = _code(raw)
            raise SmsError(
                f"HTTP {exc.code} {code}".strip(),
                permanent=code in ALIYUN_PERMANENT or exc.code in (400, 403, 404),
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsError(f"{type(exc).__name__}: {exc}") from exc
        code = _code(raw)
        if code != "OK":
            answer = _answer(raw)
            raise SmsError(
                f"{code or 'no code'}: {answer.get('Message', '')}".strip(),
                permanent=code in ALIYUN_PERMANENT,
            )


def _answer(raw: bytes) -> dict:
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _code(raw: bytes) -> str:
    return str(_answer(raw).get("Code", ""))


def sender() -> SmsSender:
    backend = settings.ONESEAL_SMS_BACKEND
    if backend == "aliyun":
        return AliyunSms(
            endpoint=settings.ONESEAL_SMS_ALIYUN_ENDPOINT,
            access_key_id=settings.ONESEAL_SMS_ALIYUN_ACCESS_KEY_ID,
            access_key_secret=settings.ONESEAL_SMS_ALIYUN_ACCESS_KEY_SECRET,
            sign_name=settings.ONESEAL_SMS_ALIYUN_SIGN_NAME,
            template_code=settings.ONESEAL_SMS_ALIYUN_TEMPLATE_CODE,
        )
    return LoggingSms()
