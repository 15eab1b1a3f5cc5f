"""The keys conversations give the community layer, in one place.

The services use them and ``hooks`` registers them; this module imports
nothing, so neither has to import the other for a key.
"""

# A new message in a conversation the member takes part in (grouped repeats).
MESSAGE = "message"
# The member's request was accepted: the sender is told.
REQUEST_ACCEPTED = "message_request_accepted"
# Consultation lines: a new question for the line's experts, the question
# taken / answered / handed over (for the asker or the new expert), the
# expert's reminder before the deadline and the release after it.
LINE_QUESTION = "line_question"
LINE_TAKEN = "line_taken"
LINE_HANDED_OVER = "line_handed_over"
LINE_REMINDER = "line_reminder"
LINE_RELEASED = "line_released"
# The members' switch every message notice obeys.
PREFERENCE = "messages"
# Badge measure and portfolio section: answered consultation questions.
CONSULTATIONS_GIVEN = "consultations_given"
