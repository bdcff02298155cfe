"""What each app adds to the demo county once the county, its catalogue and its cases exist:
one module per app, each with `load(*, today) -> list[str]` (idempotent; returns the lines
`load-demo` prints). They live here, not in the apps, so the domain never imports the demo.

`ALL` is the order they run in: the transfers first (the second batch's switch of an item to
the bureau comes before the linkage lists the transferred items' duties); the documents last, because the other steps add case
events that call for a notice (a suspension for technical support …)."""

from . import appointments, documents, esupervision, linkage, ratings, search, transfers

ALL = (transfers, linkage, search, appointments, ratings, esupervision, documents)
