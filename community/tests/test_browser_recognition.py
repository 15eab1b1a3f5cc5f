"""Recognition pages at phone and desktop width, with axe."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community import recognition
from community.models import MonthlyContribution
from conftest import assert_accessible, browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_badges_choose_two_and_members_of_the_month(page, live_server, vocabulary):
    member = UserFactory(profile__display_name="Анна Морозова")
    badges = recognition.badges_sync()
    for key in ("first-post", "first-follower", "one-year"):
        recognition._award(badges[key], member.pk, 1)
    MonthlyContribution.objects.create(
        user=member, month=timezone.localdate().replace(day=1), points=12
    )

    browser_log_in(page, live_server, member)
    page.goto(f"{live_server.url}/badges/")
    assert_accessible(page)
    page.get_by_role("link", name="Мои знаки отличия").click()
    checkboxes = page.get_by_role("checkbox")
    for index in range(3):
        checkboxes.nth(index).check()
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text(
        "Выберите не больше двух знаков."
    ).wait_for()  # visible once the page is back
    assert_accessible(page)
    checkboxes = page.get_by_role("checkbox")
    checkboxes.nth(2).uncheck()
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Сохранено.").wait_for()
    assert (
        recognition.BadgeAward.objects.filter(user=member, is_featured=True).count()
        == 2
    )
    page.goto(f"{live_server.url}/members-of-the-month/")
    assert page.get_by_role("link", name="Анна Морозова").is_visible()
    assert_accessible(page)
