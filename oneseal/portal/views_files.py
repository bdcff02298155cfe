"""A published guide's blank forms and filled-in samples, the only uploaded files anyone may
read without signing in. Files are never served by their storage path (there is no /media/
URL): signed documents go through documents:file (verification rules), case uploads through
workbench:upload (case scope)."""

import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from oneseal.catalogue.models import ItemVersion, Material

KINDS = ("blank_form", "sample")


@require_GET
def material_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    if kind not in KINDS:
        raise Http404
    material = get_object_or_404(
        Material.objects.select_related("handling_item__item_version"),
        pk=pk,
        handling_item__item_version__status=ItemVersion.Status.PUBLISHED,
    )
    file = getattr(material, kind)
    if not file:
        raise Http404
    name = PurePath(file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=True, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
