"""The keys the forums give the community layer, in one place.

Notification kinds, the feed's activity kinds and the badge measures. The
services use them and ``hooks`` registers them; this module imports nothing,
so neither has to import the other for a key.
"""

REPLY = "forum_reply"
MENTION = "forum_mention"
QUOTE = "forum_quote"
ACCEPTED = "forum_accepted"
NEW_TOPIC = "forum_new_topic"
NEW_TAGGED = "forum_tagged_topic"
TOPIC_ACTIVITY = "forum_topic"
REPLY_ACTIVITY = "forum_reply"
ANSWER_ACTIVITY = "forum_answer"
# What the forums measure for badges (the services name the one an action changes).
POSTS_MEASURE = "forum_posts"
USEFUL_MEASURE = "useful_received"
ANSWERS_MEASURE = "answers_accepted"
