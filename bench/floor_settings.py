"""Settings for `bench/cases.py`'s floor server only: oneseal's settings, and a URLconf with
one more endpoint (`bench/floor_urls.py`). Never imported by oneseal itself."""

from oneseal.settings import *  # noqa: F403 -- the same settings, but for the URLconf

ROOT_URLCONF = "bench.floor_urls"
