"""Every write to master-classes: proposal to certificate.

A package, one module per concern; the names below are its interface, so
callers keep ``from masterclasses import services; services.register(...)``.
The notification and feed kinds the services use come from
``masterclasses.kinds``, never from ``hooks`` (which imports the services).
"""

from masterclasses.services.attendance import (
    CHECKIN_EARLY,
    attendance_mark,
    checkin,
    feedback_leave,
    followup_set,
)
from masterclasses.services.calendar_feeds import calendar_feed_for
from masterclasses.services.events import (
    ANNOUNCED,
    COVER_MAX_BYTES,
    FIELDS,
    cover_set,
    hosts_get,
    masterclass_approve,
    masterclass_cancel,
    masterclass_create,
    masterclass_return,
    masterclass_submit,
    masterclass_update,
)
from masterclasses.services.finishing import (
    masterclass_finish,
    masterclasses_finish_due,
)
from masterclasses.services.groups import group_audience_set
from masterclasses.services.moderation import (
    masterclass_hide,
    masterclass_hide_by_reports,
    trusted_host_set,
)
from masterclasses.services.registration import (
    register,
    registration_cancel,
    registration_window_error,
    waitlist_position,
)
from masterclasses.services.reminders import REMIND_DAY, REMIND_HOUR, reminders_run

__all__ = [
    "ANNOUNCED",
    "CHECKIN_EARLY",
    "COVER_MAX_BYTES",
    "FIELDS",
    "REMIND_DAY",
    "REMIND_HOUR",
    "attendance_mark",
    "calendar_feed_for",
    "checkin",
    "cover_set",
    "feedback_leave",
    "followup_set",
    "group_audience_set",
    "hosts_get",
    "masterclass_approve",
    "masterclass_cancel",
    "masterclass_create",
    "masterclass_finish",
    "masterclass_hide",
    "masterclass_hide_by_reports",
    "masterclass_return",
    "masterclass_submit",
    "masterclass_update",
    "masterclasses_finish_due",
    "register",
    "registration_cancel",
    "registration_window_error",
    "reminders_run",
    "trusted_host_set",
    "waitlist_position",
]
