"""Checks on files administrators attach to a guide (blank forms and filled samples)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

GUIDE_FILE_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "wps", "jpg", "jpeg", "png"]

guide_file_extension = FileExtensionValidator(
    GUIDE_FILE_EXTENSIONS,
    message=_("文件类型“%(extension)s”不允许；允许的类型：%(allowed_extensions)s"),
)


def guide_file_size(file) -> None:
    if file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件过大（%(size)d MB），上限为 %(limit)d MB"),
            params={
                "size": file.size // (1024 * 1024),
                "limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
            },
            code="file_too_large",
        )
