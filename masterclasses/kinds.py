"""The keys master-classes give the community layer, in one place.

Notification kinds and the feed's activity kind. The services use them and
``hooks`` registers them; this module imports nothing, so neither has to
import the other for a key.
"""

REGISTERED = "mc_registered"
WAITLISTED = "mc_waitlisted"
PROMOTED = "mc_promoted"
REMINDER_DAY = "mc_reminder_day"
REMINDER_HOUR = "mc_reminder_hour"
CHANGED = "mc_changed"
CANCELLED = "mc_cancelled"
NEW_BY_HOST = "mc_new_by_host"
APPROVED = "mc_approved"
RETURNED = "mc_returned"
CERTIFICATE = "mc_certificate"
MASTERCLASS_ACTIVITY = "masterclass"
