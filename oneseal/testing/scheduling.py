"""The order in which xdist hands the suite's work to its workers: the long units first.

`--dist loadgroup` makes each xdist_group one unit of work (a module or package built around a
shared fixture, see oneseal/conftest.py) and every other test a unit of its own, and hands
them out biggest group first by number of tests; the single tests keep the collection's order.
A single test that takes a minute or more (the migrations from zero, the hostile-input sweep,
the processes started as production runs them: those marked `slow`) then runs wherever the
alphabet puts it — near the end for oneseal/tests/ — and the other worker sits idle while it
finishes. Here a test marked slow is named into a group of its own whose name says so
(`SLOW` + its node id), and the controller, which sees only node ids, hands out the groups of
several tests and the slow ones before the quick single tests, so the suite ends on tests of a
second or less on both workers. Nothing about what runs changes, only when."""

from xdist.scheduler import LoadGroupScheduling

SLOW = "slow:"


def _weight(unit: tuple[str, dict]) -> tuple[int, int]:
    scope, tests = unit
    if len(tests) > 1:
        return (0, -len(tests))  # a shared fixture's group, biggest first (as xdist does)
    if scope.startswith(SLOW):
        return (1, 0)
    return (2, 0)


class LongestFirst(LoadGroupScheduling):
    """xdist's loadgroup scheduling with its queue of units reordered once, before the first
    unit is handed out: groups, then the slow single tests, then the rest in collection order
    (the sort is stable)."""

    _ordered = False

    def _assign_work_unit(self, node) -> None:
        if not self._ordered:
            self._ordered = True
            units = sorted(self.workqueue.items(), key=_weight)
            self.workqueue.clear()
            self.workqueue.update(units)
        super()._assign_work_unit(node)
