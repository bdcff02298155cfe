"""`oneseal audit verify [--case NUMBER]`: check every case's hash-chained event history.

Each case's events must form an unbroken chain (`cases.actions.verify_chain`: no changed,
missing or reordered row). Two things the chain alone cannot see are checked too: a case
with no events at all, and a case whose state is not the state its last event left it in
(the case row was changed behind the actions, or the newest events were cut off). Prints
every problem and a summary; exits with status 1 when there is any problem.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, OuterRef, Subquery

BATCH = 500


def case_problems(case_id: int, state: str, last_to_state: str | None) -> list[str]:
    """The problems of one case beyond its chain: no history, or a state nobody recorded."""
    if last_to_state is None:
        return [f"case {case_id}: has no events"]
    if last_to_state != state:
        return [f"case {case_id}: state is {state!r} but its last event left it {last_to_state!r}"]
    return []


class Command(BaseCommand):
    help = "Audit checks. `verify [--case NUMBER]`: verify the hash chains of case events."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        verify = sub.add_parser("verify", help="verify every case's event chain (or one case's)")
        verify.add_argument("--case", dest="number", default=None, help="the case number (办件编号)")

    def handle(self, *args, op: str, number: str | None = None, **options):
        from oneseal.cases.actions import verify_chain
        from oneseal.cases.models import Case, CaseEvent

        cases = Case.objects.all()
        if number is not None:
            cases = cases.filter(number=number)
            if not cases.exists():
                raise CommandError(f"no case numbered {number}")
        last_event = CaseEvent.objects.filter(case_id=OuterRef("pk")).order_by("-seq").values("to_state")[:1]
        n_cases = n_events = n_problems = 0
        last = 0
        # Keyset batches of ids: memory stays flat over any number of cases.
        while True:
            batch = list(cases.filter(pk__gt=last).annotate(last_to_state=Subquery(last_event))
                         .order_by("pk").values_list("pk", "state", "last_to_state")[:BATCH])
            if not batch:
                break
            last = batch[-1][0]
            ids = [row[0] for row in batch]
            counts = dict(CaseEvent.objects.filter(case_id__in=ids).order_by().values("case_id")
                          .annotate(n=Count("id")).values_list("case_id", "n"))
            for case_id, state, last_to_state in batch:
                problems = verify_chain(case_id) + case_problems(case_id, state, last_to_state)
                for problem in problems:
                    self.stdout.write(problem)
                n_cases += 1
                n_events += counts.get(case_id, 0)
                n_problems += len(problems)
        self.stdout.write(f"{n_cases} cases, {n_events} events checked, {n_problems} problems")
        if n_problems:
            raise CommandError(f"{n_problems} problems found", returncode=1)
