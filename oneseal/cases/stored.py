"""A stored file as the actions hand it between a check and the rows that name it: its own
module so that both the intake and the held scans (which sign a reference to one) use it
without importing each other."""

from dataclasses import dataclass
from dataclasses import field as dataclass_field


@dataclass(frozen=True)
class StoredFile:
    """A file checked and stored once that several cases attach (a material one application
    gives for several items), or a signed document already issued that a new case reuses
    (`reused` says which). Each case gets its own `Upload` row naming the same stored file."""

    name: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    reused: dict = dataclass_field(default_factory=dict)
    # Held by the window for an intake it refused (`hold_upload`), now given to the case.
    held: bool = False
