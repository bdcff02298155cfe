"""What each app adds to the demo county once the county, its catalogue and its cases exist:
one module per app, each with `load(*, today) -> list[str]` (idempotent; returns the lines
`load-demo` prints). They live here, not in the apps, so the domain never imports the demo.

`ALL` is the order they run in: the documents come last, because the other steps add case
events that call for a notice (a suspension for technical support …). The projects come first:
their decisions push to the departments, whose pushes the linkage step then follows up."""

from . import appointments, documents, esupervision, linkage, projects, ratings, search

ALL = (projects, linkage, search, appointments, ratings, esupervision, documents)
