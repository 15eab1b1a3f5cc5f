import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import Profile, User
from accounts.tests.factories import UserFactory
from community.models import Grade, Subject

pytestmark = pytest.mark.django_db


def _member_create(**overrides) -> User:
    fields = {
        "email": "Anna.Smirnova@School.example",
        "password": "Zvezdnoe-nebo-nad-Kazanyu-7",
        "display_name": "Анна Смирнова",
        **overrides,
    }
    return services.member_create(**fields)


def test_member_create_makes_user_address_and_profile():
    subjects = list(Subject.objects.all()[:2])
    grades = list(Grade.objects.all()[:3])
    assert len(subjects) == 2
    assert len(grades) == 3

    user = _member_create(
        school="Лицей № 1",
        city="Казань",
        region="tatarstan",
        time_zone="Asia/Yekaterinburg",
        subjects=subjects,
        grades=grades,
    )

    assert user.email == "anna.smirnova@school.example"
    assert user.check_password("Zvezdnoe-nebo-nad-Kazanyu-7")
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == (
        "anna.smirnova@school.example",
        True,
        True,
    )
    profile = user.profile
    assert profile.display_name == "Анна Смирнова"
    assert (profile.school, profile.city, profile.region) == (
        "Лицей № 1",
        "Казань",
        "tatarstan",
    )
    assert profile.time_zone == "Asia/Yekaterinburg"
    assert set(profile.subjects.all()) == set(subjects)
    assert set(profile.grades.all()) == set(grades)


def test_member_create_defaults_to_moscow_time_and_can_leave_address_unverified():
    user = _member_create(email_verified=False)

    assert user.profile.time_zone == "Europe/Moscow"
    assert not EmailAddress.objects.get(user=user).verified


def test_member_create_rejects_taken_email_in_any_case():
    UserFactory(email="anna.smirnova@school.example")

    with pytest.raises(ValidationError) as error:
        _member_create(email="ANNA.SMIRNOVA@school.example")

    assert error.value.code == "taken"
    assert (
        User.objects.filter(email__iexact="anna.smirnova@school.example").count() == 1
    )


def test_member_create_rejects_another_members_second_address():
    owner = UserFactory()
    EmailAddress.objects.create(
        user=owner, email="second@school.example", verified=True, primary=False
    )

    with pytest.raises(ValidationError) as error:
        _member_create(email="Second@School.example")

    assert error.value.code == "taken"
    assert not User.objects.filter(email="second@school.example").exists()


def test_member_create_allows_same_local_part_at_another_school():
    first = _member_create(email="ivanova@school1.example")

    second = _member_create(email="ivanova@school2.example")

    assert first.pk != second.pk
    assert first.username != second.username


def test_member_create_rejects_unknown_region_and_leaves_nothing():
    with pytest.raises(ValidationError) as error:
        _member_create(region="atlantis")

    assert "region" in error.value.message_dict
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


def test_profile_ensure_creates_once_and_returns_the_same():
    user = UserFactory(profile=None)

    created = services.profile_ensure(user=user, display_name="Ольга Кузнецова")
    again = services.profile_ensure(user=user, display_name="Кто-то другой")

    assert again.pk == created.pk
    assert Profile.objects.get(user=user).display_name == "Ольга Кузнецова"


def test_profile_ensure_trims_display_name():
    user = UserFactory(profile=None)

    profile = services.profile_ensure(user=user, display_name="  Ольга Кузнецова \n")

    assert profile.display_name == "Ольга Кузнецова"


def test_profile_ensure_falls_back_to_email_local_part():
    user = UserFactory(profile=None, email="o.kuznetsova@school.example")

    profile = services.profile_ensure(user=user, display_name="   ")

    assert profile.display_name == "o.kuznetsova"


def test_profile_ensure_prefers_full_name_over_email():
    user = UserFactory(profile=None, first_name="Ольга", last_name="Кузнецова")

    assert services.profile_ensure(user=user).display_name == "Ольга Кузнецова"


def test_profile_ensure_falls_back_to_username_without_email():
    user = UserFactory(profile=None, email_address=None, email="", username="vk_1005")

    assert services.profile_ensure(user=user).display_name == "vk_1005"


def test_profile_ensure_cuts_long_name_to_field_length():
    user = UserFactory(profile=None)

    profile = services.profile_ensure(user=user, display_name="Я" * 150)

    assert profile.display_name == "Я" * 100


def test_profile_set_language_stores_choice(member):
    services.profile_set_language(user=member, language="en")

    assert Profile.objects.get(user=member).language == "en"


def test_profile_set_language_creates_missing_profile():
    user = UserFactory(profile=None)

    services.profile_set_language(user=user, language="en")

    assert Profile.objects.get(user=user).language == "en"


def test_profile_set_language_rejects_unknown(member):
    with pytest.raises(ValidationError) as error:
        services.profile_set_language(user=member, language="de")

    assert error.value.code == "language"
    assert Profile.objects.get(user=member).language == "ru"


def test_user_grant_role_moderator_gives_group_and_staff(member):
    services.user_grant_role(user=member, role=services.MODERATORS)

    member.refresh_from_db()
    assert member.is_staff
    assert member.groups.filter(name="Moderators").exists()


def test_user_grant_role_expert_gives_group_without_staff(member):
    services.user_grant_role(user=member, role=services.EXPERTS)

    member.refresh_from_db()
    assert not member.is_staff
    assert list(member.groups.values_list("name", flat=True)) == ["Experts"]


def test_user_revoke_role_moderator_removes_group_and_staff(moderator):
    services.user_revoke_role(user=moderator, role=services.MODERATORS)

    moderator.refresh_from_db()
    assert not moderator.is_staff
    assert not moderator.groups.exists()


def test_user_revoke_role_moderator_keeps_superuser_staff():
    admin = UserFactory(is_staff=True, is_superuser=True)
    services.user_grant_role(user=admin, role=services.MODERATORS)

    services.user_revoke_role(user=admin, role=services.MODERATORS)

    admin.refresh_from_db()
    assert admin.is_staff
    assert not admin.groups.exists()


def test_user_revoke_role_expert_leaves_moderator_alone(moderator):
    services.user_grant_role(user=moderator, role=services.EXPERTS)

    services.user_revoke_role(user=moderator, role=services.EXPERTS)

    moderator.refresh_from_db()
    assert moderator.is_staff
    assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]


@pytest.mark.parametrize(
    "change", [services.user_grant_role, services.user_revoke_role]
)
def test_user_role_change_rejects_unknown_role(member, change):
    Group.objects.create(name="Admins")

    with pytest.raises(ValidationError) as error:
        change(user=member, role="Admins")

    assert error.value.code == "role"
    member.refresh_from_db()
    assert not member.is_staff
    assert not member.groups.exists()


def test_user_email_unique_ignoring_case():
    User.objects.create(username="first", email="teacher@school.example")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="second", email="Teacher@School.example")


def test_user_email_blank_may_repeat():
    User.objects.create(username="first", email="")
    User.objects.create(username="second", email="")

    assert User.objects.filter(email="").count() == 2


def _codenames(group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.parametrize("role", [services.MODERATORS, services.EXPERTS])
def test_migrated_groups_hold_exactly_the_role_permissions(role):
    from accounts.roles import ROLE_PERMISSIONS

    assert _codenames(Group.objects.get(name=role)) == set(ROLE_PERMISSIONS[role])


def test_granting_a_role_recreates_a_deleted_group_with_its_permissions(member):
    from accounts.roles import ROLE_PERMISSIONS

    Group.objects.filter(name=services.MODERATORS).delete()

    services.user_grant_role(user=member, role=services.MODERATORS)

    group = member.groups.get()
    assert group.name == services.MODERATORS
    assert _codenames(group) == set(ROLE_PERMISSIONS[services.MODERATORS])
    assert member.has_perm("accounts.change_user")
