"""Browser tests: the fixtures `browser`, `page`, `phone` and `screenshot` live in
oneseal/conftest.py (one Chromium per test process, shared with the apps' own browser tests);
this package walks the journeys across apps."""
