"""«Мой путь» in the member's own menu: under her name in the header and in
the tabs of her personal space (not a section of the site: the plans are
hers). Registered from ``hooks.register``."""

from django.utils.translation import gettext_lazy as _

from community.navigation import member_link_register


def register() -> None:
    member_link_register(url_name="growth:index", title=_("My path"), order=50)
