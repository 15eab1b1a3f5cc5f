"""What keeps a rendering kept across a release: the digest of what it is
made from besides its data.

The kept parts of pages (a topic's posts, a section's rows, a material's
card, a master-class's page, a blog post's comments) are keyed by what they
show and by this digest: the text of the templates they are rendered from,
the compiled translations and, where they draw icons, the sprite's address
(hashed by the static files' manifest). A release that changes any of them
renders everything again; within a release the digest is computed once per
process.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.templatetags.static import static

from community.templatetags.icons import SPRITE


@cache
def release_digest(templates: tuple[str, ...], *, icons: bool = False) -> str:
    """The digest of ``templates``' text, the compiled translations and,
    with ``icons``, the sprite's address."""
    digest = hashlib.blake2b(digest_size=8)
    for name in templates:
        digest.update(get_template(name).template.source.encode())
    for folder in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(folder).glob("*/LC_MESSAGES/django.mo")):
            digest.update(catalogue.read_bytes())
    if icons:
        digest.update(static(SPRITE).encode())
    return digest.hexdigest()


def kept_key(app: str, kind: str, inputs: tuple) -> str:
    """A cache key for a kept rendering of ``kind``, made of its inputs."""
    digest = hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()
    return f"{app}:{kind}:{digest}"


def key_value(value):
    """A value as a kept rendering's key takes it: a date or a moment in ISO
    8601, the same whichever driver read it."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def kept_still(kept, found: dict) -> bool:
    """Whether a kept ``(versions, html)`` was rendered under the versions
    ``found`` holds now (each version a pair of its cache key and value)."""
    return kept is not None and all(
        found.get(key) == version for key, version in kept[0]
    )
