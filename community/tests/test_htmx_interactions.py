"""Small buttons posted by htmx: the button in its new state, no reload.

Reactions, follow, bookmark, watch and mark all read are plain forms that post
and redirect; the same forms carry ``data-hx-post``. With the ``HX-Request`` header
the view answers the button's own partial template in its new state (status
200), without it the redirect as before. A service's refusal keeps its status
and says how to show itself (``HX-Reswap``); other failures are plain errors,
which the glue turns into a page post.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Bookmark, Follow
from accounts.tests.factories import BlockFactory, UserFactory
from community import services as community
from community.models import Notification, Sanction
from community.sanctions import sanction_give
from forums.models import Reaction, TopicWatch
from forums.tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _form(html: str, action: str, kind: str = "") -> str:
    """The form posting to ``action`` (of reaction ``kind``) in ``html``."""
    for form in re.findall(r"<form\b.*?</form>", html, re.S):
        if f'action="{action}"' in form and (not kind or f'value="{kind}"' in form):
            return form
    raise AssertionError(f"no form for {action} {kind}")


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.fixture
def reply(db):
    topic = TopicFactory()
    return PostFactory(topic=topic, author=UserFactory())


# --- Reactions ------------------------------------------------------------------


def test_react_with_htmx_answers_the_pressed_button_with_its_count(
    member_client, member, reply
):
    url = reverse("forums:react", args=[reply.pk])
    response = member_client.post(url, {"kind": "thanks", "on": "1"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<form")
    assert html.rstrip().endswith("</form>")
    assert f'data-hx-post="{url}"' in html
    assert f'id="reaction-{reply.number}-thanks"' in html
    assert 'aria-pressed="true"' in html
    assert 'name="on" value="0"' in html  # the next click takes it back
    assert "Thank you · 1" in html or "Спасибо · 1" in html
    assert Reaction.objects.filter(post=reply, user=member, kind="thanks").exists()

    response = member_client.post(url, {"kind": "thanks", "on": "0"}, **HX)
    html = response.content.decode()
    assert 'aria-pressed="false"' in html
    assert 'name="on" value="1"' in html
    assert "· 0" in html
    assert not Reaction.objects.filter(post=reply, user=member).exists()


def test_react_twice_with_htmx_counts_once(member_client, reply):
    url = reverse("forums:react", args=[reply.pk])
    member_client.post(url, {"kind": "useful", "on": "1"}, **HX)
    html = member_client.post(url, {"kind": "useful", "on": "1"}, **HX)
    assert "· 1<" in html.content.decode()
    reply.refresh_from_db()
    assert reply.useful_count == 1


def test_react_without_htmx_redirects_to_the_post(member_client, reply):
    url = reverse("forums:react", args=[reply.pk])
    response = member_client.post(url, {"kind": "thanks", "on": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{reply.number}")


def test_the_htmx_reaction_is_the_topic_pages_own_markup(member_client, reply):
    """One markup: the fragment is the form the page shows in that state."""
    url = reverse("forums:react", args=[reply.pk])
    fragment = member_client.post(url, {"kind": "thanks", "on": "1"}, **HX)
    page = member_client.get(reply.topic.get_absolute_url()).content.decode()
    assert _without_token(_form(page, url, "thanks")) == _without_token(
        fragment.content.decode().strip()
    )


def test_a_banned_member_reacting_with_htmx_is_told_why(client, moderator, reply):
    banned = UserFactory()
    sanction_give(
        member=banned, moderator=moderator, kind=Sanction.Kind.BAN, reason="Реклама"
    )
    client.force_login(banned)
    url = reverse("forums:react", args=[reply.pk])
    response = client.post(url, {"kind": "thanks", "on": "1"}, **HX)
    assert response.status_code == 403
    assert response["HX-Reswap"] == "beforeend"
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "htmx-refusal" in html
    assert "Реклама" in html  # the moderators' reason
    assert "<html" not in html
    assert not Reaction.objects.exists()
    # Without JavaScript: the page that says why, as before.
    page = client.post(url, {"kind": "thanks", "on": "1"})
    assert page.status_code == 403
    assert "<html" in page.content.decode()
    assert "HX-Reswap" not in page


def test_an_unknown_reaction_with_htmx_is_a_plain_404(member_client, reply):
    """No HX-Reswap: the glue sends the form again as a page post."""
    url = reverse("forums:react", args=[reply.pk])
    response = member_client.post(url, {"kind": "love", "on": "1"}, **HX)
    assert response.status_code == 404
    assert "HX-Reswap" not in response


def test_the_forms_own_csrf_token_is_enough_for_htmx(member, reply):
    """htmx sends the form's fields, its hidden CSRF input among them."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = reverse("forums:react", args=[reply.pk])
    page = client.get(reply.topic.get_absolute_url()).content.decode()
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', _form(page, url, "thanks")
    )[1]
    refused = client.post(url, {"kind": "thanks", "on": "1"}, **HX)
    assert refused.status_code == 403
    assert "HX-Reswap" not in refused  # the CSRF page: the glue posts the page
    response = client.post(
        url, {"kind": "thanks", "on": "1", "csrfmiddlewaretoken": token}, **HX
    )
    assert response.status_code == 200
    assert Reaction.objects.filter(post=reply, user=member).exists()


# --- Follow -----------------------------------------------------------------------


def test_follow_with_htmx_answers_the_button_in_its_new_state(member_client, member):
    other = UserFactory()
    url = reverse("accounts:follow_toggle", args=[other.username])
    response = member_client.post(url, {"action": "follow"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="follow-button"' in html
    assert f'data-hx-post="{url}"' in html
    assert 'value="unfollow"' in html
    assert Follow.objects.filter(follower=member, followee=other).exists()

    # The profile's "N followers" hears the new count with the answer.
    assert json.loads(response["HX-Trigger"]) == {
        "kollegi:followers": {"username": other.username, "text": "1 подписчик"}
    }

    response = member_client.post(url, {"action": "unfollow"}, **HX)
    html = response.content.decode()
    assert json.loads(response["HX-Trigger"])["kollegi:followers"]["text"] == (
        "0 подписчиков"
    )
    assert 'value="follow"' in html
    assert not Follow.objects.filter(follower=member, followee=other).exists()
    # No message waits for the next page: the button said it.
    page = member_client.get(other.get_absolute_url()).content.decode()
    assert 'class="messages"' not in page


def test_follow_without_htmx_redirects_with_a_message(member_client, member):
    other = UserFactory()
    url = reverse("accounts:follow_toggle", args=[other.username])
    response = member_client.post(url, {"action": "follow"}, follow=True)
    assert response.redirect_chain[-1][0] == other.get_absolute_url()
    assert 'class="messages"' in response.content.decode()


def test_follow_refused_with_htmx_is_a_message_under_the_button(member_client, member):
    other = UserFactory()
    BlockFactory(blocker=other, blocked=member)
    url = reverse("accounts:follow_toggle", args=[other.username])
    response = member_client.post(url, {"action": "follow"}, **HX)
    assert response.status_code == 400
    assert response["HX-Reswap"] == "beforeend"
    assert 'role="alert"' in response.content.decode()
    assert not Follow.objects.exists()


# --- Bookmark ---------------------------------------------------------------------


def test_bookmark_with_htmx_answers_the_button_and_keeps_the_way_back(
    member_client, member
):
    topic = TopicFactory()
    url = reverse("accounts:bookmark_toggle")
    data = {"key": "topic", "object_id": topic.pk, "on": "1"}
    back = topic.get_absolute_url()
    response = member_client.post(url, {**data, "next": back}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="bookmark-topic-{topic.pk}"' in html
    assert 'name="on" value="0"' in html
    assert f'name="next" value="{back}"' in html  # not the toggle's address
    assert Bookmark.objects.filter(user=member, object_id=topic.pk).exists()

    response = member_client.post(url, {**data, "on": "0", "next": back}, **HX)
    assert 'name="on" value="1"' in response.content.decode()
    assert not Bookmark.objects.exists()


def test_bookmark_without_htmx_redirects_back(member_client):
    topic = TopicFactory()
    response = member_client.post(
        reverse("accounts:bookmark_toggle"),
        {
            "key": "topic",
            "object_id": topic.pk,
            "on": "1",
            "next": topic.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()


# --- Watch ------------------------------------------------------------------------


def test_watch_with_htmx_answers_the_button_in_its_new_state(member_client, member):
    topic = TopicFactory()
    url = reverse("forums:topic_watch", args=[topic.pk])
    response = member_client.post(url, {"watch": "1"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="topic-watch"' in html
    assert 'name="watch" value="0"' in html
    assert TopicWatch.objects.filter(user=member, topic=topic).exists()
    page = member_client.get(topic.get_absolute_url()).content.decode()
    assert _without_token(_form(page, url)) == _without_token(html.strip())

    html = member_client.post(url, {"watch": "0"}, **HX).content.decode()
    assert 'name="watch" value="1"' in html
    assert not TopicWatch.objects.exists()


def test_watch_without_htmx_redirects_to_the_topic(member_client):
    topic = TopicFactory()
    response = member_client.post(
        reverse("forums:topic_watch", args=[topic.pk]), {"watch": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()


# --- Mark all read ----------------------------------------------------------------


def test_mark_all_read_with_htmx_answers_the_list_and_the_bell(member_client, member):
    for _ in range(3):
        community.notify(
            recipient=member, kind="follow", url="/", actor=UserFactory(), group=False
        )
    response = member_client.post(reverse("notification_read_all"), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    assert 'id="notifications-read-all"' in main
    assert "notification-unread" not in main
    assert 'role="status"' in main  # "3 notifications marked read."
    bell = re.search(r'<a[^>]*id="header-bell".*?</a>', html, re.S)[0]
    assert "badge" not in bell
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_without_htmx_redirects(member_client, member):
    community.notify(
        recipient=member, kind="follow", url="/", actor=UserFactory(), group=False
    )
    response = member_client.post(reverse("notification_read_all"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")


# --- No GET writes, the wiring ----------------------------------------------------


def test_the_htmx_buttons_write_nothing_on_get(member_client, member, reply):
    other = UserFactory()
    community.notify(
        recipient=member, kind="follow", url="/", actor=UserFactory(), group=False
    )
    for url in [
        reverse("forums:react", args=[reply.pk]) + "?kind=thanks&on=1",
        reverse("accounts:follow_toggle", args=[other.username]) + "?action=follow",
        reverse("accounts:bookmark_toggle") + f"?key=topic&object_id={reply.topic_id}",
        reverse("forums:topic_watch", args=[reply.topic_id]) + "?watch=1",
        reverse("notification_read_all"),
    ]:
        assert member_client.get(url, **HX).status_code == 405, url
    assert not Reaction.objects.exists()
    assert not Follow.objects.filter(follower=member).exists()
    assert not Bookmark.objects.exists()
    assert not TopicWatch.objects.filter(user=member).exists()
    assert Notification.objects.filter(read_at__isnull=True).exists()


def test_members_pages_load_htmx_configured_for_the_csp(member_client, client):
    html = member_client.get("/forums/").content.decode()
    assert "vendor/htmx/htmx.min.js" in html
    assert "js/htmx-glue.js" in html
    config = json.loads(
        re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)[1]
    )
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    policy = member_client.get("/forums/")["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    # Visitors have none of these buttons: no script for them.
    client.logout()
    assert "htmx" not in client.get("/forums/").content.decode()


def test_htmx_is_vendored_as_an_exact_2x_release():
    folder = Path(settings.BASE_DIR, "static/vendor/htmx")
    version = (folder / "VERSION").read_text()
    assert re.search(r"htmx 2\.\d+\.\d+, dist/htmx\.min\.js", version)
    assert (folder / "LICENSE").exists()
    assert (folder / "htmx.min.js").read_text().startswith("var htmx=")
    pins = Path(settings.BASE_DIR, "requirements.txt").read_text()
    assert re.search(r"^django-htmx==\d+\.\d+\.\d+$", pins, re.M)
