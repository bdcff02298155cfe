"""What each app adds to the demo county once the county, its catalogue and its cases exist:
one module per app, each with `load(*, today) -> list[str]` (idempotent; returns the lines
`load-demo` prints). They live here, not in the apps, so the domain never imports the demo.

`ALL` is the order they run in: the documents come last, because the other steps add case
events that call for a notice (a suspension for technical support …)."""

from . import (
    appointments,
    documents,
    esupervision,
    experts,
    handovers,
    hearings,
    inspections,
    intermediaries,
    joint_steps,
    linkage,
    projects,
    ratings,
    search,
    transfers,
)

# The reform's own steps (agreements, handed-over cases) and the hearings run first, so the
# steps after them (linkage pushes, roll-ups) see their cases; joint_steps after documents: its
# report is signed with the bureau's seal that step creates.
ALL = (
    transfers,
    handovers,
    hearings,
    linkage,
    search,
    appointments,
    ratings,
    inspections,
    esupervision,
    experts,
    projects,
    intermediaries,
    documents,
    joint_steps,
)
