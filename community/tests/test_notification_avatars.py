"""The notifications page shows who acted: the actor's avatar on each line that
names them, in a fixed number of queries; no face where the line has no name."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts import avatars
from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import services
from community.models import Notification
from forums import kinds as forum_kinds

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def _rows(html: str) -> list[str]:
    return re.findall(r'<li class="list-group-item.*?</li>', html, re.S)


def picture() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 90, 160)).save(output, "JPEG")
    return output.getvalue()


def _with_picture(user) -> str:
    return accounts.profile_avatar_set(
        profile=user.profile,
        upload=SimpleUploadedFile("me.jpg", picture(), content_type="image/jpeg"),
    ).avatar.name


def test_a_line_naming_its_actor_shows_their_picture(member_client, member):
    actor = UserFactory(profile__display_name="Анна Петрова")
    name = _with_picture(actor)
    services.notify(recipient=member, kind="follow", actor=actor, url="/", group=False)

    [row] = _rows(_main(member_client.get(reverse("notifications"))))

    small = default_storage.url(avatars.variant_name(name, 48))
    assert f'src="{small}"' in row
    assert "srcset=" in row
    assert "Анна Петрова" in row


def test_an_actor_without_a_picture_shows_initials_on_their_colour(
    member_client, member
):
    actor = UserFactory(profile__display_name="Иван Соколов")
    services.notify(recipient=member, kind="follow", actor=actor, url="/", group=False)

    [row] = _rows(_main(member_client.get(reverse("notifications"))))

    assert f"avatar-tone-{avatars.tone(actor.pk)}" in row
    assert re.search(r'aria-hidden="true">\s*ИС\s*<', row)


def test_a_line_without_an_actor_or_their_name_shows_no_face(member_client, member):
    actor = UserFactory(profile__display_name="Анна Петрова")
    _with_picture(actor)
    # From the site: no actor at all.
    services.notify(recipient=member, kind="follow", url="/a/", group=False)
    # "Your answer was accepted": the line does not say by whom.
    services.notify(
        recipient=member,
        kind=forum_kinds.ACCEPTED,
        actor=actor,
        url="/b/",
        target_title="Дроби",
        group=False,
    )

    rows = _rows(_main(member_client.get(reverse("notifications"))))

    assert len(rows) == 2
    for row in rows:
        assert "<img" not in row
        assert "avatar-tone-0" in row
        assert f"avatar-tone-{avatars.tone(actor.pk)}" not in row


def test_a_grouped_line_that_only_counts_shows_no_face(member_client, member):
    first, second = UserFactory(), UserFactory()
    for actor in (first, second):
        services.notify(
            recipient=member,
            kind=forum_kinds.REPLY,
            actor=actor,
            url="/t/",
            target_title="Дроби",
        )
    assert Notification.objects.get().count == 2

    [row] = _rows(_main(member_client.get(reverse("notifications"))))

    assert f"avatar-tone-{avatars.tone(second.pk)}" not in row
    assert "avatar-tone-0" in row


def test_notifications_with_avatars_keep_a_fixed_number_of_queries(
    member_client, member, django_assert_max_num_queries
):
    actors = UserFactory.create_batch(55)
    for actor in actors[25:]:  # the newest lines, on the first page
        _with_picture(actor)
    for actor in actors:
        services.notify(
            recipient=member, kind="follow", actor=actor, url="/", group=False
        )
    member_client.get(reverse("notifications"))  # warm the header's caches

    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("notifications"))

    html = _main(response)
    assert len(_rows(html)) == 20
    assert html.count("avatar ") >= 20
    assert "srcset=" in html
