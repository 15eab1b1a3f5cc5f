"""The design system: the palette's contrast and the staff-only components page."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.design import (
    AA_NORMAL_TEXT,
    TEXT_PAIRS,
    contrast_ratio,
    palette_pairs,
    palette_tokens,
)


def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    # Bootstrap's grey on white: the classic 4.69:1.
    assert contrast_ratio("#6c757d", "#ffffff") == pytest.approx(4.69, abs=0.01)


def test_palette_text_pairs_reach_aa_contrast():
    tokens = palette_tokens()
    for text, background, _where in TEXT_PAIRS:
        assert text in tokens, text
        assert background in tokens, background
    low = [
        (pair.text, pair.background, pair.ratio)
        for pair in palette_pairs()
        if pair.ratio < AA_NORMAL_TEXT
    ]
    assert not low, low


@pytest.mark.django_db
def test_components_page_is_for_staff_only(client, member_client):
    url = reverse("design")
    assert client.get(url).status_code == 404
    assert member_client.get(url).status_code == 404

    client.force_login(UserFactory(is_staff=True))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ("palette", "buttons", "cards", "rows", "empty", "forms", "icons"):
        assert f'id="{anchor}"' in html
    for component in ("btn-quiet", "ui-empty", "ui-row", "ui-card", "ui-badge"):
        assert component in html
    assert 'class="required-mark" aria-hidden="true">*</span>' in html
    assert "vendor/bootstrap-icons/bootstrap-icons.svg#bell" in html


@pytest.mark.django_db
def test_components_page_speaks_russian(client):
    client.force_login(UserFactory(is_staff=True))
    html = client.get(reverse("design")).content.decode()
    assert "Компоненты" in html
    assert "обязательное поле" in html


@pytest.mark.django_db
def test_components_page_queries_are_fixed(client, django_assert_max_num_queries):
    client.force_login(UserFactory(is_staff=True))
    client.get(reverse("design"))  # warm the per-process caches (navigation)
    # The session and the member; nothing else, whatever the components show.
    with django_assert_max_num_queries(3):
        assert client.get(reverse("design")).status_code == 200


@pytest.mark.django_db
def test_components_page_refuses_writes(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.post(reverse("design")).status_code == 405
