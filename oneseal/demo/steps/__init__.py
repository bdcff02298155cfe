"""What each app adds to the demo county once the county, its catalogue and its cases exist:
one module per app, each with `load(*, today) -> list[str]` (idempotent; returns the lines
`load-demo` prints). They live here, not in the apps, so the domain never imports the demo.

`ALL` is the order they run in: the documents come last, because the other steps add case
events that call for a notice (a suspension for technical support …). The projects come first:
their decisions push to the departments, whose pushes the linkage step then follows up."""

from . import (
    appointments,
    archives,
    documents,
    drafts,
    elicences,
    esupervision,
    experts,
    handovers,
    hearings,
    inspections,
    intermediaries,
    joint_steps,
    linkage,
    notifications,
    projects,
    publications,
    ratings,
    reform,
    reuse,
    seals,
    search,
    transfers,
)

# The reform's own steps (agreements, the old seals' hand-over, handed-over cases), the
# hearings and the projects run first, so the steps after them (linkage pushes, roll-ups) see
# their cases and decisions;
# joint_steps after documents: its report is signed with the bureau's seal that step creates;
# elicences after documents: every licence document issued there becomes an e-licence.
ALL = (
    transfers,
    seals,
    handovers,
    reform,
    hearings,
    projects,
    linkage,
    search,
    appointments,
    ratings,
    inspections,
    esupervision,
    experts,
    intermediaries,
    drafts,
    reuse,
    notifications,
    documents,
    elicences,
    joint_steps,
    # Every decision of the steps above is published, with its document's number.
    publications,
    # After the documents: an ended case's package holds its signed notices.
    archives,
)
