from django.http import HttpRequest

from community.navigation import nav_sections


def site(request: HttpRequest) -> dict:
    return {"nav_sections": nav_sections()}
