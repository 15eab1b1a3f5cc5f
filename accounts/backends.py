from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser


class AuthenticationBackend(AllauthBackend):
    """allauth's e-mail login, loading the profile with the user.

    Every request reads the member's language and time zone from the profile;
    fetching it with the user keeps that to the one query Django makes anyway.
    """

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
