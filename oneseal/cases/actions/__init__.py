"""Case actions: each is one transaction that checks the actor's role and region, locks the
case, checks the transition, records an event, and returns the case."""

from ._base import verify_chain
from .intake import (
    accept,
    accept_blockers,
    attach_file,
    check_materials,
    deem_accepted,
    receive,
    refuse,
    request_correction,
    submit_correction,
)

__all__ = [
    "accept", "accept_blockers", "attach_file", "check_materials", "deem_accepted", "receive", "refuse",
    "request_correction", "submit_correction", "verify_chain",
]
