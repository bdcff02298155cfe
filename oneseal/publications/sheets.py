"""The register as an xlsx: the feed's columns (`feed.COLUMNS`) with Chinese headings, through
the one workbook writer."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from oneseal.esupervision.sheets import Table, workbook

from .feed import COLUMNS, feed_row


def register_xlsx(rows: Iterable[dict]) -> bytes:
    records = [feed_row(row) for row in rows]
    return workbook(
        Table(
            _("行政许可公示"),
            [
                f"{heading}（{name}）" if name.isupper() else str(heading)
                for name, heading in COLUMNS
            ],
            [[record[name] for name, _heading in COLUMNS] for record in records],
        )
    )
