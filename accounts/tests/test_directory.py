"""The member directory: search, filters, hidden members, fixed queries."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Profile, Visibility
from accounts.tests.factories import UserFactory
from community.models import Grade, Subject

pytestmark = pytest.mark.django_db

URL = reverse("accounts:directory")


def names(response) -> list[str]:
    return [profile.display_name for profile, _shown in response.context["rows"]]


def test_directory_lists_members_for_anonymous_visitors(client):
    UserFactory(profile__display_name="Анна Морозова")

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Анна Морозова"]


def test_directory_leaves_out_hidden_inactive_and_deleted(client):
    UserFactory(profile__display_name="Видимая")
    hidden = UserFactory(profile__display_name="Скрытая")
    services.profile_privacy_update(profile=hidden.profile, listed_in_directory=False)
    UserFactory(profile__display_name="Неактивная", is_active=False)
    gone = UserFactory(profile__display_name="Удалённая")
    Profile.objects.filter(user=gone).update(deleted_at=timezone.now())

    assert names(client.get(URL)) == ["Видимая"]


def test_directory_searches_by_name(client):
    UserFactory(profile__display_name="Иван Петров")
    UserFactory(profile__display_name="Пётр Иванов")
    UserFactory(profile__display_name="Ольга Смирнова")

    assert names(client.get(URL, {"q": "иван"})) == ["Иван Петров", "Пётр Иванов"]


def test_directory_filters_by_subject_grade_region_and_category(client):
    maths = Subject.objects.get(slug="mathematics")
    grade = Grade.objects.get(slug="grade-5")
    match = UserFactory(profile__display_name="Подходит", profile__region="perm")
    services.profile_update(
        profile=match.profile, subjects=[maths], grades=[grade], category="highest"
    )
    wrong_region = UserFactory(profile__display_name="Другой регион")
    services.profile_update(
        profile=wrong_region.profile,
        subjects=[maths],
        grades=[grade],
        category="highest",
    )
    UserFactory(profile__display_name="Без предмета", profile__region="perm")

    response = client.get(
        URL,
        {
            "subject": maths.pk,
            "grade": grade.pk,
            "region": "perm",
            "category": "highest",
        },
    )

    assert names(response) == ["Подходит"]


def test_directory_category_none_finds_members_without_one(client):
    UserFactory(profile__display_name="Без категории")
    ranked = UserFactory(profile__display_name="С категорией")
    services.profile_update(profile=ranked.profile, category="first")

    assert names(client.get(URL, {"category": "none"})) == ["Без категории"]
    assert len(names(client.get(URL, {"category": ""}))) == 2


def test_directory_unknown_filter_value_is_400_with_errors_and_query_kept(client):
    UserFactory(profile__display_name="Анна Морозова")

    response = client.get(
        URL, {"q": "Морозова", "subject": "999999", "region": "atlantis"}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subject", "region"}
    content = response.content.decode()
    assert 'value="Морозова"' in content
    assert content.count("invalid-feedback") == 2
    # Nothing is filtered by a refused form: the list still shows everyone.
    assert names(response) == ["Анна Морозова"]


def test_directory_shows_place_only_when_visible(member_client):
    teacher = UserFactory(profile__city="Тобольск", profile__region="tyumen")
    services.profile_privacy_update(
        profile=teacher.profile, location_visibility=Visibility.MEMBERS
    )

    assert "Тобольск" not in Client().get(URL).content.decode()
    assert "Тобольск" in member_client.get(URL).content.decode()


def test_directory_shows_city_without_region(client):
    UserFactory(profile__city="Тобольск", profile__region="")

    assert "Тобольск" in client.get(URL).content.decode()


def test_directory_paginates_and_keeps_filters(client):
    UserFactory.create_batch(25, profile__region="perm")

    response = client.get(URL, {"region": "perm"})

    assert len(response.context["rows"]) == 20
    assert "region=perm" in response.content.decode().split('rel="next"')[0][-200:]


@pytest.mark.parametrize("members", [5, 60])
def test_directory_query_count_does_not_grow_with_members(
    client, django_assert_max_num_queries, members
):
    # One bound for 5 and for 60 members: a query per row would break it.
    subjects = list(Subject.objects.all()[:3])
    for user in UserFactory.create_batch(members):
        services.profile_update(profile=user.profile, subjects=subjects)

    with django_assert_max_num_queries(6):
        response = client.get(URL)
    with django_assert_max_num_queries(6):
        client.get(URL, {"page": 3, "q": "а"})

    assert response.context["page_obj"].paginator.count == members
    assert len(response.context["rows"]) == min(members, 20)


def test_profile_admin_searches_and_filters(client):
    moderator = UserFactory(is_staff=True)
    services.user_grant_role(user=moderator, role=services.MODERATORS)
    maths = Subject.objects.get(slug="mathematics")
    found = UserFactory(
        profile__display_name="Анна Морозова", profile__school="Лицей 7"
    )
    services.profile_update(profile=found.profile, subjects=[maths], category="first")
    UserFactory(profile__display_name="Ольга Смирнова")
    client.force_login(moderator)
    url = reverse("admin:accounts_profile_changelist")

    for query in ("Морозова", found.email, "Лицей 7"):
        response = client.get(url, {"q": query})
        assert [p.pk for p in response.context["cl"].result_list] == [found.profile.pk]
    filtered = client.get(url, {"subjects__id__exact": maths.pk, "category": "first"})
    assert [p.pk for p in filtered.context["cl"].result_list] == [found.profile.pk]


def test_profile_admin_save_renders_about_through_the_service(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    teacher = UserFactory()
    client.force_login(admin_user)
    url = reverse("admin:accounts_profile_change", args=[teacher.profile.pk])
    data = {
        "display_name": "Исправленное имя",
        "about": "**важно**",
        "school": "",
        "city": "",
        "region": "",
        "category": "",
        "email_visibility": "nobody",
        "school_visibility": "members",
        "location_visibility": "everyone",
        "listed_in_directory": "on",
        "indexable": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    profile = Profile.objects.get(pk=teacher.profile.pk)
    assert profile.display_name == "Исправленное имя"
    assert "<strong>важно</strong>" in profile.about_html
    assert Permission.objects.filter(codename="delete_blogpost").exists()


def test_user_admin_shows_profile_read_only_and_links_to_its_page(admin_client):
    teacher = UserFactory(profile__display_name="Анна Морозова")
    url = reverse("admin:accounts_user_change", args=[teacher.pk])
    profile_url = reverse("admin:accounts_profile_change", args=[teacher.profile.pk])

    assert profile_url in admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "username": teacher.username,
            "email": teacher.email,
            "date_joined_0": teacher.date_joined.strftime("%d.%m.%Y"),
            "date_joined_1": teacher.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "1",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-id": str(teacher.profile.pk),
            "profile-0-user": str(teacher.pk),
            "profile-0-display_name": "Подменённое имя",
        },
    )

    assert response.status_code == 302
    # Profiles change only on their own page, through the service.
    assert Profile.objects.get(user=teacher).display_name == "Анна Морозова"


def test_user_admin_shows_profile_read_only_with_a_link_to_edit_it(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    teacher = UserFactory(profile__display_name="Анна Морозова")
    client.force_login(admin_user)

    response = client.get(reverse("admin:accounts_user_change", args=[teacher.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("admin:accounts_profile_change", args=[teacher.profile.pk]) in (
        content
    )
    # Read-only: no input for the profile's name, so no save can bypass the service.
    assert 'name="profile-0-display_name"' not in content
    assert "Анна Морозова" in content
