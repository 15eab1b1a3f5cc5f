"""The keys materials give the community layer, in one place.

Notification kinds and the feed's activity kind. The services use them and
``hooks`` registers them; this module imports nothing, so neither has to
import the other for a key.
"""

NEW_RATING = "material_rating"
NEW_VERSION = "material_version"
MATERIAL_ACTIVITY = "material"
REVIEW_REQUEST = "review_request"
REVIEW_ASSIGNED = "review_assigned"
REVIEW_RECEIVED = "review_received"
REVIEW_DECISION = "review_decision"
REVIEW_REMINDER = "review_reminder"
REVIEW_EXPIRED = "review_expired"
