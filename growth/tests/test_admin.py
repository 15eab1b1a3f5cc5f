"""«Мой путь» in the admin site: the frameworks edited (competencies and
targets on a version's page, criteria on a target's), the evidence that
counts chosen among the registered sources, tags as a list; a version plans
use only read, copied as a new version and made current by actions; nothing
of the members' plans has a page."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from accounts.tests.factories import UserFactory
from community.attainments import attainment_sources
from community.tests.test_admin_pages import _unchanged
from growth.models import (
    Competency,
    Criterion,
    Evidence,
    EvidenceRefresh,
    FrameworkVersion,
    Mentorship,
    OwnEvidence,
    Plan,
    PlanComment,
    PlanEvent,
    PlanItem,
    Reminder,
    Target,
)
from growth.tests.helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _version(number: int = 1) -> FrameworkVersion:
    return FrameworkVersion.objects.get(number=number)


def _change_url(obj) -> str:
    return reverse(f"admin:growth_{obj._meta.model_name}_change", args=[obj.pk])


def _form(client, url: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    return _unchanged(page.content.decode())


def _competency_prefix(data: dict, competency: Competency) -> str:
    """The inline form's prefix of ``competency`` on its version's page."""
    for name, values in data.items():
        if (
            name.startswith("competencies-")
            and name.endswith("-id")
            and values == [str(competency.pk)]
        ):
            return name.removesuffix("-id")
    raise AssertionError(f"no form for {competency}")


# --- What is registered --------------------------------------------------------------


def test_nothing_of_the_members_plans_has_an_admin_page():
    private = [
        Plan,
        PlanItem,
        PlanComment,
        PlanEvent,
        Mentorship,
        OwnEvidence,
        Evidence,
        EvidenceRefresh,
        Reminder,
    ]

    assert [model for model in private if model in admin.site._registry] == []
    with pytest.raises(NoReverseMatch):
        reverse("admin:growth_plan_changelist")


def test_the_frameworks_are_in_the_admin_site(superuser_client):
    version = _version()
    target = version.targets.first()

    listing = superuser_client.get(reverse("admin:growth_frameworkversion_changelist"))
    page = superuser_client.get(_change_url(version))
    target_page = superuser_client.get(_change_url(target))

    assert listing.status_code == page.status_code == target_page.status_code == 200
    text = page.content.decode()
    assert version.competencies.first().title in text
    assert target.title in text
    assert _change_url(target) in text  # the link to the target's criteria
    assert target.criteria.first().title in target_page.content.decode()


def test_moderators_read_the_frameworks_and_change_nothing(moderator_client):
    version = _version()

    assert moderator_client.get(_change_url(version)).status_code == 200
    assert moderator_client.get(_change_url(version.targets.first())).status_code == 200
    refused = moderator_client.get(reverse("admin:growth_frameworkversion_add"))
    assert refused.status_code == 403


# --- Editing a version -------------------------------------------------------------


def test_a_competencys_evidence_is_chosen_among_the_registered_sources(
    superuser_client,
):
    version = _version()
    competency = version.competencies.order_by("order").first()
    url = _change_url(version)
    page = superuser_client.get(url).content.decode()
    for source in attainment_sources():
        assert f'value="{source.key}"' in page
    data = _form(superuser_client, url)
    prefix = _competency_prefix(data, competency)
    data[f"{prefix}-evidence_kinds"] = ["badge", "course_certificate"]
    data[f"{prefix}-suggestion_tags"] = ["Урок,  цифровые   инструменты, урок, "]

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    competency.refresh_from_db()
    assert competency.evidence_kinds == ["badge", "course_certificate"]
    assert competency.suggestion_tags == ["урок", "цифровые инструменты"]


def test_a_kind_of_evidence_no_app_registered_is_refused(superuser_client):
    version = _version()
    competency = version.competencies.order_by("order").first()
    before = list(competency.evidence_kinds)
    url = _change_url(version)
    data = _form(superuser_client, url)
    data[f"{_competency_prefix(data, competency)}-evidence_kinds"] = ["made_up"]

    response = superuser_client.post(url, data)

    assert response.status_code == 200  # the form again, with the error
    assert "made_up" in response.content.decode()
    competency.refresh_from_db()
    assert competency.evidence_kinds == before


def test_a_criterion_is_offered_the_competencies_of_its_own_version(
    superuser_client,
):
    from growth.services.framework import framework_version_copy

    copy = framework_version_copy(_version(), actor=None)
    target = copy.targets.order_by("order").first()

    page = superuser_client.get(_change_url(target)).content.decode()

    for competency in copy.competencies.all():
        assert f'value="{competency.pk}"' in page
    for competency in _version().competencies.all():
        assert f'name="criteria-0-competencies" value="{competency.pk}"' not in page


def test_a_criterions_competencies_are_saved_from_its_target_page(superuser_client):
    target = _version().targets.order_by("order").first()
    criterion = target.criteria.order_by("order").first()
    chosen = list(_version().competencies.order_by("order")[:2])
    url = _change_url(target)
    data = _form(superuser_client, url)
    prefix = next(
        name.removesuffix("-id")
        for name, values in data.items()
        if name.endswith("-id") and values == [str(criterion.pk)]
    )
    data[f"{prefix}-competencies"] = [str(c.pk) for c in chosen]

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(criterion.competencies.all()) == set(chosen)


def test_a_version_plans_use_is_only_read(superuser_client):
    make_plan()
    version = _version()
    target = version.targets.first()
    url = _change_url(version)
    data = _form(superuser_client, url)

    page = superuser_client.get(url).content.decode()
    data["title"] = ["Переписано"]
    superuser_client.post(url, data)

    assert 'name="_save"' not in page
    assert "скопируйте её как новую версию" in page
    assert _version().title != "Переписано"
    assert (
        'name="_save"' not in superuser_client.get(_change_url(target)).content.decode()
    )
    deleting = superuser_client.get(
        reverse("admin:growth_frameworkversion_delete", args=[version.pk])
    )
    assert deleting.status_code == 403


def test_the_list_has_no_bulk_delete_that_would_name_the_plans(superuser_client):
    page = superuser_client.get(reverse("admin:growth_frameworkversion_changelist"))

    assert 'value="delete_selected"' not in page.content.decode()


# --- The actions -------------------------------------------------------------------


def _act(client, action: str, *versions) -> object:
    return client.post(
        reverse("admin:growth_frameworkversion_changelist"),
        {
            "action": action,
            "_selected_action": [str(version.pk) for version in versions],
        },
        follow=True,
    )


def test_copy_as_a_new_version_then_make_it_current(superuser_client):
    plan = make_plan()

    copied = _act(superuser_client, "copy_as_new_version", _version())

    copy = _version(2)
    assert copied.status_code == 200
    assert _change_url(copy) in copied.content.decode()
    assert copy.competencies.count() == 12
    assert not copy.is_current
    # The copy, used by no plan, is edited.
    assert 'name="_save"' in superuser_client.get(_change_url(copy)).content.decode()

    made = _act(superuser_client, "make_current", copy)

    assert made.status_code == 200
    assert FrameworkVersion.objects.get(is_current=True) == copy
    plan.refresh_from_db()
    assert plan.target.version == _version()


def test_make_current_takes_one_version_and_refuses_an_empty_one(superuser_client):
    empty = FrameworkVersion.objects.create(number=4, title="Пустая")

    _act(superuser_client, "make_current", empty, _version())
    _act(superuser_client, "make_current", empty)

    assert FrameworkVersion.objects.get(is_current=True) == _version()


def test_moderators_have_no_framework_actions(moderator_client):
    page = moderator_client.get(reverse("admin:growth_frameworkversion_changelist"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "copy_as_new_version" not in text
    assert "make_current" not in text
    _act(moderator_client, "copy_as_new_version", _version())
    assert FrameworkVersion.objects.count() == 1


def test_targets_are_added_on_their_versions_page_only(superuser_client):
    response = superuser_client.get(reverse("admin:growth_target_add"))

    assert response.status_code == 403
    assert Criterion.objects.exists()
    assert Target.objects.count() == 4
