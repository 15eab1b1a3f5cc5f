"""Every write of polls, contests and network projects, one module per
concern (``from contests.services import polls, contests, entries, judging,
results, projects``)."""
