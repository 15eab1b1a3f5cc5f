import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")


def _permissions(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def _listed(response) -> set[User]:
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def _change_form_data(user: User, **overrides) -> dict:
    """The change form as a browser submits it for `user`, with `overrides`."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%d.%m.%Y"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(user.profile.pk),
        "profile-0-user": str(user.pk),
        "profile-0-display_name": user.profile.display_name,
        "profile-0-time_zone": user.profile.time_zone,
        "profile-0-language": user.profile.language,
        "is_active": "on",
    }
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(overrides)
    return data


def test_staff_groups_exist_with_their_permissions():
    moderators = _permissions("Moderators")
    experts = _permissions("Experts")

    assert {
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_profile",
        "accounts.change_profile",
        "account.view_emailaddress",
        "taggit.view_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
        "taggit.view_taggeditem",
        "community.view_subject",
        "community.view_grade",
    } <= moderators
    assert "accounts.delete_user" not in moderators
    assert "accounts.add_user" not in moderators
    assert {
        "accounts.view_profile",
        "community.view_subject",
        "community.view_grade",
    } <= experts
    assert "accounts.change_user" not in experts
    assert "accounts.view_user" not in experts


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("marfa.vasilyeva@", "email"),
        ("Марфа Васильева", "display_name"),
        ("Гимназия № 42", "school"),
    ],
)
def test_user_admin_search_finds_by_email_name_and_school(admin_client, query, field):
    wanted = UserFactory(
        email="marfa.vasilyeva@school.example",
        profile__display_name="Марфа Васильева",
        profile__school="Гимназия № 42",
    )
    UserFactory.create_batch(3)

    response = admin_client.get(CHANGELIST, {"q": query})

    assert _listed(response) == {wanted}, field


def test_user_admin_filters_by_staff(admin_client, moderator, member):
    listed = _listed(admin_client.get(CHANGELIST, {"is_staff__exact": "1"}))

    assert moderator in listed
    assert member not in listed


def test_user_admin_filters_by_group(admin_client, moderator, member):
    expert = services.user_grant_role(user=UserFactory(), role=services.EXPERTS)
    group = Group.objects.get(name="Experts")

    listed = _listed(admin_client.get(CHANGELIST, {"groups__id__exact": group.pk}))

    assert listed == {expert}


def test_user_admin_filters_by_email_verified(admin_client, member):
    unconfirmed = UserFactory(email_address__verified=False)
    admin = User.objects.get(username="admin")

    verified = _listed(admin_client.get(CHANGELIST, {"email_verified": "yes"}))
    not_verified = _listed(admin_client.get(CHANGELIST, {"email_verified": "no"}))

    assert verified == {member}
    # The superuser made by pytest-django has no EmailAddress row at all.
    assert not_verified == {unconfirmed, admin}
    assert not EmailAddress.objects.filter(user=admin).exists()


def test_user_admin_filters_by_region(admin_client):
    tatar = UserFactory(profile__region="tatarstan")
    UserFactory(profile__region="primorsky")

    listed = _listed(admin_client.get(CHANGELIST, {"profile__region": "tatarstan"}))

    assert listed == {tatar}


def test_user_admin_action_make_moderator_grants_role(admin_client):
    teachers = UserFactory.create_batch(2)

    response = admin_client.post(
        CHANGELIST,
        {"action": "make_moderator", "_selected_action": [u.pk for u in teachers]},
    )

    assert response.status_code == 302
    for teacher in teachers:
        teacher.refresh_from_db()
        assert teacher.is_staff
        assert teacher.groups.filter(name="Moderators").exists()


def test_user_admin_action_revoke_moderator_removes_role(admin_client, moderator):
    response = admin_client.post(
        CHANGELIST, {"action": "revoke_moderator", "_selected_action": [moderator.pk]}
    )

    assert response.status_code == 302
    moderator.refresh_from_db()
    assert not moderator.is_staff
    assert not moderator.groups.exists()


def test_user_admin_action_make_expert_keeps_member_out_of_admin(admin_client):
    teacher = UserFactory()

    admin_client.post(
        CHANGELIST, {"action": "make_expert", "_selected_action": [teacher.pk]}
    )

    teacher.refresh_from_db()
    assert not teacher.is_staff
    assert teacher.groups.filter(name="Experts").exists()


def test_user_admin_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries
):
    UserFactory.create_batch(60)

    # Measured 6: session, user, groups filter, two counts, the page.
    with django_assert_max_num_queries(8):
        response = admin_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 61


def test_user_admin_changelist_opens_for_moderator(moderator_client, member):
    listed = _listed(moderator_client.get(CHANGELIST))

    assert member in listed


def test_user_admin_delete_is_forbidden_for_moderator(moderator_client, member):
    url = reverse("admin:accounts_user_delete", args=[member.pk])

    assert moderator_client.get(url).status_code == 403
    assert moderator_client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=member.pk).exists()


def test_user_admin_moderator_cannot_make_self_superuser(moderator_client, moderator):
    url = reverse("admin:accounts_user_change", args=[moderator.pk])

    moderator_client.post(
        url, _change_form_data(moderator, is_superuser="on", first_name="Модератор")
    )

    moderator.refresh_from_db()
    assert not moderator.is_superuser


def test_user_admin_moderator_cannot_change_a_superuser(moderator_client):
    boss = UserFactory(is_staff=True, is_superuser=True)
    change = reverse("admin:accounts_user_change", args=[boss.pk])
    password = reverse("admin:auth_user_password_change", args=[boss.pk])

    response = moderator_client.post(
        password,
        {"password1": "Zahvachen-akkaunt-1", "password2": "Zahvachen-akkaunt-1"},
    )

    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.check_password(PASSWORD)
    moderator_client.post(change, _change_form_data(boss, email="evil@x.example"))
    boss.refresh_from_db()
    assert boss.email != "evil@x.example"


def test_user_admin_superuser_can_edit_member(admin_client, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])

    response = admin_client.post(url, _change_form_data(member, first_name="Анна"))

    assert response.status_code == 302, response.context["errors"]
    member.refresh_from_db()
    assert member.first_name == "Анна"


def test_user_admin_moderator_can_still_edit_a_member(moderator_client, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])

    response = moderator_client.post(
        url, _change_form_data(member, first_name="Анна", is_staff="on")
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.first_name == "Анна"
    assert not member.is_staff, "is_staff is read-only for moderators"


def test_user_admin_delete_is_forbidden_even_for_a_superuser(admin_client, member):
    # Deleting the row would take the member's posts with it.
    url = reverse("admin:accounts_user_delete", args=[member.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=member.pk).exists()


def test_superuser_erases_accounts_and_their_posts_stay(admin_client, admin_user):
    from forums.tests.factories import PostFactory, TopicFactory

    topic = TopicFactory()
    member = UserFactory()
    post = PostFactory(topic=topic, author=member, body="Полезный ответ")
    chosen = {
        "action": "erase_accounts",
        "_selected_action": [member.pk, admin_user.pk],
    }

    asked = admin_client.post(CHANGELIST, chosen)
    member.refresh_from_db()
    assert asked.status_code == 200  # asked once more, nothing done yet
    assert member.is_active
    assert member.email in asked.content.decode()
    assert admin_user.email not in asked.content.decode()  # not oneself
    response = admin_client.post(CHANGELIST, {**chosen, "post": "yes"})

    assert response.status_code == 302
    member.refresh_from_db()
    post.refresh_from_db()
    assert not member.is_active
    assert member.profile.is_deleted
    assert post.author_id == member.pk
    page = admin_client.get(topic.get_absolute_url()).content.decode()
    assert "Полезный ответ" in page
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_an_account_without_a_profile_is_erased_too(admin_client):
    from accounts.models import Profile

    bare = User.objects.create_user(
        username="social", email="social@school.example", password=PASSWORD
    )
    Profile.objects.filter(user=bare).delete()

    response = admin_client.post(
        CHANGELIST,
        {"action": "erase_accounts", "_selected_action": [bare.pk], "post": "yes"},
    )

    assert response.status_code == 302
    bare.refresh_from_db()
    assert not bare.is_active
    assert bare.profile.is_deleted


def test_the_erase_action_is_for_superusers_only(moderator_client, member):
    response = moderator_client.post(
        CHANGELIST,
        {"action": "erase_accounts", "_selected_action": [member.pk], "post": "yes"},
    )

    member.refresh_from_db()
    assert member.is_active
    assert response.status_code in (200, 302)


def test_a_new_username_reaches_kept_topic_pages(admin_client, member):
    from django.test import Client

    from forums.tests.factories import PostFactory, TopicFactory

    topic = TopicFactory()
    PostFactory(topic=topic, author=member)
    reader = Client()
    reader.force_login(UserFactory())
    before = reader.get(topic.get_absolute_url()).content.decode()
    assert f"/u/{member.username}/" in before

    admin_client.post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        _change_form_data(member, username="anna-petrova"),
    )

    assert "/u/anna-petrova/" in reader.get(topic.get_absolute_url()).content.decode()
