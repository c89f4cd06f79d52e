"""Which domain response tells a place's hours, and with which values (DDH or Borgerservice).

Responses are named ``utter_<place>_<state>`` so the texts stay in the domain, not here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from kb.hours import COPENHAGEN, Schedule, describe_day, describe_intervals, describe_moment, hours_on, status_at

Place = Literal["ddh", "borgerservice"]


def status_now(place: Place, schedule: Schedule, moment: datetime) -> tuple[str, dict[str, str]]:
    """Open right now (until when), or closed (why, and when it opens next)."""
    status = status_at(schedule, moment)
    if status.open_now and status.closes_at is not None:
        return f"utter_{place}_open_now", {"closes_at": f"kl. {status.closes_at:%H.%M}"}
    next_opening = describe_moment(status.next_opening, moment) if status.next_opening else "senere"
    if status.closed_reason:
        return f"utter_{place}_closed_holiday", {"holiday": status.closed_reason.lower(), "next_opening": next_opening}
    return f"utter_{place}_closed_now", {"next_opening": next_opening}


def hours_that_day(place: Place, schedule: Schedule, day: date, now: datetime) -> tuple[str, dict[str, str]]:
    """The hours of one day, or that it is closed and why."""
    hours = hours_on(schedule, day)
    label = describe_day(day, now.astimezone(COPENHAGEN).date())
    if hours.intervals:
        return f"utter_{place}_day", {"day": label, "hours": describe_intervals(hours)}
    reason = f" ({hours.closed_reason.lower()})" if hours.closed_reason else ""
    return f"utter_{place}_closed_day", {"day": label, "reason": reason}
