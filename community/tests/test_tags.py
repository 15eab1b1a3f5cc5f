"""Tags across the network: a tag's page, suggestions, and merging tags."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from accounts.forms import ProfileForm
from accounts.forms_blog import PostForm
from accounts.models import BlogPost
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.models import AuditEntry, SearchEntry
from community.search import search_index
from community.tags import tag_merge, tag_suggestions
from courses.models import Course
from courses.tests.community_helpers import course_row
from forums.forms import TopicForm
from forums.models import TagWatch
from forums.tests.factories import SectionFactory, TopicFactory
from masterclasses.forms import MasterClassForm
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory
from materials.forms import MaterialCreateForm, MaterialForm
from materials.models import Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

SUGGEST = "/tags/suggest/"
# The tag, a COUNT per kind, the page and what its rows read, and what every
# page asks for a signed-in member (session, user, notifications, standing).
QUERY_BUDGET = 16


@pytest.fixture
def tag():
    return Tag.objects.create(name="Дроби", slug="drobi")


def _page(client, tag, **params):
    response = client.get(reverse("tag", args=[tag.slug]), params)
    assert response.status_code == 200
    return response


def _counts(response) -> dict[str, int]:
    return {kind.source.key: kind.count for kind in response.context["kinds"]}


def _shown(response) -> list[str]:
    return [str(item) for item in response.context["page_obj"]]


# --- The tag's page ----------------------------------------------------------------


@pytest.fixture
def everything(tag):
    """Of each kind one item everyone may see and those nobody else may."""
    shown, unseen = [], []
    for topic, visible in [
        (TopicFactory(title="Дроби в 5 классе"), True),
        (TopicFactory(title="Скрытая тема", is_hidden=True), False),
        (TopicFactory(title="Тема на модерации", is_pending=True), False),
    ]:
        topic.tags.add(tag)
        (shown if visible else unseen).append(topic.title)
    for material, visible in [
        (MaterialFactory(title="Дроби: рабочий лист"), True),
        (
            MaterialFactory(
                title="Черновик материала",
                status=Material.Status.DRAFT,
                published_at=None,
            ),
            False,
        ),
        (MaterialFactory(title="Скрытый материал", is_hidden=True), False),
    ]:
        material.tags.add(tag)
        (shown if visible else unseen).append(material.title)
    for masterclass, visible in [
        (MasterClassFactory(title="Дроби на пальцах"), True),
        (
            MasterClassFactory(
                title="Черновик мастер-класса", status=MasterClass.Status.DRAFT
            ),
            False,
        ),
        (
            MasterClassFactory(
                title="Предложенный мастер-класс", status=MasterClass.Status.PROPOSED
            ),
            False,
        ),
        (MasterClassFactory(title="Скрытый мастер-класс", is_hidden=True), False),
    ]:
        masterclass.tags.add(tag)
        (shown if visible else unseen).append(masterclass.title)
    for course, visible in [
        (course_row(title="Дроби без страха"), True),
        (course_row(title="Черновик курса", status=Course.Status.DRAFT), False),
        (course_row(title="Скрытый курс", is_hidden=True), False),
    ]:
        course.tags.add(tag)
        (shown if visible else unseen).append(course.title)
    gone = UserFactory()
    gone.profile.deleted_at = timezone.now()
    gone.profile.save()
    for post, visible in [
        (BlogPostFactory(title="Как я объясняю дроби"), True),
        (
            BlogPostFactory(
                title="Черновик поста", status=BlogPost.Status.DRAFT, published_at=None
            ),
            False,
        ),
        (BlogPostFactory(title="Скрытый пост", is_hidden=True), False),
        (BlogPostFactory(title="Пост удалившего аккаунт", author=gone), False),
    ]:
        post.tags.add(tag)
        (shown if visible else unseen).append(post.title)
    people = {
        "listed": UserFactory(profile__display_name="Анна Видимая"),
        "hidden": UserFactory(profile__display_name="Борис Скрытый"),
        "unlisted": UserFactory(profile__display_name="Вера Незаметная"),
        "deleted": UserFactory(profile__display_name="Глеб Ушедший"),
        "inactive": UserFactory(profile__display_name="Дина Неактивная"),
    }
    people["hidden"].profile.is_hidden = True
    people["hidden"].profile.save()
    people["unlisted"].profile.listed_in_directory = False
    people["unlisted"].profile.save()
    people["deleted"].profile.deleted_at = timezone.now()
    people["deleted"].profile.save()
    people["inactive"].is_active = False
    people["inactive"].save()
    for user in people.values():
        user.profile.interests.add(tag)
    shown.append("Анна Видимая")
    unseen += ["Борис Скрытый", "Вера Незаметная", "Глеб Ушедший", "Дина Неактивная"]
    return {"shown": shown, "unseen": unseen, "people": people}


def test_the_page_shows_each_kind_a_visitor_may_see(client, tag, everything):
    response = _page(client, tag)

    assert _counts(response) == {
        "topics": 1,
        "materials": 1,
        "masterclasses": 1,
        "courses": 1,
        "blog_posts": 1,
        "members": 1,
    }
    shown = []
    for key in _counts(response):
        page = _page(client, tag, kind=key)
        shown += _shown(page)
        for title in everything["unseen"]:
            assert title not in page.content.decode()
    assert sorted(shown) == sorted(everything["shown"])
    assert '<h1 class="h3 mb-3">#Дроби</h1>' in response.content.decode()


def test_tabs_link_each_kind_with_its_count(client, tag, everything):
    content = _page(client, tag, kind="materials").content.decode()

    assert 'aria-current="page" href="?kind=materials"' in content
    assert 'href="?kind=topics"' in content
    assert "Дроби: рабочий лист" in content
    assert "Дроби в 5 классе" not in content


def test_members_see_themselves_and_moderators_see_hidden_profiles(
    client, tag, everything, moderator
):
    unlisted = everything["people"]["unlisted"]
    client.force_login(unlisted)
    assert sorted(_shown(_page(client, tag, kind="members"))) == [
        "Анна Видимая",
        "Вера Незаметная",
    ]
    client.force_login(moderator)
    assert sorted(_shown(_page(client, tag, kind="members"))) == [
        "Анна Видимая",
        "Борис Скрытый",
    ]


def test_the_first_kind_with_anything_opens_first(client, tag):
    MaterialFactory(title="Единственный материал").tags.add(tag)

    response = _page(client, tag)

    assert response.context["chosen"].source.key == "materials"
    assert _shown(response) == ["Единственный материал"]
    assert _counts(response)["topics"] == 0


def test_an_empty_tag_and_an_unknown_kind_still_answer(client, tag):
    response = _page(client, tag, kind="nonsense", page="x")

    assert response.context["chosen"].source.key == "topics"
    with translation.override("ru"):
        assert _("Nothing here carries this tag yet.") in response.content.decode()


def test_an_unknown_tag_is_not_found(client):
    assert client.get(reverse("tag", args=["net-takogo"])).status_code == 404


def test_the_list_is_paginated_by_twenty(client, tag):
    section = SectionFactory()
    author = UserFactory()
    for number in range(25):
        TopicFactory(section=section, author=author, title=f"T{number:02}").tags.add(
            tag
        )

    first = _page(client, tag, kind="topics")
    second = _page(client, tag, kind="topics", page=2)

    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 5
    assert first.context["page_obj"].paginator.num_pages == 2
    assert 'href="?kind=topics&amp;page=2"' in first.content.decode()


def test_unicode_slugs_work(client):
    tag = Tag.objects.create(name="Проектная работа")
    TopicFactory(title="Проекты в 7 классе").tags.add(tag)

    response = client.get(reverse("tag", args=[tag.slug]))

    assert response.status_code == 200
    assert "Проекты в 7 классе" in response.content.decode()


def test_the_page_keeps_a_fixed_number_of_queries(
    client, member, tag, django_assert_max_num_queries
):
    section, author = SectionFactory(), UserFactory()
    for number in range(55):
        TopicFactory(section=section, author=author).tags.add(tag)
        MaterialFactory(author=author).tags.add(tag)
        MasterClassFactory(host=author).tags.add(tag)
        course_row(author=author).tags.add(tag)
        BlogPostFactory(author=author, slug=f"post-{number}").tags.add(tag)
        UserFactory().profile.interests.add(tag)
    client.force_login(member)

    kinds = ["topics", "materials", "masterclasses", "courses", "blog_posts", "members"]
    for kind in kinds:
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = _page(client, tag, kind=kind)
        assert len(response.context["page_obj"]) == 20
        assert set(_counts(response).values()) == {55}


# --- Links to the page ---------------------------------------------------------


def test_the_forums_tag_page_links_to_everything_with_the_tag(client, tag):
    response = client.get(reverse("forums:tag", args=[tag.slug]))

    assert f'href="{reverse("tag", args=[tag.slug])}"' in response.content.decode()


def test_material_master_class_and_blog_tags_lead_to_the_tag_page(client, tag):
    material = MaterialFactory()
    masterclass = MasterClassFactory()
    post = BlogPostFactory()
    for item in (material, masterclass, post):
        item.tags.add(tag)
    link = f'href="{reverse("tag", args=[tag.slug])}"'

    for url in [
        material.get_absolute_url(),
        masterclass.get_absolute_url(),
        post.get_absolute_url(),
        reverse("accounts:blog", args=[post.author.username]),
    ]:
        assert link in client.get(url).content.decode(), url


def test_the_catalogue_still_filters_by_tag(client, tag):
    MaterialFactory(title="С тегом").tags.add(tag)
    MaterialFactory(title="Без тега")

    content = client.get(reverse("materials:catalogue"), {"tag": tag.slug}).content

    assert "С тегом" in content.decode()
    assert "Без тега" not in content.decode()


# --- Suggestions -----------------------------------------------------------------


def _suggest(client, q) -> list[str]:
    response = client.get(SUGGEST, {"q": q})
    assert response.status_code == 200
    return response.json()["tags"]


def _used(name: str, times: int) -> Tag:
    tag = Tag.objects.create(name=name)
    for _number in range(times):
        BlogPostFactory().tags.add(tag)
    return tag


def test_suggestions_start_with_the_last_part_typed(client):
    _used("Дроби", 1)
    _used("Дробные числа", 1)
    _used("Геометрия", 1)

    assert sorted(_suggest(client, "Дро")) == ["Дроби", "Дробные числа"]
    assert _suggest(client, "алгебра, Гео") == ["Геометрия"]
    assert _suggest(client, 'алгебра, "гео') == ["Геометрия"]
    assert _suggest(client, "Геометрия,") == []
    assert _suggest(client, "ометр") == []


def test_suggestions_ignore_the_case_of_cyrillic(client):
    Tag.objects.create(name="Дроби")
    Tag.objects.create(name="дробные числа")
    Tag.objects.create(name="ГИА")

    assert sorted(_suggest(client, "дроби")) == ["Дроби"]
    assert sorted(_suggest(client, "ДРОБ")) == ["Дроби", "дробные числа"]
    assert _suggest(client, "Дробн") == ["дробные числа"]
    assert _suggest(client, "гиа") == ["ГИА"]


def test_suggestions_put_the_most_used_first_and_stop_at_ten(client):
    _used("Дроби", 3)
    _used("Дробление", 1)
    _used("Дробные числа", 2)
    for number in range(12):
        Tag.objects.create(name=f"Дробь {number:02}")

    found = _suggest(client, "дро")

    assert found[:3] == ["Дроби", "Дробные числа", "Дробление"]
    assert len(found) == 10


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        ",",
        ' , "" ',
        "д" * 150,
        "дроби, " * 40,
        "%",
        "_",
    ],
)
def test_odd_input_gets_no_suggestions(client, q):
    # A NUL character never gets here: a 400 for the whole site
    # (community.middleware.NulCharacterMiddleware, test_hostile_input.py).
    Tag.objects.create(name="Дроби")
    Tag.objects.create(name="дроби_5")

    assert _suggest(client, q) == []


def test_suggestions_without_q_and_their_cache_headers(client):
    response = client.get(SUGGEST)

    assert response.status_code == 200
    assert response.json() == {"tags": []}
    assert "max-age=60" in response["Cache-Control"]
    assert client.post(SUGGEST, {"q": "дро"}).status_code == 405


def test_the_suggestion_query_is_one_query(django_assert_num_queries):
    Tag.objects.create(name="Дроби")

    with django_assert_num_queries(1):
        assert tag_suggestions(query="дро") == ["Дроби"]


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (TopicForm, "tags"),
        (MaterialForm, "tags"),
        (MaterialCreateForm, "tags"),
        (MasterClassForm, "tags"),
        (PostForm, "tags"),
        (ProfileForm, "interests"),
    ],
)
def test_every_tag_input_asks_for_suggestions(form_class, field):
    form = form_class()

    html = str(form[field])
    assert f'data-tag-suggest="{SUGGEST}"' in html
    assert 'autocomplete="off"' in html
    assert "js/tags.js" in str(form.media)


def test_a_form_page_includes_the_script(member_client):
    content = member_client.get(reverse("accounts:post_create")).content.decode()

    assert 'data-tag-suggest="/tags/suggest/"' in content
    assert 'src="/static/js/tags.js"' in content


# --- Merging -----------------------------------------------------------------------


@pytest.fixture
def two_tags():
    return Tag.objects.create(name="дроби"), Tag.objects.create(name="Дроби")


def test_a_merge_moves_everything_once_and_deletes_the_sources(moderator, two_tags):
    source, target = two_tags
    extra = Tag.objects.create(name="дробь")
    only_source = TopicFactory()
    only_source.tags.add(source)
    both = MaterialFactory()
    both.tags.add(source, target)
    three = BlogPostFactory()
    three.tags.add(source, extra)
    profile = UserFactory().profile
    profile.interests.add(extra, target)
    untouched = MasterClassFactory()
    untouched.tags.add(target)

    tag_merge(sources=[source, extra, target], target=target, moderator=moderator)

    assert not Tag.objects.filter(pk__in=[source.pk, extra.pk]).exists()
    for item in (only_source, both, three, untouched):
        assert list(item.tags.values_list("name", flat=True)) == ["Дроби"]
    assert list(profile.interests.values_list("name", flat=True)) == ["Дроби"]
    assert TaggedItem.objects.filter(tag=target).count() == 5
    entry = AuditEntry.objects.get(action="tag_merge")
    assert entry.actor == moderator
    assert entry.target_id == target.pk
    assert entry.reason == "дроби, дробь"


def test_a_merge_moves_forum_tag_watches_without_doubles(moderator, two_tags):
    source, target = two_tags
    both, only_source, only_target = UserFactory(), UserFactory(), UserFactory()
    for user, tags in [
        (both, [source, target]),
        (only_source, [source]),
        (only_target, [target]),
    ]:
        for tag in tags:
            TagWatch.objects.create(user=user, tag=tag)

    tag_merge(sources=[source], target=target, moderator=moderator)

    assert sorted(TagWatch.objects.values_list("user_id", "tag_id")) == sorted(
        [(both.pk, target.pk), (only_source.pk, target.pk), (only_target.pk, target.pk)]
    )


def test_a_merge_refreshes_the_search_index(moderator, two_tags):
    source, target = two_tags
    topic = TopicFactory(title="Сложение дробей")
    topic.tags.add(source)
    search_index(topic)
    post = BlogPostFactory(title="Дроби и пицца")
    post.tags.add(source)
    search_index(post)

    tag_merge(sources=[source], target=target, moderator=moderator)

    for item in (topic, post):
        entry = SearchEntry.objects.get(target_id=item.pk, title=item.title)
        assert entry.tags == "Дроби"


def test_a_member_may_not_merge_tags(member, two_tags):
    source, target = two_tags
    TopicFactory().tags.add(source)

    with pytest.raises(PermissionDenied):
        tag_merge(sources=[source], target=target, moderator=member)
    with pytest.raises(PermissionDenied):
        tag_merge(sources=[source], target=target, moderator=AnonymousUser())

    assert Tag.objects.filter(pk=source.pk).exists()
    assert not AuditEntry.objects.filter(action="tag_merge").exists()


def test_a_tag_merged_into_itself_is_refused(moderator, two_tags):
    from django.core.exceptions import ValidationError

    _source, target = two_tags
    with pytest.raises(ValidationError):
        tag_merge(sources=[target], target=target, moderator=moderator)


# --- Merging in the admin site -------------------------------------------------------

CHANGELIST = "admin:taggit_tag_changelist"


def test_a_moderator_merges_through_the_intermediate_page(moderator_client, two_tags):
    source, target = two_tags
    TopicFactory().tags.add(target)
    TopicFactory().tags.add(target)
    MaterialFactory().tags.add(source)
    url = reverse(CHANGELIST)
    selected = {"action": "merge_tags", "_selected_action": [source.pk, target.pk]}
    listing = moderator_client.get(url).content.decode()
    assert '<option value="merge_tags">' in listing

    page = moderator_client.post(url, {**selected, "index": 0})

    assert page.status_code == 200
    assert page.templates[0].name == "admin/taggit/tag/merge_confirmation.html"
    content = page.content.decode()
    with translation.override("ru"):
        for name, count in [("дроби", 1), ("Дроби", 2)]:
            assert _("%(name)s (used %(count)s)") % {"name": name, "count": count} in (
                content
            )
    # The most used one is chosen already.
    assert page.context["form"]["target"].value() == target.pk
    assert Tag.objects.count() == 2

    done = moderator_client.post(url, {**selected, "post": "yes", "target": target.pk})

    assert done.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Дроби"]
    assert TaggedItem.objects.filter(tag=target).count() == 3
    assert AuditEntry.objects.filter(action="tag_merge").count() == 1


def test_the_intermediate_page_insists_on_a_choice(moderator_client, two_tags):
    url = reverse(CHANGELIST)
    selected = {
        "action": "merge_tags",
        "_selected_action": [tag.pk for tag in two_tags],
        "post": "yes",
    }

    page = moderator_client.post(url, {**selected, "target": 999_999})

    assert page.status_code == 200
    assert page.context["form"].errors
    assert Tag.objects.count() == 2


def test_one_tag_is_not_enough_to_merge(moderator_client, two_tags):
    response = moderator_client.post(
        reverse(CHANGELIST),
        {"action": "merge_tags", "_selected_action": [two_tags[0].pk], "index": 0},
        follow=True,
    )

    with translation.override("ru"):
        assert _("Select at least two tags to merge.") in response.content.decode()
    assert Tag.objects.count() == 2


def test_the_admin_merge_is_closed_to_others(client, member, two_tags):
    url = reverse(CHANGELIST)
    selected = {
        "action": "merge_tags",
        "_selected_action": [tag.pk for tag in two_tags],
        "post": "yes",
        "target": two_tags[1].pk,
    }
    client.force_login(member)
    response = client.post(url, selected)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]

    # Staff who may see tags but not change them get no such action.
    member.is_staff = True
    member.save()
    member.user_permissions.add(Permission.objects.get(codename="view_tag"))
    response = client.post(url, selected, follow=True)
    assert response.status_code == 200
    assert Tag.objects.count() == 2
    assert "merge_tags" not in client.get(url).content.decode()

    member.user_permissions.clear()
    assert client.post(url, selected).status_code == 403
    assert Tag.objects.count() == 2


def test_renaming_a_tag_in_admin_refreshes_the_search_index(moderator_client, tag):
    topic = TopicFactory(title="Сложение дробей")
    topic.tags.add(tag)
    search_index(topic)

    response = moderator_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {"name": "Обыкновенные дроби", "slug": tag.slug},
    )

    assert response.status_code == 302
    entry = SearchEntry.objects.get(target_id=topic.pk, title=topic.title)
    assert entry.tags == "Обыкновенные дроби"
    assert AuditEntry.objects.get(action="tag_rename").target_id == tag.pk
