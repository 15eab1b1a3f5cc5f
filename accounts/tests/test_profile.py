"""Profiles: editing, privacy, and the profile page for each kind of visitor."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models import Profile, Visibility
from accounts.tests.factories import (
    BlockFactory,
    BlogPostFactory,
    FollowFactory,
    UserFactory,
)
from community.models import Grade, Subject

pytestmark = pytest.mark.django_db


def _profile_url(user) -> str:
    return reverse("accounts:profile", kwargs={"username": user.username})


# --- services ---------------------------------------------------------------


def test_profile_update_renders_about_once_and_sets_vocabulary(member):
    subject = Subject.objects.get(slug="mathematics")
    grade = Grade.objects.get(slug="grade-5")

    profile = services.profile_update(
        profile=member.profile,
        about="Учу **математике**<script>alert(1)</script>",
        category=Profile.Category.FIRST,
        experience_years=12,
        subjects=[subject],
        grades=[grade],
        interests=["робототехника", " ФГОС ", ""],
    )

    profile.refresh_from_db()
    assert "<strong>математике</strong>" in profile.about_html
    assert "<script" not in profile.about_html
    assert profile.category == "first"
    assert list(profile.subjects.all()) == [subject]
    assert list(profile.grades.all()) == [grade]
    assert sorted(profile.interests.names()) == ["ФГОС", "робототехника"]


def test_profile_update_refuses_invalid_values_and_saves_nothing(member):
    before = member.profile.display_name

    with pytest.raises(ValidationError):
        services.profile_update(
            profile=member.profile, display_name="Новое имя", region="atlantis"
        )

    assert Profile.objects.get(pk=member.profile.pk).display_name == before


def test_profile_update_refuses_experience_beyond_seventy(member):
    with pytest.raises(ValidationError):
        services.profile_update(profile=member.profile, experience_years=71)


def test_profile_update_refuses_unknown_fields(member):
    with pytest.raises(TypeError):
        services.profile_update(profile=member.profile, is_superuser=True)


def test_profile_privacy_update_changes_only_privacy(member):
    services.profile_privacy_update(
        profile=member.profile,
        email_visibility=Visibility.EVERYONE,
        listed_in_directory=False,
    )

    profile = Profile.objects.get(pk=member.profile.pk)
    assert profile.email_visibility == "everyone"
    assert profile.listed_in_directory is False
    with pytest.raises(TypeError):
        services.profile_privacy_update(profile=profile, display_name="x")


# --- selectors ------------------------------------------------------------------


def test_profile_get_for_space_counts_and_prefetches(member, django_assert_num_queries):
    FollowFactory.create_batch(2, followee=member)
    FollowFactory(follower=member)
    services.profile_update(
        profile=member.profile,
        subjects=[Subject.objects.get(slug="physics")],
        interests=["опыты"],
    )

    profile = selectors.profile_get_for_space(username=member.username)

    assert (profile.follower_count, profile.following_count) == (2, 1)
    with django_assert_num_queries(0):
        assert profile.user.username == member.username
        assert [s.slug for s in profile.subjects.all()] == ["physics"]
        assert list(profile.grades.all()) == []
        assert [tag.name for tag in profile.interests.all()] == ["опыты"]


def test_profile_get_for_space_raises_404_for_missing_inactive_and_deleted(member):
    inactive = UserFactory(is_active=False)
    deleted = UserFactory()
    Profile.objects.filter(user=deleted).update(deleted_at=timezone.now())

    for username in ("nobody-at-all", inactive.username, deleted.username):
        with pytest.raises(Http404):
            selectors.profile_get_for_space(username=username)


def test_space_context_reports_the_viewers_follow_and_block(member):
    other = UserFactory()
    FollowFactory(follower=member, followee=other)
    BlockFactory(blocker=member, blocked=other)
    profile = selectors.profile_get_for_space(username=other.username)

    seen_by_member = selectors.space_context(viewer=member, profile=profile, tab="blog")
    seen_by_anonymous = selectors.space_context(
        viewer=AnonymousUser(), profile=profile, tab="profile"
    )

    assert seen_by_member == {
        "space_profile": profile,
        "space_tab": "blog",
        "is_following": True,
        "is_blocking": True,
    }
    assert seen_by_anonymous["is_following"] is False
    assert seen_by_anonymous["is_blocking"] is False


# --- the profile page -----------------------------------------------------------


@pytest.fixture
def teacher(db):
    user = UserFactory(profile__school="Лицей № 7", profile__city="Казань")
    services.profile_privacy_update(
        profile=user.profile,
        email_visibility=Visibility.NOBODY,
        school_visibility=Visibility.MEMBERS,
        location_visibility=Visibility.EVERYONE,
    )
    return user


def test_profile_page_anonymous_sees_public_details_only(client, teacher):
    response = client.get(_profile_url(teacher))

    content = response.content.decode()
    assert response.status_code == 200
    assert teacher.profile.display_name in content
    assert "Казань" in content
    assert "Лицей № 7" not in content
    assert teacher.email not in content


def test_profile_page_member_sees_members_only_details(member_client, teacher):
    content = member_client.get(_profile_url(teacher)).content.decode()

    assert "Лицей № 7" in content
    assert teacher.email not in content


def test_profile_page_owner_sees_own_hidden_details(client, teacher):
    client.force_login(teacher)

    content = client.get(_profile_url(teacher)).content.decode()

    assert teacher.email in content
    assert reverse("accounts:settings_profile") in content


def test_profile_page_shows_email_when_everyone_may_see_it(client, teacher):
    services.profile_privacy_update(
        profile=teacher.profile, email_visibility=Visibility.EVERYONE
    )

    assert teacher.email in client.get(_profile_url(teacher)).content.decode()


def test_profile_page_hides_location_from_everyone_when_nobody(member_client, teacher):
    services.profile_privacy_update(
        profile=teacher.profile, location_visibility=Visibility.NOBODY
    )

    assert "Казань" not in member_client.get(_profile_url(teacher)).content.decode()


def test_profile_page_moderator_sees_it_too(moderator_client, teacher):
    assert moderator_client.get(_profile_url(teacher)).status_code == 200


def test_profile_page_asks_search_engines_to_stay_away_when_asked(client, teacher):
    assert b'name="robots"' not in client.get(_profile_url(teacher)).content

    services.profile_privacy_update(profile=teacher.profile, indexable=False)

    assert b'content="noindex, nofollow"' in client.get(_profile_url(teacher)).content


def test_profile_page_of_inactive_or_deleted_member_is_404(client, teacher):
    other = UserFactory(is_active=False)
    assert client.get(_profile_url(other)).status_code == 404
    assert client.get("/u/nobody-at-all/").status_code == 404

    Profile.objects.filter(pk=teacher.profile.pk).update(deleted_at=timezone.now())

    assert client.get(_profile_url(teacher)).status_code == 404


def test_profile_page_counts_follows_and_lists_latest_posts(client, teacher):
    FollowFactory.create_batch(3, followee=teacher)
    BlogPostFactory(author=teacher, title="Опубликованная заметка")
    BlogPostFactory(
        author=teacher, title="Секретный черновик", status="draft", published_at=None
    )

    response = client.get(_profile_url(teacher))

    assert response.context["space_profile"].follower_count == 3
    content = response.content.decode()
    assert "Опубликованная заметка" in content
    assert "Секретный черновик" not in content


def test_profile_page_lists_only_the_five_latest_posts(client, teacher):
    now = timezone.now()
    for day in range(7):
        BlogPostFactory(
            author=teacher,
            title=f"Пост {day}",
            published_at=now - timedelta(days=day),
        )

    posts = client.get(_profile_url(teacher)).context["latest_posts"]

    assert [post.title for post in posts] == [f"Пост {day}" for day in range(5)]


def test_profile_page_shows_unfollow_to_a_follower(member_client, member, teacher):
    FollowFactory(follower=member, followee=teacher)

    response = member_client.get(_profile_url(teacher))

    assert response.context["is_following"] is True
    assert response.context["space_tab"] == "profile"
    follow_url = reverse("accounts:follow_toggle", args=[teacher.username])
    assert follow_url in response.content.decode()


def test_profile_page_query_count_does_not_grow(
    client, teacher, django_assert_max_num_queries
):
    FollowFactory.create_batch(55, followee=teacher)
    BlogPostFactory.create_batch(55, author=teacher)
    services.profile_update(
        profile=teacher.profile,
        subjects=Subject.objects.all()[:5],
        interests=[f"тема {n}" for n in range(10)],
    )

    with django_assert_max_num_queries(12):
        assert client.get(_profile_url(teacher)).status_code == 200


# --- settings pages -----------------------------------------------------------


def test_settings_profile_needs_login(client):
    response = client.get(reverse("accounts:settings_profile"))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_settings_profile_saves_valid_form(member_client, member):
    subject = Subject.objects.get(slug="physics")

    response = member_client.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": "Мария Сидорова",
            "about": "Физика *для всех*",
            "school": "Школа № 5",
            "city": "Пермь",
            "region": "perm",
            "subjects": [subject.pk],
            "category": "highest",
            "is_mentor": "on",
            "experience_years": "20",
            "interests": "эксперимент, астрономия",
            "time_zone": "Asia/Yekaterinburg",
            "language": "ru",
        },
    )

    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    assert profile.display_name == "Мария Сидорова"
    assert "<em>для всех</em>" in profile.about_html
    assert profile.is_mentor is True
    assert sorted(profile.interests.names()) == ["астрономия", "эксперимент"]
    assert list(profile.subjects.all()) == [subject]


def test_settings_profile_invalid_input_keeps_text_and_saved_profile(
    member_client, member
):
    before = member.profile.display_name

    response = member_client.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": "",
            "about": "Мой длинный рассказ о себе",
            "experience_years": "200",
            "time_zone": "Europe/Moscow",
            "language": "ru",
        },
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Мой длинный рассказ о себе" in content
    assert "invalid-feedback" in content
    assert Profile.objects.get(user=member).display_name == before


def test_settings_privacy_saves_and_rejects_unknown_choice(member_client, member):
    url = reverse("accounts:settings_privacy")
    assert member_client.get(url).status_code == 200

    bad = member_client.post(url, {"email_visibility": "martians"})
    assert bad.status_code == 400

    good = member_client.post(
        url,
        {
            "email_visibility": "members",
            "school_visibility": "nobody",
            "location_visibility": "members",
            "indexable": "on",
        },
    )
    assert good.status_code == 302
    profile = Profile.objects.get(user=member)
    assert profile.school_visibility == "nobody"
    assert profile.listed_in_directory is False


def test_settings_profile_form_shows_current_interests(member_client, member):
    services.profile_update(profile=member.profile, interests=["ИКТ", "проекты"])

    response = member_client.get(reverse("accounts:settings_profile"))

    assert 'value="ИКТ, проекты"' in response.content.decode()


def test_profile_page_shows_category_marks_grades_and_interests(client, teacher):
    services.profile_update(
        profile=teacher.profile,
        category=Profile.Category.HIGHEST,
        is_methodist=True,
        experience_years=15,
        subjects=[Subject.objects.get(slug="physics")],
        grades=[Grade.objects.get(slug="grade-5")],
        interests=["робототехника"],
    )

    content = client.get(_profile_url(teacher)).content.decode()

    assert "высшая категория" in content
    assert "педагог-методист" in content
    assert "Педагогический стаж" in content
    assert Subject.objects.get(slug="physics").name in content
    assert Grade.objects.get(slug="grade-5").name in content
    assert "робототехника" in content


def test_profile_page_hides_marks_the_member_does_not_have(client, teacher):
    content = client.get(_profile_url(teacher)).content.decode()

    assert "педагог-методист" not in content
    assert "Педагогический стаж" not in content


def test_settings_privacy_needs_login(client, member):
    url = reverse("accounts:settings_privacy")

    assert reverse("account_login") in client.get(url).url
    response = client.post(url, {"email_visibility": "everyone"})

    assert response.status_code == 302
    assert Profile.objects.get(user=member).email_visibility == Visibility.NOBODY


def test_settings_privacy_refused_form_keeps_the_saved_choice(member_client, member):
    response = member_client.post(
        reverse("accounts:settings_privacy"),
        {
            "email_visibility": "everyone",
            "school_visibility": "martians",
            "location_visibility": "members",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"school_visibility"}
    # The member's valid choice stays ticked in the re-rendered form ...
    assert response.context["form"]["email_visibility"].value() == "everyone"
    # ... and nothing was saved.
    assert Profile.objects.get(user=member).email_visibility == Visibility.NOBODY


def test_settings_profile_moderator_edits_only_own_profile(
    moderator_client, moderator, teacher
):
    response = moderator_client.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": "Модератор Иванов",
            "time_zone": "Europe/Moscow",
            "language": "ru",
        },
    )

    assert response.status_code == 302
    assert Profile.objects.get(user=moderator).display_name == "Модератор Иванов"
    assert Profile.objects.get(user=teacher).display_name != "Модератор Иванов"


def test_settings_profile_shows_the_members_own_form(member_client, member):
    response = member_client.get(reverse("accounts:settings_profile"))

    assert response.status_code == 200
    assert response.context["form"].instance.pk == member.profile.pk
    assert response.context["settings_tab"] == "profile"


def test_profile_privacy_update_refuses_unknown_choice_and_saves_nothing(member):
    with pytest.raises(ValidationError):
        services.profile_privacy_update(
            profile=member.profile,
            listed_in_directory=False,
            email_visibility="martians",
        )

    profile = Profile.objects.get(pk=member.profile.pk)
    assert profile.email_visibility == Visibility.NOBODY
    assert profile.listed_in_directory is True
