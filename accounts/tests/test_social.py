import pytest
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse

from accounts.adapters import SocialAccountAdapter
from accounts.models import Profile, User

pytestmark = pytest.mark.django_db

PROVIDER_URLS = {
    "vk": "/accounts/vk/login/",
    "yandex": "/accounts/yandex/login/",
    "mailru": "/accounts/mailru/login/",
}


def test_login_page_without_provider_keys_offers_no_social_login(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    content = client.get(reverse("account_login")).content.decode()

    for url in PROVIDER_URLS.values():
        assert url not in content


def test_login_page_offers_only_the_configured_provider(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "vk": {"APPS": [{"client_id": "x", "secret": "y", "key": ""}]}
    }

    response = client.get(reverse("account_login"))

    content = response.content.decode()
    assert PROVIDER_URLS["vk"] in content
    assert PROVIDER_URLS["yandex"] not in content
    assert PROVIDER_URLS["mailru"] not in content


def _save_social_user(provider: str, extra_data: dict, email: str) -> User:
    """Run the adapter's save_user as allauth does on an auto-signup."""
    request = RequestFactory().get("/accounts/social/callback/")
    SessionMiddleware(lambda request: None).process_request(request)
    request.user = None
    sociallogin = SocialLogin(
        user=User(email=email),
        account=SocialAccount(provider=provider, uid="100500", extra_data=extra_data),
        email_addresses=[EmailAddress(email=email, verified=True, primary=True)],
    )
    with context.request_context(request):
        return SocialAccountAdapter(request).save_user(request, sociallogin)


@pytest.mark.parametrize(
    ("provider", "extra_data", "expected"),
    [
        ("vk", {"first_name": "Ольга", "last_name": "Кузнецова"}, "Ольга Кузнецова"),
        (
            "yandex",
            {"first_name": "", "last_name": "", "real_name": "Ирина Белова"},
            "Ирина Белова",
        ),
        ("mailru", {"name": "Пётр Орлов"}, "Пётр Орлов"),
        ("yandex", {}, "olga.k"),
    ],
)
def test_social_adapter_save_user_names_profile_from_extra_data(
    provider, extra_data, expected
):
    user = _save_social_user(provider, extra_data, "olga.k@yandex.example")

    assert Profile.objects.get(user=user).display_name == expected
    assert SocialAccount.objects.get(user=user).provider == provider
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert address.email == "olga.k@yandex.example"
    assert address.verified
