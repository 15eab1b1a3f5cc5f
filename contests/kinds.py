"""The keys contests, polls and network projects give the community layer,
in one place.

The services use them and ``hooks`` registers them; this module imports
nothing, so neither has to import the other for a key.
"""

# Members who teach a contest's subject: a new contest is announced.
CONTEST_NEW = "contest_new"
# Judges: assigned to a jury; judging ends soon and entries wait for them.
JUDGE_ASSIGNED = "contest_judge_assigned"
JUDGING_REMINDER = "contest_judging_reminder"
# Authors of entries: entries close soon (an entry not yet final), the
# results are out (with the diploma), an entry disqualified (with the reason).
ENTRY_DEADLINE = "contest_entry_deadline"
RESULTS = "contest_results"
DISQUALIFIED = "contest_entry_disqualified"
# Organisers: an entry came in.
ENTRY_SUBMITTED = "contest_entry_submitted"
# A member named a co-author of an entry (she may leave it from its page).
ENTRY_COAUTHOR = "contest_entry_coauthor"
# Network projects: a stage's deadline near (each team member), a stage's
# result got the coordinator's feedback (the team), a result submitted (the
# coordinator), the project completed with its product (every participant).
STAGE_REMINDER = "project_stage_reminder"
STAGE_FEEDBACK = "project_stage_feedback"
STAGE_SUBMITTED = "project_stage_submitted"
PROJECT_COMPLETED = "project_completed"
# The members' switch these notices obey.
PREFERENCE = "contests"
# The feed: a contest announced, its results, a project announced and
# completed. A secret poll's vote is never in the feed; no vote is.
CONTEST_ACTIVITY = "contest_announced"
RESULTS_ACTIVITY = "contest_results_announced"
PROJECT_ACTIVITY = "project_announced"
PROJECT_DONE_ACTIVITY = "project_completed"
# Badge measures and the contribution source.
CONTEST_WINS = "contest_wins"
CONTEST_ENTRIES = "contest_entries"
PROJECTS_COMPLETED = "projects_completed"
CONTRIBUTION = "contests"
# Evidence of growth (``community.attainments``).
DIPLOMA_SOURCE = "contest_diploma"
PROJECT_SOURCE = "project_completed"
# Search kinds.
SEARCH_CONTESTS = "contests"
SEARCH_PROJECTS = "projects"
