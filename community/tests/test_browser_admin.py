"""The admin pages a moderator works in pass axe: the inbox, the lists, the items.

A moderator (the role, not a superuser) opens the admin index with its
moderation inbox, every page the inbox links to, and the list and an item's
page of what they moderate: reports, forum posts, materials, review requests,
master-classes, sanctions and the audit log (and the forums' moderation log),
and the pages where they give a sanction or a badge.
"""

import pytest
from django.urls import reverse

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import AuditEntry, BadgeAward, Report, Sanction
from community.tests.test_admin_pages import _world
from conftest import assert_accessible, browser_log_in
from forums.models import ModerationLog, Post
from masterclasses.models import MasterClass
from materials.models import Material, ReviewRound

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

MODERATED = [Report, Post, Material, ReviewRound, MasterClass, Sanction, AuditEntry]


def test_a_moderator_works_the_admin_without_accessibility_errors(page, live_server):
    moderator = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)
    _world(moderator)
    browser_log_in(page, live_server, moderator)

    page.goto(reverse("admin:index"))
    assert page.locator("#moderation-inbox").is_visible()
    assert_accessible(page, read_style_sheets=False)
    inbox = page.locator("#moderation-inbox a[href]")
    for href in [inbox.nth(i).get_attribute("href") for i in range(inbox.count())]:
        page.goto(href)
        assert_accessible(page, read_style_sheets=False)

    for model in [*MODERATED, ModerationLog]:
        info = (model._meta.app_label, model._meta.model_name)
        page.goto(reverse("admin:{}_{}_changelist".format(*info)))
        assert page.locator("#result_list").is_visible(), page.url
        assert_accessible(page, read_style_sheets=False)
        obj = model.objects.order_by("pk").first()
        page.goto(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert page.locator("#content-main").is_visible(), page.url
        assert_accessible(page, read_style_sheets=False)

    # What a moderator writes by hand: a member search box, a date and a time.
    for model in (Sanction, BadgeAward):
        info = (model._meta.app_label, model._meta.model_name)
        page.goto(reverse("admin:{}_{}_add".format(*info)))
        page.locator(".select2-selection[role=combobox]").first.wait_for()
        assert_accessible(page, read_style_sheets=False)


def test_an_editable_list_names_its_fields(page, live_server):
    browser_log_in(page, live_server, UserFactory(is_staff=True, is_superuser=True))

    page.goto(reverse("admin:community_subject_changelist"))
    assert page.get_by_role("spinbutton").count() > 1
    assert_accessible(page, read_style_sheets=False)


def test_the_two_list_pickers_pass_axe(page, live_server, admin_user):
    """A profile's subjects and grades, a section's moderators: long lists
    that an admin picks from (Django's two-list picker)."""
    from accounts.models import Profile
    from forums.models import Section

    accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)
    _world(admin_user)
    browser_log_in(page, live_server, admin_user)
    for model in (Profile, Section):
        info = (model._meta.app_label, model._meta.model_name)
        obj = model.objects.order_by("pk").first()
        page.goto(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        page.locator(".selector .search-label-icon").first.wait_for()
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)  # admin.js names the icons just after "load"
        assert_accessible(page, read_style_sheets=False)
