"""`make warm` (scripts/warm_caches.py) leaves the font cut and jieba's dictionary
cache where the test processes look for them, so none of them builds its own."""

import os
import subprocess
import sys
from pathlib import Path

import reportlab

from oneseal.documents import rendering

# A small Latin font stands in for Noto CJK: cutting that takes 8 s, this one a fraction.
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "warm_caches.py"
VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


def test_warm_leaves_the_font_cut_and_the_dictionary_cache_in_var(settings, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "ONESEAL_VAR": str(tmp_path),
        "ONESEAL_DOCUMENT_FONT": str(VERA),
        "DATABASE_URL": "sqlite:///:memory:",
    }
    out = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout

    (cut,) = (tmp_path / "cache" / "fonts").glob("*.ttf")
    (dictionary,) = (tmp_path / "search").glob("*")
    assert set(out.split()) == {str(cut), str(dictionary)}
    # A test process with the same var/ and font takes that cut instead of making its own.
    settings.VAR_DIR, settings.DOCUMENT_FONT = tmp_path, str(VERA)
    rendering._common_font.cache_clear()
    try:
        assert rendering.fonts_for("Notice")[0] == str(cut)
    finally:
        rendering._common_font.cache_clear()
    assert list((tmp_path / "cache" / "fonts").iterdir()) == [cut]
