"""A form that uploads files is sent by site.js through XMLHttpRequest, so the page can show
how much has gone (a plain form post cannot). XMLHttpRequest follows a redirect by itself
and would fetch the next page out of sight, using up its one-time messages (办件编号 and
查询码 after an application). So the answer to such a request (marked `X-Oneseal-Upload`)
that redirects is handed back as a 200 naming where it goes (`X-Oneseal-Location`), and the
browser then goes there itself, exactly as after a plain post. Every other answer (a form
sent back with its errors, an error page) is left as it is."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

UPLOAD_HEADER = "X-Oneseal-Upload"
LOCATION_HEADER = "X-Oneseal-Location"


class UploadRedirects:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method == "POST"
            and request.headers.get(UPLOAD_HEADER) == "1"
            and 300 <= response.status_code < 400
            and response.has_header("Location")
        ):
            response[LOCATION_HEADER] = response["Location"]
            del response["Location"]
            response.status_code = 200
            response.reason_phrase = "OK"
        return response
