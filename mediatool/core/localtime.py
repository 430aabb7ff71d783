"""The one rule for wall-clock time: every moment shown or compared by day is read in the
team's zone; a moment typed without an offset is taken as already written in it."""

from __future__ import annotations

import datetime as dt


def in_zone(moment: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    """`moment` as wall-clock time in `zone` (a naive `moment` is taken as written in it)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)
