"""Sealed records kept outside `Document`, checkable like documents at the public verification
page (`/documents/verify/`, by code and by uploading the file), the API and `oneseal verify`.

A project's joint report (联合审图意见书, 联合验收意见书 …) is signed with the bureau's seal like
every notice, but it belongs to a project's stage, not to one case and its event, so it is not
a `Document`. The documents app must not import the apps that keep such records (they depend on
it): each registers a finder here in its AppConfig.ready, as the documents app registers its
issuer with `cases.notices`. A finder answers for a printed verification code or for a file's
SHA-256 and returns None for anything it does not know."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SealedRecord:
    """What the public may see of a sealed record: what its paper shows, no more."""

    kind: str  # 联合验收意见书
    number: str  # 平审批联验〔2026〕第000001号
    dated: datetime.date | None
    issuer: str  # the bureau
    subject: str  # what it concerns (the project, with its code)
    sha256: str  # of the signed file as stored
    url: str  # its own public check page (a path)
    in_force: bool = True


# finder(*, code: str = "", sha256: str = "") -> SealedRecord | None
Finder = Callable[..., "SealedRecord | None"]

_finders: list[Finder] = []


def register(finder: Finder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def find(*, code: str = "", sha256: str = "") -> SealedRecord | None:
    """The record a (normalised) verification code or a file's SHA-256 names, if any app
    keeps one."""
    if not code and not sha256:
        return None
    for finder in _finders:
        record = finder(code=code, sha256=sha256)
        if record is not None:
            return record
    return None
