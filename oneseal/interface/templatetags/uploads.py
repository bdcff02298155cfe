"""The attributes of a file input that let the browser refuse a file before sending it
(site.js): the accepted extensions and the size limit, read from the same settings the
server checks with (`cases.uploads`), and the refusals worded as the server words them,
naming the field. The server stays the judge: it checks every file again by its content."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from oneseal.cases import uploads

register = template.Library()


@register.simple_tag
def upload_attrs(label: str = "") -> str:
    """`accept`, `data-max-bytes`, `data-types` and the two refusals for the field `label`."""
    suffixes = sorted(uploads.accepted_suffixes())
    too_big = _("文件过大，上限为{mb} MB").format(mb=uploads.max_megabytes())
    bad_type = _("只接受{names}文件，且扩展名须与文件内容一致").format(
        names=uploads.accepted_names()
    )
    progress = _("文件上传进度")
    if label:
        progress = _("“{m}”上传进度").format(m=label)
        too_big = _("“{m}”：{problem}").format(m=label, problem=too_big)
        bad_type = _("“{m}”：{problem}").format(m=label, problem=bad_type)
    return format_html(
        'accept="{}" data-max-bytes="{}" data-types="{}" data-too-big="{}" data-bad-type="{}" '
        'data-progress-label="{}"',
        ",".join([f".{s}" for s in suffixes] + sorted(uploads.accepted_content_types())),
        uploads.max_bytes(),
        ",".join(suffixes),
        too_big,
        bad_type,
        progress,
    )
