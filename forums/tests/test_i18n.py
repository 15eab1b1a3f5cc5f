"""Forum pages read in Russian, for a member and for a moderator."""

import pytest
from django.test import Client
from django.urls import reverse

from community.tests.test_i18n import english_words
from forums import services
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_forum_pages_read_in_russian(member, moderator):
    section = SectionFactory(is_informal=True)
    question = TopicFactory(section=section, kind="question", author=member)
    question.tags.set(["дроби"])
    answer = PostFactory(topic=question, number=2)
    PostFactory(topic=question, number=3, is_deleted=True)
    PostFactory(topic=question, number=4, is_hidden=True)
    services.answer_accept(topic=question, post=answer, actor=member)
    TopicFactory(section=section, kind="question", is_pinned=True, is_locked=True)
    pages = [
        reverse("forums:index"),
        section.get_absolute_url(),
        question.get_absolute_url(),
        reverse("forums:unanswered"),
        reverse("forums:topic_create", args=[section.slug]),
        reverse("forums:post_edit", args=[answer.pk]),
        reverse("forums:new"),
        reverse("forums:tag", args=["дроби"]),
        reverse("forums:topic_move", args=[question.pk]),
        reverse("forums:topic_merge", args=[question.pk]),
        reverse("forums:topic_split", args=[question.pk]),
    ]

    for user in (member, moderator):
        client = Client()
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            if response.status_code in (403, 404):
                continue  # someone else's answer; moderators' pages for a member
            assert response.status_code == 200, url
            assert english_words(response.content.decode()) == set(), url
