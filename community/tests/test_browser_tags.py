"""Tags in a browser: a tag's page, and a tag input suggesting existing tags."""

import pytest
from taggit.models import Tag

from accounts.tests.factories import BlogPostFactory, UserFactory
from conftest import assert_accessible, browser_log_in
from forums.tests.factories import TopicFactory
from materials.tests.factories import MaterialFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]


def test_a_tag_page_and_a_tag_input_that_suggests(page, live_server):
    tag = Tag.objects.create(name="Дроби", slug="drobi")
    TopicFactory(title="Дроби в 5 классе").tags.add(tag)
    MaterialFactory(title="Дроби: рабочий лист").tags.add(tag)
    BlogPostFactory(title="Как я объясняю дроби").tags.add(tag)
    member = UserFactory()
    browser_log_in(page, live_server, member)

    page.goto(f"/tags/{tag.slug}/")
    assert page.get_by_role("heading", name="#Дроби", level=1).is_visible()
    assert page.get_by_role("link", name="Дроби в 5 классе").is_visible()
    assert_accessible(page)
    # The tabs by keyboard: focus the materials' one, press Enter.
    page.get_by_role("link", name="Материалы 1").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Дроби: рабочий лист").is_visible()
    assert_accessible(page)

    page.goto("/blog/new/")
    tags = page.get_by_label("Теги")
    tags.press_sequentially("геометрия, дро")
    option = page.locator(
        'datalist#id_tags-suggestions option[value="геометрия, Дроби"]'
    )
    option.wait_for(state="attached")
    assert tags.get_attribute("list") == "id_tags-suggestions"
    assert_accessible(page)
