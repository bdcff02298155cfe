"""The suite's own scheduling (oneseal/testing/scheduling.py): a slow test's group name reaches
the controller intact, and the long units are handed out before the quick single tests."""

from xdist.scheduler import LoadGroupScheduling

from oneseal.testing.scheduling import SLOW, _weight


def test_a_slow_tests_group_survives_xdists_reading_of_its_node_id():
    # The conftest renames `<node id>@<group>`; xdist reads a "]" after the "@" as a
    # parameter's, so the group name of a parametrised slow test has its brackets replaced.
    nodeid = "oneseal/tests/test_x.py::test_y[a]"
    group = SLOW + nodeid.replace("[", "(").replace("]", ")")
    assert LoadGroupScheduling._split_scope(None, f"{nodeid}@{group}") == group
    assert LoadGroupScheduling._split_scope(None, nodeid) == nodeid


def test_groups_then_slow_tests_then_the_rest_in_collection_order():
    units = [
        ("oneseal/a.py::quick_1", {"oneseal/a.py::quick_1": False}),
        (SLOW + "oneseal/b.py::long", {"x": False}),
        ("oneseal/c.py", {"c1": False, "c2": False}),
        ("oneseal/a.py::quick_2", {"oneseal/a.py::quick_2": False}),
        ("oneseal/demo/tests", {"d1": False, "d2": False, "d3": False}),
    ]
    assert [scope for scope, _tests in sorted(units, key=_weight)] == [
        "oneseal/demo/tests",
        "oneseal/c.py",
        SLOW + "oneseal/b.py::long",
        "oneseal/a.py::quick_1",
        "oneseal/a.py::quick_2",
    ]
