"""Avatars' sizes and faces: square copies made once on upload and gone with the
picture, ``srcset`` in the page, the command for older pictures, and initials
on a colour a member keeps."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from accounts import avatars, services
from accounts.models import Profile
from accounts.tests.factories import UserFactory
from community.design import TEXT_PAIRS, palette_tokens

pytestmark = pytest.mark.django_db


def picture(size=(800, 600), image_format="JPEG") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(output, image_format)
    return output.getvalue()


def upload(content: bytes, name: str = "me.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()
    }


def copies(name: str) -> list[str]:
    return [avatars.variant_name(name, side) for side in avatars.SIZES]


def set_avatar(user, content: bytes | None = None) -> str:
    return services.profile_avatar_set(
        profile=user.profile, upload=upload(content or picture())
    ).avatar.name


def older_avatar(user, name: str = "avatars/2020/01/old.jpg") -> str:
    """A picture stored the way uploads were before the copies existed."""
    stored = default_storage.save(name, ContentFile(picture()))
    Profile.objects.filter(user=user).update(avatar=stored)
    return stored


def render(profile, size: int, viewer=None) -> str:
    return render_to_string(
        "accounts/partials/_avatar.html",
        {"profile": profile, "size": size, "user": viewer or AnonymousUser()},
    )


def run_command() -> str:
    out = io.StringIO()
    call_command("avatar_sizes", stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- copies made on upload -----------------------------------------------------


def test_avatar_set_stores_square_webp_copies_of_each_size(member):
    name = set_avatar(member)

    assert avatars.is_sized(name)
    assert stored_files() == {name, *copies(name)}
    for side in avatars.SIZES:
        with (
            default_storage.open(avatars.variant_name(name, side)) as stored,
            Image.open(stored) as image,
        ):
            assert image.format == "WEBP"
            assert image.size == (side, side)


def test_copies_of_a_small_picture_are_not_enlarged(member):
    name = set_avatar(member, picture((120, 90), "PNG"))

    with (
        default_storage.open(avatars.variant_name(name, 192)) as stored,
        Image.open(stored) as image,
    ):
        assert image.size == (90, 90)


def test_avatar_replace_deletes_the_old_copies_after_commit(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = set_avatar(member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = set_avatar(member)
    # Until the transaction commits the old copies are still served.
    assert stored_files() == {first, *copies(first), second, *copies(second)}

    for callback in callbacks:
        callback()

    assert stored_files() == {second, *copies(second)}


def test_avatar_remove_deletes_the_copies(member, django_capture_on_commit_callbacks):
    name = set_avatar(member)
    assert stored_files() == {name, *copies(name)}

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_avatar_remove(profile=member.profile)

    assert stored_files() == set()


def test_account_delete_deletes_the_copies(member, django_capture_on_commit_callbacks):
    name = set_avatar(member)
    assert stored_files() == {name, *copies(name)}

    with django_capture_on_commit_callbacks(execute=True):
        services.account_delete(user=member)

    assert stored_files() == set()


# --- the page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "one", "two"), [(32, 48, 96), (48, 48, 96), (96, 96, 192)]
)
def test_avatar_shows_the_copy_for_its_size_and_a_sharper_one_for_2x(
    member, size, one, two
):
    name = set_avatar(member)
    profile = Profile.objects.get(user=member)

    html = render(profile, size)

    src = default_storage.url(avatars.variant_name(name, one))
    sharper = default_storage.url(avatars.variant_name(name, two))
    assert f'src="{src}"' in html
    assert f'srcset="{src} 1x, {sharper} 2x"' in html
    assert f'width="{size}" height="{size}"' in html
    assert 'alt=""' in html


def test_an_older_avatar_without_copies_shows_its_original(member):
    name = older_avatar(member)

    html = render(Profile.objects.get(user=member), 48)

    assert f'src="{default_storage.url(name)}"' in html
    assert "srcset" not in html


def test_the_directory_sends_the_copies_in_a_srcset(member_client, member):
    name = set_avatar(UserFactory(profile__display_name="Анна Петрова"))

    html = member_client.get(reverse("accounts:directory")).content.decode()

    small = default_storage.url(avatars.variant_name(name, 48))
    assert f'srcset="{small} 1x, ' in html


# --- the command for older pictures --------------------------------------------


def test_command_makes_the_copies_of_older_avatars_once(
    member, django_capture_on_commit_callbacks
):
    old = older_avatar(member)

    with django_capture_on_commit_callbacks(execute=True):
        first = run_command()

    name = Profile.objects.get(user=member).avatar.name
    assert avatars.is_sized(name)
    assert stored_files() == {name, *copies(name)}  # the old file is gone
    assert old not in stored_files()
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.size == (800, 600)  # the original, as it was
    assert "1" in first

    with django_capture_on_commit_callbacks(execute=True):
        second = run_command()

    assert Profile.objects.get(user=member).avatar.name == name
    assert stored_files() == {name, *copies(name)}
    assert "нечего" in second.lower()


def test_command_makes_a_missing_copy_again(member):
    name = set_avatar(member)
    lost = avatars.variant_name(name, 96)
    default_storage.delete(lost)

    run_command()

    assert default_storage.exists(lost)
    assert Profile.objects.get(user=member).avatar.name == name


def test_command_leaves_a_picture_changed_meanwhile(member):
    older_avatar(member)
    stale = Profile.objects.get(user=member)  # read before the member uploads
    newer = set_avatar(member)
    before = stored_files()

    made = services.profile_avatar_sizes_make(profile=stale)

    assert made is False
    assert Profile.objects.get(user=member).avatar.name == newer
    assert stored_files() == before


def test_command_names_an_unreadable_picture_and_goes_on(member):
    broken = default_storage.save("avatars/2020/01/broken.jpg", ContentFile(b"no"))
    Profile.objects.filter(user=member).update(avatar=broken)
    other = UserFactory()
    older_avatar(other, "avatars/2020/01/fine.jpg")
    err = io.StringIO()

    call_command("avatar_sizes", stdout=io.StringIO(), stderr=err)

    assert broken in err.getvalue()
    assert avatars.is_sized(Profile.objects.get(user=other).avatar.name)
    assert Profile.objects.get(user=member).avatar.name == broken


# --- initials on a colour ------------------------------------------------------


def test_initials_are_on_a_colour_from_the_account_that_a_new_name_keeps(member):
    profile = member.profile
    services.profile_update(profile=profile, display_name="Анна Петрова")
    tone = avatars.tone(member.pk)

    html = render(Profile.objects.get(pk=profile.pk), 48)
    services.profile_update(profile=profile, display_name="Ольга Смирнова")
    renamed = render(Profile.objects.get(pk=profile.pk), 48)

    assert f"avatar-tone-{tone}" in html
    assert f"avatar-tone-{tone}" in renamed
    assert re.search(r'aria-hidden="true">\s*АП\s*<', html)
    assert re.search(r'aria-hidden="true">\s*ОС\s*<', renamed)


def test_colours_spread_over_the_palette():
    assert {avatars.tone(pk) for pk in range(100, 100 + avatars.TONES)} == set(
        range(1, avatars.TONES + 1)
    )
    assert avatars.tone(7) == avatars.tone(7 + avatars.TONES)


def test_initials_take_two_words_and_skip_punctuation():
    assert avatars.initials("Анна Петрова") == "АП"
    assert avatars.initials("марина") == "М"
    assert avatars.initials("«Лицей» № 7 школа") == "Л7"
    assert avatars.initials("") == ""


def test_every_colour_is_in_the_palette_check_and_the_style_sheet():
    tokens = palette_tokens()
    checked = {(text, background) for text, background, _where in TEXT_PAIRS}
    css = (Path(settings.BASE_DIR) / "static/css/design.css").read_text()
    for tone in range(avatars.TONES + 1):
        assert (f"on-avatar-{tone}", f"avatar-{tone}") in checked
        assert f"avatar-{tone}" in tokens
        assert f".avatar-tone-{tone}" in css


def test_the_headers_initials_use_the_members_colour(member_client, member):
    html = member_client.get(reverse("home")).content.decode()
    header = html.split('<main id="main"')[0]

    assert f"avatar-tone-{avatars.tone(member.pk)}" in header


def test_a_deleted_member_has_neither_initials_nor_colour(member):
    services.account_delete(user=member)

    html = render(Profile.objects.get(user=member), 32)

    assert "avatar-tone-0" in html
    assert "#person" in html


def test_the_components_page_shows_the_avatars(client):
    client.force_login(UserFactory(is_staff=True))

    html = client.get(reverse("design")).content.decode()

    assert 'id="avatars"' in html
    for tone in range(1, avatars.TONES + 1):
        assert f"avatar-tone-{tone}" in html
    assert "avatar-tone-0" in html
    assert "img/favicon" in html
