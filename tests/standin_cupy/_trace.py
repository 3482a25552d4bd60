"""Counting the stand-in's device-to-host synchronisations, so a test can assert there are none.

    with _trace.no_sync():      # raises on the first sync inside
        ...
    with _trace.counting() as syncs:
        ...
    assert syncs == []          # the names of the conversions made ('item', 'get', 'int', ...)
"""

import contextlib

_log = []
_forbid = [0]


class HiddenSync(AssertionError):
    """A device-to-host copy happened where none was allowed."""


def sync(kind):
    if _forbid[0]:
        raise HiddenSync(f"a device-to-host synchronisation ({kind}) inside a no_sync() block")
    _log.append(kind)


@contextlib.contextmanager
def counting():
    start = len(_log)
    found = []
    try:
        yield found
    finally:
        found.extend(_log[start:])
        del _log[start:]


@contextlib.contextmanager
def no_sync():
    _forbid[0] += 1
    try:
        yield
    finally:
        _forbid[0] -= 1
