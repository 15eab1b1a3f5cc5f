"""Where members write about their account: ``{% contact_email as address %}``."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def contact_email() -> str:
    return settings.CONTACT_EMAIL
