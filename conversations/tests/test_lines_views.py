"""Consultation lines' pages: the list, a line, asking, the queue, taking,
handing over, withdrawing, making and editing lines, the question's panel,
the blocks on forum sections and communities, and the page budgets."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from circles.models import Community
from conversations.models import Question
from conversations.services import lines
from conversations.tests.factories import EstablishedUserFactory
from conversations.tests.lines_factories import (
    a_subject,
    asked,
    community_line,
    community_with_moderator,
    site_moderator,
    subject_expert,
    subject_line,
)
from forums.models import Section

pytestmark = pytest.mark.django_db

MANY = 55
BUDGET = 10


@pytest.fixture
def subject():
    return a_subject()


@pytest.fixture
def line(subject):
    return subject_line(site_moderator(), subject, title="Физика: ОГЭ")


@pytest.fixture
def expert(subject):
    return subject_expert(subject)


@pytest.fixture
def private():
    """A private community's line, with (community, moderator, member)."""
    community, moderator, member = community_with_moderator(
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    return community_line(community, title="Тайная линия"), moderator, member


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _url(line) -> str:
    return reverse("lines:detail", args=[line.slug])


# --- The list and a line --------------------------------------------------------------


def test_the_list_shows_subject_and_community_lines_by_owner(client, line):
    community, _moderator, _member = community_with_moderator(name="Физики Казани")
    community_line(community, title="Линия физиков")

    response = client.get(reverse("lines:list"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Физика: ОГЭ" in text
    assert "Линия физиков" in text
    assert "Физики Казани" in text


def test_a_private_communitys_line_is_for_its_members_only(client, private):
    line, _moderator, member = private

    for user in (None, EstablishedUserFactory()):
        viewer = _client(client, user)
        assert "Тайная линия" not in viewer.get(reverse("lines:list")).content.decode()
        assert viewer.get(_url(line)).status_code == 404
        assert viewer.post(
            reverse("lines:ask", args=[line.slug]), {"subject": "Х", "body": "Х"}
        ).status_code in (302, 404)
    assert not Question.objects.exists()
    viewer = _client(client, member)
    assert "Тайная линия" in viewer.get(reverse("lines:list")).content.decode()
    assert viewer.get(_url(line)).status_code == 200


def test_an_inactive_line_is_a_404_for_members_and_shown_to_its_experts(
    client, line, expert
):
    lines.line_update(
        line=line, by=site_moderator(), title=line.title, description="Пауза",
        answer_within_days=3, is_active=False,
    )  # fmt: skip

    assert _client(client, EstablishedUserFactory()).get(_url(line)).status_code == 404
    assert _client(client, expert).get(_url(line)).status_code == 200


def test_a_line_shows_its_description_and_the_ask_form_to_members(client, line):
    visitor = client.get(_url(line)).content.decode()
    assert "<strong>вопросы</strong>" in visitor
    assert 'name="body"' not in visitor

    member = _client(client, EstablishedUserFactory()).get(_url(line))
    assert 'name="body"' in member.content.decode()


# --- Asking -----------------------------------------------------------------------


def test_asking_opens_the_question_conversation(client, line):
    asker = EstablishedUserFactory()

    response = _client(client, asker).post(
        reverse("lines:ask", args=[line.slug]),
        {"subject": "Как объяснить закон Ома?", "body": "Восьмой класс."},
    )

    question = Question.objects.get()
    assert response.status_code == 302
    assert response.url == question.conversation.get_absolute_url()
    assert question.asker == asker
    assert question.line == line


def test_asking_without_text_keeps_the_subject_and_says_why(client, line):
    response = _client(client, EstablishedUserFactory()).post(
        reverse("lines:ask", args=[line.slug]),
        {"subject": "Закон Ома", "body": "  "},
    )

    assert response.status_code == 400
    assert "Закон Ома" in response.content.decode()
    assert not Question.objects.exists()


def test_a_visitor_asking_is_sent_to_sign_in(client, line):
    response = client.post(
        reverse("lines:ask", args=[line.slug]), {"subject": "Х", "body": "Х"}
    )

    assert response.status_code == 302
    assert "login" in response.url
    assert not Question.objects.exists()


# --- The queue, taking ------------------------------------------------------------


def test_the_queue_is_shown_to_the_lines_experts_only(client, line, expert):
    asker = EstablishedUserFactory()
    asked(line, asker, subject="Про линзы", body="Собирающая линза и фокус")

    shown = _client(client, expert).get(_url(line)).content.decode()
    assert "Про линзы" in shown
    assert "Собирающая линза" in shown

    other = _client(client, EstablishedUserFactory()).get(_url(line))
    assert "Собирающая линза" not in other.content.decode()
    # The asker sees their own question, by its subject.
    own = _client(client, asker).get(_url(line)).content.decode()
    assert "Про линзы" in own
    assert "Собирающая линза" not in own


def test_taking_from_the_queue_opens_the_conversation(client, line, expert):
    question = asked(line)

    response = _client(client, expert).post(
        reverse("lines:question_take", args=[question.pk])
    )

    assert response.status_code == 302
    assert response.url == question.conversation.get_absolute_url()
    assert Question.objects.get(pk=question.pk).expert == expert


def test_the_second_taker_is_told_it_is_taken(client, subject, line, expert):
    question = asked(line)
    lines.question_take(question=question, expert=expert)

    response = _client(client, subject_expert(subject)).post(
        reverse("lines:question_take", args=[question.pk])
    )

    assert response.status_code == 409
    with translation.override("ru"):
        said = translation.gettext("Another expert has already taken this question.")
    assert said in response.content.decode()
    assert Question.objects.get(pk=question.pk).expert == expert


def test_a_question_is_a_404_to_those_outside_it(client, line):
    question = asked(line)

    for user in (EstablishedUserFactory(), subject_expert(a_subject(1))):
        viewer = _client(client, user)
        for name in ("question_take", "question_withdraw", "question_hand_over"):
            response = viewer.post(reverse(f"lines:{name}", args=[question.pk]))
            assert response.status_code == 404, name
    assert Question.objects.get(pk=question.pk).status == Question.Status.OPEN


# --- Handing over, withdrawing -----------------------------------------------------


def test_handing_over_to_another_expert(client, subject, line, expert):
    other = subject_expert(subject)
    question = asked(line)
    lines.question_take(question=question, expert=expert)
    viewer = _client(client, expert)

    form = viewer.get(reverse("lines:question_hand_over", args=[question.pk]))
    assert other.profile.shown_name in form.content.decode()
    response = viewer.post(
        reverse("lines:question_hand_over", args=[question.pk]), {"to": other.pk}
    )

    assert response.status_code == 302
    assert Question.objects.get(pk=question.pk).expert == other


def test_handing_over_to_nobody_says_why(client, line, expert):
    question = asked(line)
    lines.question_take(question=question, expert=expert)

    response = _client(client, expert).post(
        reverse("lines:question_hand_over", args=[question.pk]), {"to": "999999"}
    )

    assert response.status_code == 400
    assert Question.objects.get(pk=question.pk).expert == expert


def test_handing_over_is_refused_to_the_asker(client, line, expert):
    question = asked(line)
    lines.question_take(question=question, expert=expert)

    response = _client(client, question.asker).post(
        reverse("lines:question_hand_over", args=[question.pk]), {"to": expert.pk}
    )

    assert response.status_code == 403


def test_withdrawing_by_the_asker(client, line, expert):
    question = asked(line)

    assert (
        _client(client, expert)
        .post(reverse("lines:question_withdraw", args=[question.pk]))
        .status_code
        == 403
    )
    response = _client(client, question.asker).post(
        reverse("lines:question_withdraw", args=[question.pk])
    )

    assert response.status_code == 302
    assert Question.objects.get(pk=question.pk).status == Question.Status.WITHDRAWN


def test_the_steps_are_posts(client, line, expert):
    question = asked(line)
    viewer = _client(client, expert)

    for name in ("question_take", "question_withdraw"):
        assert (
            viewer.get(reverse(f"lines:{name}", args=[question.pk])).status_code == 405
        )
    assert viewer.get(reverse("lines:ask", args=[line.slug])).status_code == 405


# --- The question's panel on its conversation page ------------------------------------


def test_the_panel_shows_status_deadline_and_the_holders_steps(
    client, line, expert, subject
):
    question = asked(line)
    lines.question_take(question=question, expert=expert)
    url = question.conversation.get_absolute_url()
    hand_over = reverse("lines:question_hand_over", args=[question.pk])

    # The line's only expert has nobody to hand it to: no empty form.
    alone = _client(client, expert).get(url).content.decode()
    assert hand_over not in alone

    subject_expert(subject)
    holder = _client(client, expert).get(url).content.decode()
    assert "Физика: ОГЭ" in holder
    assert hand_over in holder
    assert reverse("lines:question_withdraw", args=[question.pk]) not in holder

    asker = _client(client, question.asker).get(url).content.decode()
    assert reverse("lines:question_withdraw", args=[question.pk]) in asker
    assert reverse("lines:question_hand_over", args=[question.pk]) not in asker


# --- Making and editing lines ---------------------------------------------------------


def test_a_site_moderator_makes_a_subjects_line(client, subject):
    viewer = _client(client, site_moderator())
    assert viewer.get(reverse("lines:create")).status_code == 200

    response = viewer.post(
        reverse("lines:create"),
        {
            "subject": subject.pk,
            "title": "Химия",
            "description": "Отвечаем.",
            "answer_within_days": 4,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    made = lines.Line.objects.get(title="Химия")
    assert (made.subject, made.answer_within_days) == (subject, 4)


def test_a_communitys_owner_makes_its_line_a_member_may_not(client):
    community, _moderator, member = community_with_moderator()
    assert _client(client, member).get(reverse("lines:create")).status_code == 403

    viewer = _client(client, community.founder)
    page = viewer.get(reverse("lines:create") + f"?community={community.slug}")
    assert page.status_code == 200
    assert 'name="subject"' not in page.content.decode()
    response = viewer.post(
        reverse("lines:create"),
        {
            "community": community.slug,
            "title": "Наша линия",
            "description": "Спрашивайте.",
            "answer_within_days": 2,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert lines.Line.objects.get(title="Наша линия").community == community


def test_a_line_form_with_bad_values_says_why(client):
    viewer = _client(client, site_moderator())

    response = viewer.post(
        reverse("lines:create"),
        {"title": "Без предмета", "description": "Т", "answer_within_days": 40},
    )

    assert response.status_code == 400
    assert "Без предмета" in response.content.decode()
    assert not lines.Line.objects.exists()


def test_editing_a_line_by_those_who_run_it(client, line):
    community, moderator, member = community_with_moderator()
    own = community_line(community)
    edit = reverse("lines:edit", args=[own.slug])

    assert _client(client, member).get(edit).status_code == 403
    response = _client(client, moderator).post(
        edit,
        {"title": "Переименована", "description": "Т", "answer_within_days": 3},
    )

    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.title, own.is_active) == ("Переименована", False)
    assert (
        _client(client, moderator)
        .get(reverse("lines:edit", args=[line.slug]))
        .status_code
        == 403
    )


# --- Blocks on other pages ----------------------------------------------------------


def test_a_subjects_forum_section_lists_its_lines(client, subject, line):
    section = Section.objects.create(
        title="Физика", slug="fizika-razdel", subject=subject
    )

    response = client.get(section.get_absolute_url())

    assert response.status_code == 200
    assert "Физика: ОГЭ" in response.content.decode()
    assert _url(line) in response.content.decode()


def test_a_communitys_page_lists_its_lines_and_offers_its_owner_a_new_one(client):
    community, _moderator, member = community_with_moderator()
    community_line(community, title="Линия сообщества")

    shown = _client(client, member).get(community.get_absolute_url()).content.decode()
    assert "Линия сообщества" in shown
    assert reverse("lines:create") not in shown

    owner = _client(client, community.founder).get(community.get_absolute_url())
    assert reverse("lines:create") in owner.content.decode()


def test_page_blocks_are_read_per_page(private, subject, line):
    from community.page_blocks import page_blocks_for

    private_line, _moderator, member = private
    section = Section(title="Физика", slug="f", subject=subject)
    untied = Section(title="Болтовня", slug="b")

    (shown,) = page_blocks_for(
        page="circles.community", obj=private_line.community, viewer=member
    )
    assert shown.block.key == "lines"
    assert shown.data.lines == [private_line]
    (shown,) = page_blocks_for(page="forums.section", obj=section, viewer=member)
    assert shown.data.lines == [line]
    assert shown.data.create_url == ""
    assert page_blocks_for(page="forums.section", obj=untied, viewer=member) == []
    # The profile's blocks are page blocks of their own page.
    assert "lines" not in {
        shown.block.key
        for shown in page_blocks_for(
            page="accounts.profile", obj=member, viewer=AnonymousUser()
        )
    }


# --- Page budgets ------------------------------------------------------------------


def test_the_list_holds_the_budget_with_many_lines(
    client, django_assert_max_num_queries
):
    moderator = site_moderator()
    for number in range(MANY):
        subject_line(moderator, a_subject(number % 5), title=f"Линия {number}")
    for _number in range(3):
        community, _moderator, _member = community_with_moderator()
        community_line(community)
    client.force_login(EstablishedUserFactory())

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("lines:list"))

    assert response.status_code == 200


def test_the_queue_holds_the_budget_with_many_questions(
    client, line, expert, django_assert_max_num_queries
):
    for _number in range(MANY):
        asked(line)
    for question in Question.objects.all()[:10]:
        lines.question_take(question=question, expert=expert)
    client.force_login(expert)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(_url(line))

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 20


def test_a_communitys_page_with_lines_holds_the_budget(
    client, django_assert_max_num_queries
):
    from circles.tests.factories import MembershipFactory

    community, _moderator, member = community_with_moderator()
    for _number in range(MANY):
        MembershipFactory(community=community)
    for number in range(3):
        community_line(community, title=f"Линия {number}")
    client.force_login(member)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(community.get_absolute_url())

    assert "Линия 2" in response.content.decode()


def test_a_subjects_section_with_lines_holds_the_budget(
    client, subject, line, django_assert_max_num_queries
):
    from forums.tests.factories import TopicFactory

    section = Section.objects.create(title="Физика", slug="fizika-r", subject=subject)
    TopicFactory.create_batch(MANY, section=section)
    client.force_login(EstablishedUserFactory())

    with django_assert_max_num_queries(BUDGET):
        response = client.get(section.get_absolute_url())

    assert "Физика: ОГЭ" in response.content.decode()
