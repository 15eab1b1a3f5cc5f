import pytest

pytestmark = pytest.mark.django_db


def test_member_fixture_has_profile_and_confirmed_address(member):
    assert member.profile.display_name
    assert member.emailaddress_set.get().verified
