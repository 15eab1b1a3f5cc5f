"""Hostile values into every query parameter and form of the main pages: never a 5xx
(issue 18, item 5).

Values go out as raw bytes, percent-encoded by hand, so that what a browser
cannot send still arrives: lone surrogates and invalid UTF-8 among them. Fields
are left out, repeated, or joined by unknown ones. The form fields are read from
each page's own form, so a field added later is attacked too.
"""

import re
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.models import Follow
from accounts.tests.factories import BlogPostFactory, UserFactory
from community import recognition
from community.models import Badge
from conversations import services as conversations
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from growth import services as growth
from growth.models import Target
from masterclasses.tests.factories import MasterClassFactory
from materials import services as materials
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    b"",
    b" ",
    b"\x00",
    b"a\x00b",
    "\ud800".encode("utf-8", "surrogatepass"),  # a lone surrogate
    "x\udfff".encode("utf-8", "surrogatepass"),
    b"\xff\xfe\xc3",  # invalid UTF-8
    b"\xc0\xaf",  # an overlong "/"
    "\u202eevil\u200f".encode(),  # right-to-left marks
    "\ufeff".encode(),
    b"99999999999999999999",
    b"-99999999999999999999",
    b"9" * 5000,
    b"-1",
    b"0",
    b"1e309",
    b"NaN",
    b"1.5",
    "²".encode(),
    "١٢".encode(),
    b"2023-02-30",
    b"0000-00-00",
    b"0001-01-01",
    b"9999-12-31",
    b"99999-01-01",
    b"2026-13",
    b"99999999999999999999-01",
    b"9999-12-31T23:59",
    b"0001-01-01T00:00",
    b"__nope__",
    b"<script>alert(1)</script>",
    b"../../etc/passwd",
    b"//evil.example/",
    b"%00",
    b"a,b,,c,",
    b"on",
]

BIG = b"x" * 2**20  # 1 MB

# The list above comes up about half of the time, 1 MB now and then, the rest
# is Hypothesis's own.
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(HOSTILE),
    st.sampled_from(HOSTILE),
    st.integers(0, 30).map(lambda n: BIG if n == 0 else HOSTILE[n]),
    st.text(max_size=40).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
    st.integers().map(lambda number: str(number).encode()),
)


def _fields(names: list[str]):
    """Every one of ``names`` missing, once or twice, in any order, perhaps with
    an unknown field too."""
    known = [
        st.lists(values, max_size=2).map(
            lambda drawn, name=name: [(name.encode(), value) for value in drawn]
        )
        for name in names
    ]
    unknown = st.lists(
        st.tuples(st.sampled_from([b"__nope__", b"\xff", b"page"]), values), max_size=1
    )
    return st.tuples(*known, unknown).flatmap(
        lambda groups: st.permutations([pair for group in groups for pair in group])
    )


def _encoded(pairs: list[tuple[bytes, bytes]]) -> str:
    return "&".join(
        f"{quote_from_bytes(key)}={quote_from_bytes(value)}" for key, value in pairs
    )


EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    database=None,  # nothing written into the work tree
    # A failure is shown as found: shrinking it would take minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(member):
    """One of each thing the main pages show, and the member who looks."""
    section = SectionFactory()
    topic = TopicFactory(section=section)
    topic.tags.add("дроби")
    PostFactory(topic=topic)
    post = BlogPostFactory(author=member)
    material = MaterialFactory()
    materials.collection_create(owner=member, title="Мои уроки")
    MasterClassFactory()
    recognition.badges_sync()
    colleague = UserFactory()
    Follow.objects.create(follower=member, followee=colleague)
    conversation = conversations.conversation_start(
        sender=colleague, recipients=[member], subject="Дроби", body="Добрый день!"
    )
    plan = growth.plan_create(
        owner=member,
        target=Target.objects.get(version__is_current=True, code=Target.Code.HIGHEST),
    )
    return {
        "colleague": colleague,
        "conversation": conversation,
        "plan": plan,
        "section": section,
        "topic": topic,
        "blog_post": post,
        "material": material,
        "badge": Badge.objects.order_by("pk").first(),
        "member": member,
    }


GET_PAGES = {
    "search": (
        lambda w: reverse("search"),
        ["q", "kind", "subject", "grade", "hours_min", "hours_max", "sort", "page"],
    ),
    "materials": (
        lambda w: reverse("materials:catalogue"),
        ["q", "subject", "grade", "kind", "licence", "sort", "page"],
    ),
    "directory": (
        lambda w: reverse("accounts:directory"),
        ["q", "subject", "grade", "region", "category", "page"],
    ),
    "masterclasses": (
        lambda w: reverse("masterclasses:list"),
        ["subject", "format", "date_from", "date_to", "when", "page"],
    ),
    "calendar": (lambda w: reverse("masterclasses:month"), ["page"]),
    "courses": (
        lambda w: reverse("courses:catalogue"),
        ["q", "subject", "grade", "kind", "format", "hours_min", "hours_max", "page"],
    ),
    "members_of_the_month": (
        lambda w: reverse("members_of_the_month"),
        ["month", "subject", "region", "page"],
    ),
    "tag": (lambda w: reverse("tag", args=["дроби"]), ["kind", "page"]),
    "tag_suggest": (lambda w: reverse("tag_suggest"), ["q"]),
    "forums": (lambda w: reverse("forums:index"), ["page"]),
    "forum_new": (lambda w: reverse("forums:new"), ["page"]),
    "forum_unanswered": (lambda w: reverse("forums:unanswered"), ["page"]),
    "forum_tag": (lambda w: reverse("forums:tag", args=["дроби"]), ["page"]),
    "section": (
        lambda w: w["section"].get_absolute_url(),
        ["page", "sort", "kind", "tag"],
    ),
    "topic": (
        lambda w: w["topic"].get_absolute_url(),
        ["page", "quote", "unread"],
    ),
    "home": (lambda w: reverse("home"), ["page"]),
    "badge": (lambda w: w["badge"].get_absolute_url(), ["page"]),
    "blog": (
        lambda w: reverse("accounts:blog", args=[w["member"].username]),
        ["page", "tag"],
    ),
    "notifications": (lambda w: reverse("notifications"), ["page"]),
    "bookmarks": (lambda w: reverse("accounts:bookmarks"), ["page"]),
    "messages": (lambda w: reverse("conversations:inbox"), ["tab", "q", "page"]),
    "conversation": (lambda w: w["conversation"].get_absolute_url(), ["page"]),
    "compose": (lambda w: reverse("conversations:compose"), ["to"]),
    "lines": (lambda w: reverse("lines:list"), ["page"]),
    "my_path": (lambda w: reverse("growth:index"), ["list", "page"]),
    "plan": (lambda w: w["plan"].get_absolute_url(), ["page"]),
    "plan_evidence": (
        lambda w: reverse("growth:evidence", args=[w["plan"].pk]),
        ["list", "page"],
    ),
    "plan_item_add": (
        lambda w: reverse("growth:item_add", args=[w["plan"].pk]),
        ["competency"],
    ),
    "plan_history": (
        lambda w: reverse("growth:history", args=[w["plan"].pk]),
        ["page"],
    ),
}


@pytest.mark.parametrize("page", sorted(GET_PAGES))
def test_hostile_query_parameters_never_give_a_5xx(member_client, world, page):
    make_url, names = GET_PAGES[page]
    url = make_url(world)

    @EXAMPLES
    @given(pairs=_fields(names))
    def check(pairs):
        response = member_client.get(f"{url}?{_encoded(pairs)}")

        assert response.status_code < 500, (url, pairs)

    check()


FORMS = {
    "new_topic": lambda w: reverse("forums:topic_create", args=[w["section"].slug]),
    "reply": lambda w: reverse("forums:reply", args=[w["topic"].pk]),
    "blog_post": lambda w: reverse("accounts:post_create"),
    "comment": lambda w: reverse(
        "accounts:comment_create",
        args=[w["member"].username, w["blog_post"].slug],
    ),
    "material": lambda w: reverse("materials:create"),
    "rating": lambda w: reverse("materials:rate", args=[w["material"].pk]),
    "collect": lambda w: reverse("materials:collect", args=[w["material"].pk]),
    "masterclass": lambda w: reverse("masterclasses:create"),
    "report": lambda w: reverse(
        "report", args=["forum_post", w["topic"].posts.order_by("number").last().pk]
    ),
    "profile": lambda w: reverse("accounts:settings_profile"),
    "privacy": lambda w: reverse("accounts:settings_privacy"),
    "bookmark": lambda w: reverse("accounts:bookmark_toggle"),
    "language": lambda w: reverse("language_set"),
    "compose": lambda w: reverse("conversations:compose"),
    "message_reply": lambda w: reverse(
        "conversations:reply", args=[w["conversation"].pk]
    ),
    "message_settings": lambda w: reverse("conversations:settings"),
}

# Where each form is shown, when not at the address it posts to.
FORM_PAGES = {
    "reply": lambda w: w["topic"].get_absolute_url(),
    "comment": lambda w: w["blog_post"].get_absolute_url(),
    "rating": lambda w: w["material"].get_absolute_url(),
    "collect": lambda w: w["material"].get_absolute_url(),
    "bookmark": lambda w: w["material"].get_absolute_url(),
    "language": lambda w: reverse("home"),
    "message_reply": lambda w: w["conversation"].get_absolute_url(),
}

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)
NAME = re.compile(r'\bname="([^"]+)"')
ACTION = re.compile(r'\baction="([^"]*)"')


def _form_fields(html: str, action: str) -> list[str]:
    """The field names of the page's forms that post to ``action``."""
    names = set()
    for attributes, body in FORM.findall(html):
        found = ACTION.search(attributes)
        if (found.group(1) if found else "") in (action, ""):
            names.update(NAME.findall(body))
    names.discard("csrfmiddlewaretoken")
    return sorted(names)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_hostile_form_posts_never_give_a_5xx(member_client, world, form):
    action = FORMS[form](world)
    page = FORM_PAGES.get(form, FORMS[form])(world)
    names = _form_fields(member_client.get(page).content.decode(), action)
    assert names, f"no form posts to {action} on {page}"

    @EXAMPLES
    @given(pairs=_fields(names))
    def check(pairs):
        response = member_client.generic(
            "POST",
            action,
            _encoded(pairs).encode(),
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code < 500, (action, pairs)

    check()


@EXAMPLES
@given(raw=st.sampled_from(HOSTILE) | st.binary(max_size=60))
def test_a_raw_body_of_any_bytes_never_gives_a_5xx(member_client, world, raw):
    # Not even percent-encoded: the bytes as they came.
    response = member_client.generic(
        "POST",
        reverse("forums:reply", args=[world["topic"].pk]),
        b"body=" + raw,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code < 500


def test_sign_up_with_hostile_values_never_gives_a_5xx(db):
    client = Client()
    action = reverse("account_signup")
    names = _form_fields(client.get(action).content.decode(), action)
    assert "email" in names

    @EXAMPLES
    @given(pairs=_fields(names))
    def check(pairs):
        response = client.generic(
            "POST",
            action,
            _encoded(pairs).encode(),
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code < 500, pairs

    check()


def test_the_reply_forms_fields_are_found(member_client, world):
    # The attack above is only as good as the fields it knows.
    action = FORMS["reply"](world)
    page = member_client.get(world["topic"].get_absolute_url()).content.decode()

    assert "body" in _form_fields(page, action)
