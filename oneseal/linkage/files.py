"""Checking and storing the files a department answers with: the type is decided from the
file's first bytes and must agree with its name, as for case uploads."""

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from oneseal.cases import uploads

from .models import OpinionAttachment, OpinionRequest, SupportAttachment, SupportRequest


def check_files(
    files: Iterable[UploadedFile] | None, errors: dict, field: str = "attachments"
) -> list[tuple]:
    """(file, content type, suffix, sha256) of each file, or an error naming the field."""
    checked = []
    for upload in files or []:
        if uploads.too_large(upload):
            errors[field] = [
                _("文件“{name}”过大，上限为{mb} MB").format(
                    name=upload.name, mb=uploads.max_megabytes()
                )
            ]
            return []
        sniffed = uploads.sniff(upload)
        if sniffed is None:
            errors[field] = [
                _("“{name}”：只接受{names}文件，且扩展名须与文件内容一致").format(
                    name=upload.name, names=uploads.accepted_names()
                )
            ]
            return []
        checked.append((upload, sniffed.content_type, sniffed.suffix, sniffed.sha256))
    return checked


def store_files(
    request: SupportRequest | OpinionRequest,
    checked: list[tuple],
) -> list[SupportAttachment | OpinionAttachment]:
    """Attachment rows (a support or an opinion attachment, by the request) for the request."""
    rows: list[SupportAttachment | OpinionAttachment] = []
    for upload, content_type, suffix, sha256 in checked:
        fields = {
            "original_name": upload.name[:255],
            "content_type": content_type,
            "size": upload.size,
            "sha256": sha256,
        }
        row: SupportAttachment | OpinionAttachment
        if isinstance(request, OpinionRequest):
            row = OpinionAttachment(request=request, **fields)
        else:
            row = SupportAttachment(request=request, **fields)
        row.file.save(f"{sha256[:16]}.{suffix}", upload, save=False)
        row.save()
        rows.append(row)
    return rows
