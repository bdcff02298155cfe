"""The index page never keeps a case from its archive: a character no font draws becomes □."""

import datetime
import io
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from oneseal.archives import rendering


def test_an_undrawable_file_name_is_shown_as_a_box_and_the_index_is_pdfa():
    page = rendering.IndexPage(
        heading="平罗县审批服务管理局",
        facts=[("档号", "640221-2025-D30-XK-0001"), ("申请人", "平罗县𠮷祥餐饮有限公司")],
        lines=[rendering.IndexLine(2, "现场照片😀", None, "002-现场照片😀.jpg", 2048, "ab" * 32)],
        remarks=["本件共2个文件。"],
        archived_at=datetime.datetime(2025, 10, 11, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    data = rendering.render_index(page)
    reader = PdfReader(io.BytesIO(data))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>2</pdfaid:part>" in metadata or b'pdfaid:part="2"' in metadata
    assert len(reader.pages) == 1
