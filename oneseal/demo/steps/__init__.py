"""What each app adds to the demo county once the county, its catalogue and its cases exist:
one module per app, each with `load(*, today) -> list[str]` (idempotent; returns the lines
`load-demo` prints). They live here, not in the apps, so the domain never imports the demo.

`ALL` is the order they run in: the hand-over and delegations first, so that the decisions and
pushes of the cases they add are rolled up by the steps after them; the documents come last, because the other steps add case
events that call for a notice (a suspension for technical support …)."""

from . import appointments, documents, esupervision, handovers, linkage, ratings, search

ALL = (handovers, linkage, search, appointments, ratings, esupervision, documents)
