"""The keys communities give the community layer, in one place.

Notification kinds and the feed's activity kind. The services use them and
``hooks`` registers them; this module imports nothing, so neither has to
import the other for a key.
"""

COFOUNDER_INVITED = "circle_cofounder_invited"
OPENED = "circle_opened"
INVITED = "circle_invited"
JOIN_REQUESTED = "circle_join_requested"
REQUEST_APPROVED = "circle_request_approved"
REQUEST_REJECTED = "circle_request_rejected"
OWNERSHIP_OFFERED = "circle_ownership_offered"
HIDDEN = "circle_hidden"
COMMUNITY_ACTIVITY = "community"
# The nightly run (``circles.services.lifecycle``): a community went quiet,
# was archived, its ownership offered to an active member while its owner
# is away (who hears of that too).
DORMANT = "circle_dormant"
ARCHIVED = "circle_archived"
OWNERSHIP_SUGGESTED = "circle_ownership_suggested"
OWNER_AWAY = "circle_owner_away"
