"""Pure rules of site inspections (no database): the time and position a photo's EXIF states,
the fingerprint the inspectors sign, and the summary of findings a case keeps."""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from PIL import ExifTags, Image, UnidentifiedImageError

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A phone photo is 12–50 megapixels; far beyond that is a decompression bomb, not a photo.
MAX_PIXELS = 80_000_000
MIN_INSPECTORS = 2


@dataclass(frozen=True)
class PhotoFacts:
    width: int
    height: int
    taken_at: datetime.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


class NotAnImage(ValueError):
    """The bytes are not an image Pillow can read, or one too large to be a photo."""


def _rational(value: Any) -> float:
    if isinstance(value, tuple) and len(value) == 2:
        numerator, denominator = value
        return float(numerator) / float(denominator)
    return float(value)


def degrees(dms: Any, ref: Any) -> Decimal | None:
    """Degrees, minutes and seconds (EXIF rationals) as signed decimal degrees, 6 places
    (about 0.1 m); south and west are negative. None for anything malformed."""
    try:
        d, m, s = (_rational(part) for part in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not (0 <= m < 60 and 0 <= s < 60):
        return None
    value = Decimal(str(d + m / 60 + s / 3600)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    if str(ref or "").strip().upper() in {"S", "W"}:
        value = -value
    return value


def _exif_time(text: Any, offset: Any) -> datetime.datetime | None:
    """EXIF's 'YYYY:MM:DD HH:MM:SS' with its offset tag ('+08:00'); a phone that writes no
    offset is taken to be on the bureau's time (Asia/Shanghai)."""
    try:
        # EXIF keeps a wall time without a zone; the zone is set just below.
        naive = datetime.datetime.strptime(  # noqa: DTZ007
            str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S"
        )
    except ValueError:
        return None
    tz: datetime.tzinfo = SHANGHAI
    raw = str(offset or "").strip("\x00 ")
    if len(raw) == 6 and raw[0] in "+-" and raw[3] == ":":
        try:
            minutes = int(raw[1:3]) * 60 + int(raw[4:6])
        except ValueError:
            minutes = None
        if minutes is not None and minutes <= 14 * 60:
            sign = -1 if raw[0] == "-" else 1
            tz = datetime.timezone(datetime.timedelta(minutes=sign * minutes))
    return naive.replace(tzinfo=tz)


def read_photo(stream: IO[bytes]) -> PhotoFacts:
    """Open the image (header only, then a full verify) and read its EXIF: DateTimeOriginal
    (else DateTime) with its offset, and the GPS latitude and longitude. Raises NotAnImage for
    anything Pillow cannot read or larger than MAX_PIXELS. Leaves the stream at its start."""
    try:
        with Image.open(stream) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise NotAnImage(f"{width}×{height}")
            exif = image.getexif()
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as e:
        raise NotAnImage(str(e)) from e
    finally:
        stream.seek(0)
    details = exif.get_ifd(ExifTags.IFD.Exif)
    taken = details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    offset = details.get(ExifTags.Base.OffsetTimeOriginal) or details.get(ExifTags.Base.OffsetTime)
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude = longitude = None
    if gps.get(ExifTags.GPS.GPSLatitude) and gps.get(ExifTags.GPS.GPSLongitude):
        latitude = degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef))
        longitude = degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef))
        if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
            latitude = longitude = None
    return PhotoFacts(
        width=width,
        height=height,
        taken_at=_exif_time(taken, offset) if taken else None,
        latitude=latitude,
        longitude=longitude,
    )


def digest(
    findings: list[tuple[int, str, str]],
    parties: list[tuple[str, bool | None, str, str]],
    photos: list[str],
    conclusion: str,
) -> str:
    """The fingerprint of what the inspectors sign: every finding (order, result, note), every
    party (name, attended, representative, findings), every photo's SHA-256 and the
    conclusion. Any change after a signature makes that signature stale."""
    payload = json.dumps(
        {"findings": findings, "parties": parties, "photos": sorted(photos), "c": conclusion},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
