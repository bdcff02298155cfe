"""A page's name (its <title>, the workbench's page title) is text: the tab, the history and
a screen reader's first words. Two merges once left a page's closing sections inside the title
block — the department's closed opinions on the linkage inbox, the add-task and add-milestone
forms on a reform — so the tab read their markup and the forms were posted from nowhere."""

import re
from pathlib import Path

TITLE_BLOCK = re.compile(r"\{% block (title|page_title) %\}(.*?)\{% endblock", re.S)
ROOT = Path(__file__).resolve().parents[1]


def test_no_title_block_holds_markup_or_more_than_one_line():
    found = [
        f"{path.relative_to(ROOT)}: {m.group(2)[:80]!r}"
        for path in sorted(ROOT.rglob("templates/**/*.html"))
        for m in TITLE_BLOCK.finditer(path.read_text(encoding="utf-8"))
        if "<" in m.group(2) or "\n" in m.group(2)
    ]
    assert found == []
