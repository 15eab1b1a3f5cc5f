"""``/contests/``: the contests, their entries, the jury and the results."""

from contests import urls_contests, urls_judging

app_name = "contests"

urlpatterns = [*urls_contests.patterns, *urls_judging.patterns]
