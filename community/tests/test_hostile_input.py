"""Bad input is never a 500: NUL characters, huge numbers, foreign "next"
addresses, unknown choices (issue 18, items 1–4).

NUL characters break only PostgreSQL; CI runs this file on both databases.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Bookmark
from accounts.tests.factories import BlogPostFactory, UserFactory
from community import reporting
from community.models import Sanction, Subject
from community.numbers import MAX_ID, parse_id
from community.redirects import safe_next, safe_referer
from community.sanctions import sanction_give
from forums.models import Post
from forums.tests.factories import PostFactory, TopicFactory
from materials import services as materials
from materials.models import CollectionItem
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


# --- 1. NUL characters --------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/u/%00/",
        "/u/a%00b/blog/",
        "/tags/%00/",
        "/tags/%00/feed/rss/",
        "/forums/tag/%00/",
        "/certificates/%00/",
        "/masterclasses/feed/%00.ics",
        "/unsubscribe/%00/",
        "/admin/%00/",
        "/messages/%00/",
        "/lines/%00/",
    ],
)
def test_nul_in_the_path_is_a_404_before_any_query(
    client, django_assert_num_queries, url
):
    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/members-of-the-month/?subject=a%00b",
        "/members-of-the-month/?region=%00",
        "/search/?q=a%00b",
        "/materials/?q=%00",
        "/members/?q=x&sub%00ject=1",
        "/tags/suggest/?q=%00",
        "/masterclasses/?subject=%00",
        "/messages/?q=%00",
    ],
)
def test_nul_in_the_query_string_is_the_sites_400_page(
    client, django_assert_num_queries, url
):
    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == 400
    assert "Некорректный запрос" in response.content.decode()


def test_the_400_page_is_in_the_visitors_language(client):
    client.cookies["django_language"] = "en"

    response = client.get("/members-of-the-month/?subject=a%00b")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_nul_in_an_admin_list_filter_is_a_400(moderator_client):
    url = reverse("admin:community_report_changelist")

    response = moderator_client.get(url + "?status__exact=a%00b")

    assert response.status_code == 400
    assert moderator_client.get(url + "?status__exact=open").status_code == 200


@pytest.mark.parametrize("encoded", [False, True])
def test_nul_in_a_post_body_is_a_400_and_writes_nothing(member_client, member, encoded):
    topic = TopicFactory()
    url = reverse("forums:reply", args=[topic.pk])
    before = Post.objects.count()

    if encoded:
        response = member_client.post(
            url,
            "body=%D0%9F%D1%80%D0%B8%00%D0%B2%D0%B5%D1%82",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = member_client.post(url, {"body": "При\x00вет"})

    assert response.status_code == 400
    assert Post.objects.count() == before


def test_nul_in_a_post_field_name_is_a_400(member_client):
    response = member_client.post(
        reverse("language_set"), {"language": "en", "ne\x00xt": "/"}
    )

    assert response.status_code == 400


def test_nul_in_an_uploaded_files_name_is_a_400(member_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a\x00b.png", b"not a picture", "image/png")

    response = member_client.post(reverse("markdown_upload"), {"image": upload})

    assert response.status_code == 400


def test_nul_in_a_header_is_a_400(member_client):
    # The browser's name is kept with every accepted write (RequestTrace).
    response = member_client.post(
        reverse("language_set"),
        {"language": "en", "next": "/"},
        HTTP_USER_AGENT="Mozilla\x00",
    )

    assert response.status_code == 400


# --- 2. huge and impossible numbers -------------------------------------------


@pytest.mark.parametrize(
    "month",
    [
        f"{HUGE}-01",
        f"2026-{HUGE}",
        "0001-01",
        "0-01",
        "-5-01",
        "2026-13",
        "2999-01",
        "x",
    ],
)
def test_members_of_the_month_answers_a_month_that_cannot_be_with_a_400(client, month):
    response = client.get(reverse("members_of_the_month"), {"month": month})

    assert response.status_code == 400
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert "Такого месяца нет" in response.content.decode()


def test_members_of_the_month_without_a_month_is_this_month(client):
    response = client.get(reverse("members_of_the_month"))

    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_members_of_the_month_still_shows_a_past_month(client):
    response = client.get(reverse("members_of_the_month"), {"month": "2024-03"})

    assert response.context["month"] == datetime.date(2024, 3, 1)


def _date_hierarchy_admins():
    return [
        (model, model_admin.date_hierarchy)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    ]


@pytest.mark.parametrize(
    "query",
    [
        "{field}__year=" + HUGE,
        "{field}__year=9999",
        "{field}__year=9999&{field}__month=12",
        "{field}__year=2020&{field}__month=" + HUGE,
        "{field}__year=2020&{field}__month=2&{field}__day=" + HUGE,
    ],
)
def test_every_admin_date_hierarchy_answers_an_impossible_date_with_a_400(
    superuser_client, query
):
    admins = _date_hierarchy_admins()
    assert admins  # ours and django-celery-beat's
    for model, field in admins:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

        response = superuser_client.get(url + "?" + query.format(field=field))

        assert response.status_code == 400, (url, query)


def test_an_admin_date_hierarchy_year_1_is_never_an_error(superuser_client):
    # 0001-01-01 00:00 in Moscow is in the year 0 in UTC: SQLite's adapter
    # cannot convert it (a 400), PostgreSQL's sends it as it is (a 200).
    url = reverse("admin:accounts_blogpost_changelist")

    assert superuser_client.get(url + "?published_at__year=1").status_code in (
        200,
        400,
    )


def test_an_admin_date_hierarchy_still_filters_by_a_real_year(superuser_client):
    url = reverse("admin:accounts_blogpost_changelist")

    assert superuser_client.get(url + "?published_at__year=2024").status_code == 200


@pytest.mark.parametrize("query", [f"id__in=1,{HUGE}", f"created_at__year__gte={HUGE}"])
def test_an_admin_list_filter_too_large_for_the_database_is_never_an_error(
    superuser_client, query
):
    # SQLite cannot take the number (a 400); PostgreSQL compares it (a 200).
    url = reverse("admin:community_report_changelist")

    response = superuser_client.get(url + "?" + query)

    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "query", ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=1-1-1"]
)
def test_the_master_class_list_refuses_dates_it_cannot_read_around(client, query):
    response = client.get(reverse("masterclasses:list") + "?" + query)

    assert response.status_code == 400


@pytest.mark.parametrize("quote", ["²", "١", "9" * 5000, HUGE, "-1", "0"])
def test_a_topic_page_ignores_a_quote_that_is_no_post_number(client, quote):
    topic = TopicFactory()

    response = client.get(topic.get_absolute_url(), {"quote": quote})

    assert response.status_code == 200


@pytest.mark.parametrize("featured", ["²", "9" * 5000, HUGE])
def test_choosing_badges_ignores_values_that_are_no_ids(member_client, featured):
    response = member_client.post(reverse("badges_mine"), {"featured": featured})

    assert response.status_code < 500


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("١٢", None),
        (" 1", None),
        ("1_000", None),
        ("9" * 5000, None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id_reads_only_ascii_ids_a_key_can_hold(value, expected):
    assert parse_id(value) == expected


# --- 3. "next" and the Referer ------------------------------------------------


def _request(**headers):
    return RequestFactory().post("/", **headers)


@pytest.mark.parametrize(
    "candidate",
    [
        "abc",
        "standing",
        "",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/a\r\nSet-Cookie: x=1",
        "https://evil.example/",
        "http://testserver/forums/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_safe_next_gives_the_fallback_for_anything_but_a_local_path(candidate):
    assert safe_next(_request(), candidate, "/forums/") == "/forums/"


@pytest.mark.parametrize("candidate", ["/", "/forums/?page=2", "/u/анна/#c3"])
def test_safe_next_keeps_a_local_path(candidate):
    assert safe_next(_request(), candidate, "/forums/") == candidate


@pytest.mark.parametrize(
    ("fallback", "expected"),
    [
        ("standing", "/my-standing/"),
        ("accounts:bookmarks", "/bookmarks/"),
        ("/forums/", "/forums/"),
        ("no-such-page", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
    ],
)
def test_safe_next_resolves_the_fallback_to_a_local_path(fallback, expected):
    assert safe_next(_request(), "abc", fallback) == expected


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://testserver/forums/?page=2", "/forums/?page=2"),
        ("/forums/", "/forums/"),
        ("http://evil.example/forums/", "/my-standing/"),
        ("http://testserver//evil.example/", "/my-standing/"),
        ("abc", "/my-standing/"),
        ("", "/my-standing/"),
    ],
)
def test_safe_referer_keeps_only_a_page_of_this_site(referer, expected):
    request = _request(HTTP_REFERER=referer)

    assert safe_referer(request, "standing") == expected


def test_bookmark_toggle_with_a_next_that_is_no_path_goes_to_the_bookmarks(
    member_client, member
):
    post = BlogPostFactory()

    response = member_client.post(
        reverse("accounts:bookmark_toggle"),
        {"key": "blogpost", "object_id": post.pk, "next": "abc"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:bookmarks")
    assert Bookmark.objects.filter(user=member).count() == 1


@pytest.mark.parametrize("next_url", ["abc", "home", "/\t/evil.example/"])
def test_language_switch_with_a_next_that_is_no_path_goes_home(client, next_url):
    response = client.get(reverse("language_set"), {"language": "en", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_following_with_a_next_that_is_no_path_goes_to_the_member(member_client):
    other = UserFactory()

    response = member_client.post(
        reverse("accounts:follow_toggle", args=[other.username]), {"next": "abc"}
    )

    assert response.status_code == 302
    assert response["Location"] == other.get_absolute_url()


def test_report_resolve_with_a_next_that_is_no_path_goes_to_the_content(
    moderator_client, member
):
    post = PostFactory()
    report = reporting.report_create(
        reporter=member, key="forum_post", object_id=post.pk, reason="spam"
    )

    response = moderator_client.post(
        reverse("report_resolve", args=[report.pk]),
        {"decision": "dismiss", "next": "abc"},
    )

    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://evil.example/", "/my-standing/"),
        ("abc", "/my-standing/"),
        ("http://testserver/forums/", "/forums/"),
    ],
)
def test_acknowledging_a_warning_goes_back_only_to_a_page_of_this_site(
    client, member, moderator, referer, expected
):
    warning = sanction_give(
        member=member,
        moderator=moderator,
        kind=Sanction.Kind.WARNING,
        reason="Без насмешек, пожалуйста.",
    )
    client.force_login(member)

    response = client.post(
        reverse("warning_acknowledge", args=[warning.pk]), HTTP_REFERER=referer
    )

    assert response.status_code == 302
    assert response["Location"] == expected


# --- 4. a collection that is not one of the member's --------------------------


@pytest.mark.parametrize("value", ["__nope__", "", HUGE, "-1", "1.5", None])
def test_collecting_into_no_collection_is_a_400_saying_why(
    member_client, member, value
):
    material = MaterialFactory()
    materials.collection_create(owner=member, title="Мои")
    data = {} if value is None else {"collection": value}

    response = member_client.post(
        reverse("materials:collect", args=[material.pk]), data
    )

    assert response.status_code == 400
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert shown == ["Выберите одну из своих подборок."] or shown == [
        "Choose one of your collections."
    ]
    assert not CollectionItem.objects.exists()


def test_collecting_into_another_members_collection_is_the_same_400(
    member_client,
):
    material = MaterialFactory()
    theirs = materials.collection_create(owner=UserFactory(), title="Чужая")

    response = member_client.post(
        reverse("materials:collect", args=[material.pk]), {"collection": theirs.pk}
    )

    assert response.status_code == 400
    assert not CollectionItem.objects.exists()


def test_collecting_into_ones_own_collection_still_works(member_client, member):
    material = MaterialFactory()
    mine = materials.collection_create(owner=member, title="Мои")

    response = member_client.post(
        reverse("materials:collect", args=[material.pk]), {"collection": mine.pk}
    )

    assert response.status_code == 302
    assert CollectionItem.objects.filter(collection=mine, material=material).exists()


def test_the_checks_answer_anonymous_visitors_too():
    response = Client().get("/members-of-the-month/?subject=%00")

    assert response.status_code == 400


# --- numbers too large for a column, in a list --------------------------------


@pytest.mark.parametrize("field", ["subjects", "grades"])
def test_a_model_choice_too_large_for_the_database_is_a_form_error(
    member_client, field
):
    response = member_client.post(
        reverse("accounts:settings_profile"), {field: [HUGE, "1"]}
    )

    assert response.status_code == 400


def test_an_integer_in_lookup_ignores_values_outside_the_columns_range():
    subject = Subject.objects.order_by("pk").first()

    found = Subject.objects.filter(pk__in=[subject.pk, 2**63, -(2**63) - 1])

    assert list(found) == [subject]
    assert not Subject.objects.filter(pk__in=[2**70]).exists()
