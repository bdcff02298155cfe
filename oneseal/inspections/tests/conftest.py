import io

import pytest
from PIL import ExifTags, Image

from oneseal.catalogue.models import SpecialProcedure
from oneseal.inspections import actions
from oneseal.projects import actions as project_actions


@pytest.fixture
def surveyed_item(make_item, admin_user):
    """A handling item whose guide lists 现场勘验 (and nothing else), promised 10 / statutory
    20 working days, with a checklist."""
    hi = make_item(procedures=(SpecialProcedure.Kind.SITE_SURVEY,), promised_limit_days=10)
    actions.save_checklist(
        hi,
        actor=admin_user,
        lines=[("经营场所面积与申请一致", "现场测量"), ("设有更衣、洗手设施", "查看")],
    )
    return hi


@pytest.fixture
def plain_item(make_item, admin_user):
    """A handling item whose guide lists no special procedure, with a checklist."""
    hi = make_item(procedures=())
    actions.save_checklist(hi, actor=admin_user, lines=[("场所与申请一致", "")])
    return hi


def jpeg_with_exif(
    *, taken="2025:09:30 10:15:00", offset="+08:00", lat=(38, 54, 30), lon=(106, 32, 15.5)
) -> bytes:
    image = Image.new("RGB", (40, 30), (120, 160, 90))
    exif = Image.Exif()
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
        if offset:
            exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.OffsetTimeOriginal] = offset
    if lat:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps[ExifTags.GPS.GPSLatitude] = tuple(float(x) for x in lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps[ExifTags.GPS.GPSLongitude] = tuple(float(x) for x in lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def project(applicant, clerk, bureau):
    """A registered construction project of the county (for its stages' joint inspections)."""
    return project_actions.register_project(
        actor=clerk,
        code="2025-640221-47-01-012345",
        name="平罗县物流仓储中心",
        owner=applicant,
        kind="enterprise",
        location="平罗县工业园区纬三路",
        floor_area="12000.50",
        investment="8600",
    )
