"""Reported expert reviews: the material's author reports one, a moderator hides
it, enough reports hide it for a while, a dismissal shows it again."""

import datetime

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import reporting
from community.models import AuditEntry
from materials import services
from materials.models import Review
from materials.tests.factories import MaterialFactory
from materials.tests.test_review import _submitted, _write, expert

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reviews(author=None) -> list[Review]:
    """Two submitted reviews of a material; the first rude."""
    material = MaterialFactory(author=author or UserFactory())
    round_ = _submitted(material)
    reviews = []
    for summary in ("Автор ничего не понимает", "Хороший материал"):
        assignment = services.review_take(round_=round_, reviewer=expert())
        _write(assignment, summary=summary)
        reviews.append(Review.objects.get(assignment=assignment))
    return reviews


def _report(review: Review, reporter=None):
    material = review.assignment.round.material
    return reporting.report_create(
        reporter=reporter or material.author,
        key="material_review",
        object_id=review.pk,
        reason="rudeness",
    )


def _page(review: Review, user) -> str:
    material = review.assignment.round.material
    return _client(user).get(material.get_absolute_url()).content.decode()


def _hidden_label() -> str:
    with translation.override("ru"):
        return translation.gettext("hidden by a moderator")


def test_a_review_hidden_by_a_moderator_leaves_the_material_page(moderator):
    rude, kind = _reviews()
    author = rude.assignment.round.material.author

    report = _report(rude)
    assert report.target_url == rude.get_absolute_url()
    assert rude.assignment.reviewer.email not in report.target_title
    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    rude.refresh_from_db()
    assert rude.is_hidden
    assert AuditEntry.objects.filter(
        action="material_review_hide", actor=moderator, target_id=rude.pk
    ).exists()
    page = _page(rude, author)
    assert "Автор ничего не понимает" not in page
    assert f'id="review-{rude.pk}"' not in page
    assert "Хороший материал" in page
    # Moderators still read it, marked as hidden.
    page = _page(rude, moderator)
    assert "Автор ничего не понимает" in page
    assert _hidden_label() in page
    # Out of the reviewer's portfolio too, and not reported again.
    portfolio = _client(UserFactory()).get(
        reverse("accounts:portfolio", args=[rude.assignment.reviewer.username])
    )
    assert rude.assignment.round.material.title not in portfolio.content.decode()
    with pytest.raises(ObjectDoesNotExist):
        _report(rude)
    _report(kind)  # the other review can still be reported


def test_only_those_who_see_a_review_may_report_it():
    review, _other = _reviews()

    with pytest.raises(ObjectDoesNotExist):
        _report(review, reporter=UserFactory())  # reviews are not public
    with pytest.raises(ObjectDoesNotExist):
        _report(review, reporter=review.assignment.reviewer)
    # A reviewer who moderates too sees the reviews, but not to report one's own.
    accounts.user_grant_role(user=review.assignment.reviewer, role=accounts.MODERATORS)
    reviewer = type(review.assignment.reviewer).objects.get(
        pk=review.assignment.reviewer_id
    )
    with pytest.raises(ValidationError):
        _report(review, reporter=reviewer)


def test_reports_hide_a_review_until_a_moderator_dismisses_them(settings, moderator):
    settings.MODERATION_AUTOHIDE_REPORTS = 1
    review, _other = _reviews(
        author=UserFactory(date_joined=timezone.now() - datetime.timedelta(days=60))
    )
    author = review.assignment.round.material.author

    report = _report(review)

    review.refresh_from_db()
    assert review.is_hidden
    assert AuditEntry.objects.filter(action="material_review_hide", actor=None).exists()
    assert "Автор ничего не понимает" not in _page(review, author)

    reporting.report_resolve(report=report, moderator=moderator, hide=False)

    review.refresh_from_db()
    assert not review.is_hidden
    assert "Автор ничего не понимает" in _page(review, author)


def test_only_moderators_hide_reviews():
    review, _other = _reviews()
    material = review.assignment.round.material

    for user in (material.author, review.assignment.reviewer, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.review_hide(review=review, moderator=user, reason="")
    review.refresh_from_db()
    assert not review.is_hidden


def test_the_report_link_is_on_others_reviews_only(moderator):
    review, other = _reviews()
    author = review.assignment.round.material.author
    reviewer = accounts.user_grant_role(
        user=review.assignment.reviewer, role=accounts.MODERATORS
    )

    def link(item):
        return reverse("report", args=["material_review", item.pk])

    assert link(review) in _page(review, author)
    # The reviewer (a moderator too, so they see the reviews) cannot report
    # their own review, only the colleague's.
    page = _page(review, reviewer)
    assert link(review) not in page
    assert link(other) in page
    # Nor does anyone report a hidden one.
    services.review_hide(review=review, moderator=moderator, reason="")
    assert link(review) not in _page(review, moderator)


def test_moderators_hide_and_show_reviews_in_admin(moderator):
    review, _other = _reviews()
    changelist = reverse("admin:materials_review_changelist")
    client = _client(moderator)

    client.post(
        changelist, {"action": "hide_selected", "_selected_action": [review.pk]}
    )
    review.refresh_from_db()
    assert review.is_hidden
    assert client.get(changelist + "?is_hidden__exact=1").status_code == 200

    client.post(
        changelist, {"action": "show_selected", "_selected_action": [review.pk]}
    )
    review.refresh_from_db()
    assert not review.is_hidden
