#!/usr/bin/env python3
"""`scripts/warm_caches.py`: what every process of the suite would otherwise work out
for itself on a clean clone, done once before the suite starts. `make warm` runs it after
pytest's collection (which compiles the modules and the rewritten test modules), on one core
while `make check` has the other.

Both go to settings.VAR_DIR, where the test processes look for them first:
- the common cut of the CJK font (`documents.rendering`): about 8 s of CPU, and each xdist
  worker that renders a document before the file exists cuts it too — both start together;
- jieba's prefix dictionary (`search.words`): 1.5 s to build, 0.5 s from its cache."""

import os

import django


def warm() -> list[str]:
    """Fill the caches; returns the files they are in."""
    from oneseal.documents.rendering import fonts_for
    from oneseal.search.words import segmenter

    common, _rare = fonts_for("")  # nothing rare: only the common cut
    segmenter(frozenset())
    from django.conf import settings

    return [common, *(str(p) for p in sorted((settings.VAR_DIR / "search").glob("*")))]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    django.setup()
    for path in warm():
        print(path)
