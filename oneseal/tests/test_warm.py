"""`make warm` (oneseal/testing/warm.py) leaves the font cut and jieba's dictionary cache
where the test processes look for them, so none of them builds its own."""

from pathlib import Path

import pytest
import reportlab

from oneseal.documents import rendering
from oneseal.search import words

# A small Latin font stands in for Noto CJK: cutting that takes 8 s, this one a fraction.
VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


@pytest.fixture
def empty_var(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.DOCUMENT_FONT = str(VERA)
    # Both are loaded once per process; this process may have loaded them from var/.
    rendering._common_font.cache_clear()
    monkeypatch.setattr(words, "_base", None)
    monkeypatch.setattr(words, "_domain", None)
    yield tmp_path
    rendering._common_font.cache_clear()


def test_warm_leaves_the_font_cut_and_the_dictionary_cache_in_var(empty_var):
    from oneseal.testing.warm import warm

    written = warm()

    (cut,) = (empty_var / "cache" / "fonts").glob("*.otf")
    (dictionary,) = (empty_var / "search").glob("*")
    assert set(written) == {str(cut), str(dictionary)}
    # What a test process then asks for is that same cut, not a new one.
    rendering._common_font.cache_clear()
    assert rendering.fonts_for("Notice")[0] == str(cut)
    assert len(list((empty_var / "cache" / "fonts").iterdir())) == 1
