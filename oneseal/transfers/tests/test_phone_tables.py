"""On a phone the stacked tables turn each row into a card and hide a row's first `td`
(site.css: the first column is the row's heading, a `th scope="row"`). A reform table whose
first cell is a `td` loses that column on a phone: the agreement, the item, the department."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "transfers"
SITE_CSS = Path(__file__).resolve().parents[2] / "portal" / "static" / "oneseal" / "site.css"


def test_the_phone_layout_hides_a_rows_first_td():
    # What the templates below are written against; if this rule goes, so may this test.
    assert "table.stacked td:first-child { display: none; }" in SITE_CSS.read_text()


def test_every_row_of_a_stacked_reform_table_starts_with_its_heading():
    checked = 0
    for path in sorted(TEMPLATES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for table in re.findall(r'<table class="stacked">.*?</table>', text, flags=re.S):
            body = table.split("<tbody>", 1)[1]
            rows = re.findall(r"<tr[^>]*>\s*(<t[dh][^>]*>)", body)
            assert rows, path.name
            for first in rows:
                assert first.startswith('<th scope="row"'), (path.name, first)
                checked += 1
    assert checked >= 20  # every table of the reform pages, and their empty rows
