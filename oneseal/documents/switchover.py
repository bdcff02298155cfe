"""The seal switch-over (seed 000 四(二)5): from a department's transfer date, documents of the
items it handed over carry only the bureau's approval seal, and the department's old seal is
handed over and sealed away.

The transfer dates live in the agreements of the `transfers` app, which depends on this app
(its agreements are sealed with the bureau's seal); so this app cannot ask it directly.
`transfers` registers its reader here in its AppConfig.ready, as it registers its checks with
the catalogue (`catalogue.transfer_checks`). A reader takes department ids and returns, for
those that have one, the department's transfer date."""

import datetime
from collections.abc import Callable, Iterable

# reader(department_ids) -> {department_id: transfer date}
TransferDates = Callable[[Iterable[int]], dict[int, datetime.date]]

_readers: list[TransferDates] = []


def register(reader: TransferDates) -> None:
    if reader not in _readers:
        _readers.append(reader)


def unregister(reader: TransferDates) -> None:
    if reader in _readers:
        _readers.remove(reader)


def transfer_dates(department_ids: Iterable[int]) -> dict[int, datetime.date]:
    """Each department's transfer date: the day from which the bureau exercises every item it
    agreed to hand over (the latest date any reader gives), for the departments that have one."""
    ids = list(department_ids)
    out: dict[int, datetime.date] = {}
    for reader in list(_readers):
        for department_id, on in reader(ids).items():
            if department_id not in out or on > out[department_id]:
                out[department_id] = on
    return out


def transfer_date(department_id: int) -> datetime.date | None:
    return transfer_dates([department_id]).get(department_id)
