"""The case pages check every reused document again on each view: in one statement whatever
the number of reused lines, and with the same answer as reading each document alone."""

from oneseal.documents.models import Document
from oneseal.reuse import actions, queries, sources
from oneseal.testing import day

from .conftest import line_of

LICENCE_LINE = "食品经营许可证（副本）复印件"


def test_every_reused_line_is_checked_in_one_statement_as_each_source_says(
    sign_case, business_licence, food_licence, clerk, django_assert_num_queries
):
    grant = Document.objects.get(case=food_licence.case, kind="grant")
    picks = [
        ("营业执照", "imported", business_licence.pk),
        (LICENCE_LINE, "licence", food_licence.pk),
        (LICENCE_LINE, "decision", grant.pk),
    ]
    applicant = sign_case.applicant
    for taken, (line, kind, pk) in enumerate(picks, start=1):
        actions.pick(
            line_of(sign_case, line), actor=clerk, kind=kind, source_id=pk, on=day("2025-04-01")
        )
        with django_assert_num_queries(1):
            lines = queries.of_case(sign_case, day("2025-04-02"))
        assert len(lines) == taken and all(line.problem == "" for line in lines)
    # After the licence's validity ends (2030-03-02), and for another applicant's eyes, each
    # line says what `sources` says reading its document alone.
    for on in (day("2030-03-03"), day("2025-04-02")):
        for line in queries.of_case(sign_case, on):
            alone = sources.resolve(line.row.kind, line.row.source_id, applicant, on)
            assert line.problem == alone.problem, (line.row.kind, on)
    expired = {
        line.row.kind: line.problem for line in queries.of_case(sign_case, day("2030-03-03"))
    }
    assert expired["licence"] == "证照状态为“已过期”" and expired["imported"] == ""
