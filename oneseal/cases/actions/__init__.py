"""Case actions: each is one transaction that checks the actor's role and region, locks the
case, checks the transition, records an event, and returns the case."""

from ._base import verify_chain
from .commitment import (
    commitment_grant_blockers,
    notice_overdue_verification,
    record_commitment,
    record_commitment_blockers,
    verify_commitment,
    verify_commitment_blockers,
)
from .decision import (
    deliver,
    deliver_blockers,
    deny,
    deny_blockers,
    grant,
    grant_blockers,
    overdue_promises,
    supply_tolerated_material,
    terminate,
    terminate_blockers,
    withdraw,
    withdraw_blockers,
)
from .intake import (
    accept,
    accept_blockers,
    apply_online,
    attach_file,
    check_materials,
    deem_accepted,
    online_uploads,
    receive,
    receive_at_window,
    refuse,
    request_correction,
    submit_correction,
    upload_field,
)
from .review import (
    approve_extension,
    approve_extension_blockers,
    assign_step,
    complete_review_step,
    complete_review_step_blockers,
    record_site_inspection,
    reject_extension,
    reject_extension_blockers,
    request_extension,
    request_extension_blockers,
    resume,
    steps_of,
    suspend,
)
from .revocation import (
    decide_revocation,
    decide_revocation_blockers,
    notify_revocation,
    notify_revocation_blockers,
    propose_revocation,
    propose_revocation_blockers,
    record_hearing_blockers,
    record_revocation_hearing,
    submit_revocation_views,
    submit_views_blockers,
    withdraw_proposal_blockers,
    withdraw_revocation_proposal,
)

__all__ = [
    "accept", "accept_blockers", "apply_online", "attach_file", "check_materials", "deem_accepted", "online_uploads", "receive", "receive_at_window", "refuse",
    "request_correction", "submit_correction", "upload_field", "verify_chain",
    "approve_extension", "approve_extension_blockers", "assign_step", "complete_review_step",
    "complete_review_step_blockers", "record_site_inspection", "reject_extension", "reject_extension_blockers",
    "request_extension", "request_extension_blockers",
    "resume", "steps_of", "suspend",
    "deliver", "deliver_blockers", "deny", "deny_blockers", "grant", "grant_blockers", "overdue_promises",
    "supply_tolerated_material", "terminate", "terminate_blockers",
    "withdraw", "withdraw_blockers",
    "commitment_grant_blockers", "notice_overdue_verification", "record_commitment", "record_commitment_blockers",
    "verify_commitment", "verify_commitment_blockers",
    "decide_revocation", "decide_revocation_blockers", "notify_revocation", "notify_revocation_blockers",
    "propose_revocation", "propose_revocation_blockers", "record_hearing_blockers", "record_revocation_hearing",
    "submit_revocation_views", "submit_views_blockers", "withdraw_proposal_blockers", "withdraw_revocation_proposal",
]
