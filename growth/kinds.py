"""The keys «Мой путь» gives the community layer, in one place.

The services use them and ``hooks`` registers them; this module imports
nothing.
"""

# Mentors: invited to a plan.
MENTOR_INVITED = "growth_mentor_invited"
# Owners: the mentor accepted or declined; the mentor left.
MENTOR_ANSWERED = "growth_mentor_answered"
# Both: a comment in the plan by the other.
COMMENTED = "growth_commented"
# Owners: the mentor confirmed her evidence.
EVIDENCE_CONFIRMED = "growth_evidence_confirmed"
# Owners: a plan item is due soon; professional development is due.
ITEM_DUE = "growth_item_due"
DEVELOPMENT_DUE = "growth_development_due"
# Owners: professional development is overdue, or none is found.
DEVELOPMENT_OVERDUE = "growth_development_overdue"
# The members' switch these notices obey.
PREFERENCE = "growth"
# The listener of ``community.attainments``.
ATTAINMENTS_LISTENER = "growth"
# A public plan, reportable (``community.reports``; the report link's key).
REPORTABLE_PLAN = "growth_plan"
