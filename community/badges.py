"""The registries of recognition: what apps measure, the badges they define,
and the helpful actions that count as contribution.

Apps register in ``AppConfig.ready()``:
- measures (``badge_measure_register``): for a batch of member ids, a number
  per member (posts written, "useful" reactions received…), in a fixed number
  of queries;
- badge rules (``badge_rule_register``): a measure and a threshold; a
  repeatable badge is earned once per threshold reached;
- contribution sources (``contribution_source_register``): for a month, the
  points each member earned by helping colleagues.
The community layer runs them and knows no app's models.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from community.registry import Registry


@dataclass(frozen=True)
class BadgeRule:
    key: str
    measure: str
    threshold: int
    tier: str
    name: Promise
    description: Promise
    icon: str = "★"
    repeatable: bool = False

    def times(self, value: int) -> int:
        """How many times a member with ``value`` has earned it."""
        earned = value // self.threshold if self.threshold else 0
        return earned if self.repeatable else min(earned, 1)


_measures: Registry[str, Callable[[list[int]], dict[int, int]]] = Registry()
_rules: Registry[str, BadgeRule] = Registry()
_contributions: Registry[
    str, Callable[[datetime.datetime, datetime.datetime], dict]
] = Registry()


def badge_measure_register(key: str, measure: Callable[[list[int]], dict[int, int]]):
    _measures.register(key, measure)


def badge_rule_register(rule: BadgeRule) -> None:
    _rules.register(rule.key, rule)


def badge_rule(key: str) -> BadgeRule | None:
    return _rules.get(key)


def badge_rules() -> list[BadgeRule]:
    return list(_rules.values())


def measures_for(keys: Iterable[str], user_ids: list[int]) -> dict[str, dict[int, int]]:
    return {key: _measures[key](user_ids) for key in keys}


def contribution_source_register(
    key: str, source: Callable[[datetime.datetime, datetime.datetime], dict[int, int]]
) -> None:
    """``source(start, end)`` gives {user_id: points} for helpful actions then."""
    _contributions.register(key, source)


def contribution_sources() -> list[Callable]:
    return list(_contributions.values())
