"""Checking and storing the files a department answers with: the type is decided from the
file's first bytes and must agree with its name, as for case uploads."""

import hashlib

from django.conf import settings
from django.utils.translation import gettext as _

from oneseal.cases.actions.intake import UPLOAD_KINDS

from .models import SupportAttachment


def check_files(files, errors: dict, field: str = "attachments") -> list[tuple]:
    """(file, content type, suffix, sha256) of each file, or an error naming the field."""
    checked = []
    allowed = [UPLOAD_KINDS[k] for k in settings.UPLOAD_TYPES if k in UPLOAD_KINDS]
    for upload in files or []:
        if upload.size > settings.UPLOAD_MAX_BYTES:
            errors[field] = [_("文件“{name}”过大，上限为{mb} MB").format(
                name=upload.name, mb=settings.UPLOAD_MAX_BYTES // 1048576)]
            return []
        head = upload.read(8)
        upload.seek(0)
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        match = next((k for k in allowed if head.startswith(k[1])), None)
        if match is None or suffix not in match[2]:
            names = "、".join(k.upper() for k in settings.UPLOAD_TYPES)
            errors[field] = [_("“{name}”：只接受{names}文件，且扩展名须与文件内容一致").format(name=upload.name, names=names)]
            return []
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append((upload, match[0], suffix, digest.hexdigest()))
    return checked


def store_files(request, checked: list[tuple]) -> list[SupportAttachment]:
    rows = []
    for upload, content_type, suffix, sha256 in checked:
        row = SupportAttachment(request=request, original_name=upload.name[:255], content_type=content_type,
                                size=upload.size, sha256=sha256)
        row.file.save(f"{sha256[:16]}.{suffix}", upload, save=False)
        row.save()
        rows.append(row)
    return rows
