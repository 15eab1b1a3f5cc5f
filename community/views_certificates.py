"""The public page that confirms a printed certificate: ``/certificates/<code>/``.

Whichever app issued it (master-classes, courses) answers through the
sources registered in ``community.certificates``; the page shows what the
certificate says. An unknown code is a 404.
"""

import re
import zoneinfo

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from community.certificates import certificate_find

# Codes are URL-safe tokens; anything else is not asked of the sources.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what the certificate with ``code`` says, and that it is genuine."""
    certificate = certificate_find(code=code) if _CODE.match(code) else None
    if certificate is None:
        raise Http404
    # The date as printed: in the site's zone, whoever looks.
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return render(
        request,
        "community/certificate_verify.html",
        {
            "certificate": certificate,
            "issued_on": certificate.issued_at.astimezone(zone).date(),
        },
    )
