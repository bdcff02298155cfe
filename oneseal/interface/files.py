"""File answers of the pages. The bytes come from the one xlsx writer, `oneseal.spreadsheets`."""

import io

from django.http import FileResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, *, filename: str, ascii_filename: str) -> FileResponse:
    """An xlsx attachment. Django names a Chinese `filename` by RFC 5987 (filename*) alone;
    the ASCII name goes in front of it for the clients that read only filename (RFC 6266 §4.3)."""
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX
    )
    disposition = response["Content-Disposition"]
    if "filename=" not in disposition:
        response["Content-Disposition"] = disposition.replace(
            "attachment; ", f'attachment; filename="{ascii_filename}"; ', 1
        )
    return response
