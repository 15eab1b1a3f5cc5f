"""Reviewers' faces on a material's page: shown beside a named review, never
for a blind one (neither the picture nor the initials nor the name)."""

import io
import re
from pathlib import PurePosixPath

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts import avatars
from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import Subject
from materials import services
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

SCORES = {
    "accuracy": 5,
    "methodology": 5,
    "structure": 4,
    "usefulness": 5,
    "design": 5,
}


def _expert(name: str, with_picture: bool):
    user = UserFactory(profile__display_name=name)
    user.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    if with_picture:
        output = io.BytesIO()
        Image.new("RGB", (300, 300), (30, 90, 160)).save(output, "JPEG")
        accounts.profile_avatar_set(
            profile=user.profile,
            upload=SimpleUploadedFile("me.jpg", output.getvalue(), "image/jpeg"),
        )
    return accounts.user_grant_role(user=user, role=accounts.EXPERTS)


def _reviewed(material):
    """Two reviews in: one expert with a picture, one with initials."""
    round_ = services.review_request(material=material, author=material.author)
    experts = [_expert("Анна Петрова", True), _expert("Иван Соколов", False)]
    for expert in experts:
        assignment = services.review_take(round_=round_, reviewer=expert)
        services.review_write(
            assignment=assignment,
            reviewer=expert,
            scores=SCORES,
            comments={},
            recommendation="recommend",
            summary="Годится",
        )
    return [type(e).objects.select_related("profile").get(pk=e.pk) for e in experts]


def _review_section(user, material) -> str:
    client = Client()
    client.force_login(user)
    html = client.get(material.get_absolute_url()).content.decode()
    start = html.index('<section id="review"')
    return html[start : html.index("</section>", start)]


def _faces(section: str, experts) -> list[str]:
    """Whatever of the experts' faces the section shows: any file of their
    picture (its name's stem is in every copy's), their initials or colour."""
    shown = []
    for expert in experts:
        profile = expert.profile
        stem = PurePosixPath(profile.avatar.name).name.split(".")[0]
        if profile.avatar.name and stem in section:
            shown.append(f"picture of {profile.display_name}")
        if re.search(
            rf'aria-hidden="true">\s*{avatars.initials(profile.display_name)}\s*<',
            section,
        ):
            shown.append(f"initials of {profile.display_name}")
        if f"avatar-tone-{avatars.tone(expert.pk)}" in section:
            shown.append(f"colour of {profile.display_name}")
    return shown


def test_the_author_sees_no_face_or_name_of_blind_reviewers(settings):
    settings.MATERIALS_BLIND_REVIEW = True
    material = MaterialFactory()
    experts = _reviewed(material)

    section = _review_section(material.author, material)

    assert "Годится" in section
    assert _faces(section, experts) == []
    assert "Анна Петрова" not in section
    assert "Иван Соколов" not in section
    assert section.count("avatar-tone-0") == 2  # a neutral figure for each


def test_named_reviewers_show_their_faces(settings):
    settings.MATERIALS_BLIND_REVIEW = False
    material = MaterialFactory()
    experts = _reviewed(material)

    section = _review_section(material.author, material)

    picture = default_storage.url(
        avatars.variant_name(experts[0].profile.avatar.name, 48)
    )
    assert f'src="{picture}"' in section
    assert "srcset=" in section
    assert re.search(r'aria-hidden="true">\s*ИС\s*<', section)
    assert "Анна Петрова" in section


def test_moderators_see_the_faces_of_blind_reviewers(settings):
    settings.MATERIALS_BLIND_REVIEW = True
    material = MaterialFactory()
    experts = _reviewed(material)
    moderator = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)

    section = _review_section(moderator, material)

    assert _faces(section, experts) == [
        "picture of Анна Петрова",
        "initials of Иван Соколов",
        "colour of Иван Соколов",
    ]
    assert "Анна Петрова" in section
