"""deploy/gunicorn.conf.py sets the garbage collector in each worker once it has loaded the
application: what is alive then is frozen, and the first generation's threshold is raised."""

import gc
import runpy

from oneseal.testing.processes import GUNICORN_CONFIG


def test_a_worker_freezes_what_it_loaded_and_raises_the_first_threshold(monkeypatch):
    config = runpy.run_path(str(GUNICORN_CONFIG))
    threshold = gc.get_threshold()
    monkeypatch.setenv("ONESEAL_GC_GEN0", "7000")
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (7000, *threshold[1:])
        monkeypatch.setenv("ONESEAL_GC_GEN0", "0")  # 0: the collector's own threshold
        gc.set_threshold(*threshold)
        config["post_worker_init"](None)
        assert gc.get_threshold() == threshold
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
