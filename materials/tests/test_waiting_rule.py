"""One rule says which review requests wait for reviewers.

``ReviewRound.objects.waiting_for_reviewers()``: open rounds with fewer
assignments holding a place (``ReviewAssignment.HOLDS_A_PLACE``) than the
reviews required. The moderators' inbox counts them, an expert's queue lists
them, and the services refuse a reviewer for any other round — and the
query is written nowhere else.
"""

import re

import pytest
from django.core.exceptions import ValidationError

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.inbox import inbox_for
from community.models import Subject
from community.tests.writes import ROOT, app_modules
from materials import selectors, services
from materials.models import ReviewAssignment, ReviewRound
from materials.tests.factories import MaterialFactory


def _expert():
    user = UserFactory()
    user.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    return accounts.user_grant_role(user=user, role=accounts.EXPERTS)


def _waiting_count(moderator) -> int:
    return {source.key: count for source, count in inbox_for(moderator)}[
        "materials_reviewers"
    ]


@pytest.fixture
def round_(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    material = MaterialFactory()
    return services.review_request(material=material, author=material.author)


@pytest.mark.django_db
def test_a_declined_place_is_free_again(round_, moderator):
    services.review_take(round_=round_, reviewer=_expert())
    declined = services.review_take(round_=round_, reviewer=_expert())
    ReviewAssignment.objects.filter(pk=declined.pk).update(
        status=ReviewAssignment.Status.EXPIRED
    )
    newcomer = _expert()

    assert list(ReviewRound.objects.waiting_for_reviewers()) == [round_]
    assert _waiting_count(moderator) == 1
    assert list(selectors.review_queue(user=newcomer)) == [round_]
    services.reviewer_check(round_=round_, reviewer=newcomer)
    services.review_take(round_=round_, reviewer=newcomer)


@pytest.mark.django_db
def test_a_full_round_waits_for_no_one(round_, moderator):
    services.review_take(round_=round_, reviewer=_expert())
    done = services.review_take(round_=round_, reviewer=_expert())
    ReviewAssignment.objects.filter(pk=done.pk).update(
        status=ReviewAssignment.Status.SUBMITTED
    )
    third = _expert()

    assert not ReviewRound.objects.waiting_for_reviewers().exists()
    assert _waiting_count(moderator) == 0
    assert list(selectors.review_queue(user=third)) == []
    with pytest.raises(ValidationError) as refused:
        services.review_take(round_=round_, reviewer=third)
    assert refused.value.code == "full"
    with pytest.raises(ValidationError) as refused:
        services.reviewer_check(round_=round_, reviewer=third)
    assert refused.value.code == "full"
    with pytest.raises(ValidationError) as refused:
        services.review_assign(round_=round_, reviewer=third, moderator=moderator)
    assert refused.value.code == "full"


@pytest.mark.django_db
def test_a_round_no_longer_open_waits_for_no_one(round_, moderator):
    services.review_withdraw(round_=round_, author=round_.material.author)

    assert not ReviewRound.objects.waiting_for_reviewers().exists()
    assert _waiting_count(moderator) == 0
    assert list(selectors.review_queue(user=_expert())) == []


# The rule's parts: the count of places held, the comparison with the
# reviews required, the setting and the statuses that hold a place.
RULE_PARTS = [
    r"taken__lt",
    r"MATERIALS_REVIEWS_REQUIRED",
    r"Count\(\s*[\"']assignments[\"']",
    r"HOLDS_A_PLACE",
    r"Status\.ACTIVE,\s*(ReviewAssignment\.)?Status\.SUBMITTED",
]


def test_the_rule_is_written_once():
    """Anyone writing the query again (in a selector, a hook, a service, the
    admin site) fails here: they call ``waiting_for_reviewers()`` instead."""
    found = {
        part: sorted(
            str(path.relative_to(ROOT))
            for path in app_modules("materials")
            if re.search(part, path.read_text())
        )
        for part in RULE_PARTS
    }

    assert found == {part: ["materials/models.py"] for part in RULE_PARTS}
