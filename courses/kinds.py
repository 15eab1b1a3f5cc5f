"""The keys courses give the community layer, in one place.

The services use them and ``hooks`` registers them; this module imports
nothing, so neither has to import the other for a key.
"""

# Learners: enrolled, promoted from the waitlist, a cohort's unit opened,
# an assignment reviewed (by a peer or the author), a deadline near, the
# course completed (the certificate is ready).
ENROLLED = "course_enrolled"
WAITLISTED = "course_waitlisted"
PROMOTED = "course_promoted"
UNIT_OPENED = "course_unit_opened"
ASSIGNMENT_REVIEWED = "course_assignment_reviewed"
DEADLINE_REMINDER = "course_deadline"
COMPLETED = "course_completed"
# Followers: a new course by an author they follow.
NEW_BY_AUTHOR = "course_new_by_author"
# Authors: a submission waits for them; review received, decision made.
SUBMISSION_WAITING = "course_submission_waiting"
REVIEW_RECEIVED = "course_review_received"
REVIEW_DECISION = "course_review_decision"
# Experts: a course of their subject waits for review; assigned; reminder;
# released after the deadline.
REVIEW_REQUEST = "course_review_request"
REVIEW_ASSIGNED = "course_review_assigned"
REVIEW_REMINDER = "course_review_reminder"
REVIEW_EXPIRED = "course_review_expired"
# Experts who submitted a review: the round they reviewed is decided.
REVIEW_DECIDED_FOR_EXPERT = "course_review_decided_expert"
# The feed: a course published.
COURSE_ACTIVITY = "course_published"
# The members' switch the course notices obey.
PREFERENCE = "courses"
# Badge measures and contribution source.
COURSES_COMPLETED = "courses_completed"
COURSES_AUTHORED = "courses_authored_completions"
# What other apps tell (``community.evidence``) that completes units.
EVIDENCE_LISTENER = "courses"
