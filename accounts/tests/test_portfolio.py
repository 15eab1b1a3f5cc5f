"""The portfolio: sections from each app, the page and the printable record."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import portfolio
from accounts.models import Profile
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.registry import Registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, restored afterwards."""
    monkeypatch.setattr(portfolio, "_sections", Registry())
    return portfolio


def test_portfolio_for_orders_sections_and_hides_empty_ones(registry, member):
    item = portfolio.PortfolioItem(title="Урок", url="/x/")
    registry.portfolio_section_register(
        key="late", title="Поздний", order=20, items=lambda user: [item]
    )
    registry.portfolio_section_register(
        key="empty", title="Пустой", order=5, items=lambda user: []
    )
    registry.portfolio_section_register(
        key="early", title="Ранний", order=10, items=lambda user: [item, item]
    )

    sections = registry.portfolio_for(member)

    assert [(section.key, len(items)) for section, items in sections] == [
        ("early", 2),
        ("late", 1),
    ]


def test_portfolio_register_same_key_replaces(registry, member):
    item = portfolio.PortfolioItem(title="Урок", url="/x/")
    registry.portfolio_section_register(
        key="a", title="A", order=1, items=lambda user: []
    )
    registry.portfolio_section_register(
        key="a", title="A", order=1, items=lambda user: [item]
    )

    assert len(registry.portfolio_for(member)) == 1


def test_blog_section_lists_published_posts_only(member):
    BlogPostFactory(author=member, title="Опубликовано")
    BlogPostFactory(author=member, title="Черновик", status="draft", published_at=None)

    sections = {
        section.key: items for section, items in portfolio.portfolio_for(member)
    }

    assert [item.title for item in sections["blog"]] == ["Опубликовано"]


def test_portfolio_page_public_with_print_link(member):
    BlogPostFactory(author=member, title="Моя запись")
    url = reverse("accounts:portfolio", args=[member.username])

    response = Client().get(url)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Моя запись" in content
    assert reverse("accounts:portfolio_print", args=[member.username]) in content


def test_portfolio_page_empty_explains_itself(member):
    response = Client().get(reverse("accounts:portfolio", args=[member.username]))

    assert response.context["sections"] == []
    assert "Портфолио заполняется само" in response.content.decode()


def test_portfolio_print_shows_the_record(client, member):
    member.profile.school = "Лицей № 7"
    member.profile.save(update_fields=["school"])
    BlogPostFactory(author=member, title="Моя запись")
    url = reverse("accounts:portfolio_print", args=[member.username])

    anonymous = Client().get(url).content.decode()
    client.force_login(member)
    own = client.get(url).content.decode()

    assert "Моя запись" in anonymous
    assert 'content="noindex, nofollow"' in anonymous
    assert "Лицей № 7" not in anonymous  # school is for members by default
    assert "Лицей № 7" in own


def test_portfolio_of_deleted_or_inactive_member_is_404(member):
    Profile.objects.filter(user=member).update(deleted_at=timezone.now())
    inactive = UserFactory(is_active=False)

    for user in (member, inactive):
        for name in ("portfolio", "portfolio_print"):
            url = reverse(f"accounts:{name}", args=[user.username])
            assert Client().get(url).status_code == 404


@pytest.mark.parametrize("name", ["portfolio", "portfolio_print"])
def test_portfolio_query_count_does_not_grow(
    member, name, django_assert_max_num_queries
):
    BlogPostFactory.create_batch(55, author=member)

    with django_assert_max_num_queries(10):
        response = Client().get(reverse(f"accounts:{name}", args=[member.username]))

    assert len(response.context["sections"][0][1]) == 55
