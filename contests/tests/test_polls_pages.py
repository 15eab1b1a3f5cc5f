"""Polls' pages: the block on the topic page (its cost, what each reader
sees), adding and editing a poll, voting with bad input kept, the voters of
a shown poll, a secret poll's voters named nowhere, a poll on a topic one may
not read a 404, the moderators' close and delete."""

import datetime
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.audience import Audience
from community.models import ActivityEvent, AuditEntry, Notification
from contests.models import Poll, PollBallot
from contests.services import polls as services
from contests.tests.helpers_polls import (
    counts,
    fresh,
    group_made,
    options_of,
    poll_made,
    polls_registered,  # noqa: F401 (autouse)
    topic_made,
    vote,
    voters_made,
)
from forums.models import Topic
from forums.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

MULTIPLE = Poll.Kind.MULTIPLE


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def _poll_html(response) -> str:
    html = _main(response)
    if 'id="poll"' not in html:
        return ""
    start = html.index('<section id="poll"')
    return html[start : html.index("</section>", start)]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _url(name: str, poll: Poll) -> str:
    return reverse(f"polls:{name}", args=[poll.pk])


# --- The topic page's block ----------------------------------------------------


def test_the_topic_page_shows_the_poll_as_a_labelled_group_of_radio_buttons(
    member,
):
    poll = poll_made(question="Переходим на пятидневку?")

    block = _poll_html(_client(member).get(poll.topic.get_absolute_url()))

    assert '<fieldset class="ui-field">' in block
    assert '<legend class="form-label fw-semibold">Переходим на пятидневку?' in block
    for option in options_of(poll):
        assert f'value="{option.pk}"' in block
        assert f">{option.text}</label>" in block
    assert block.count('type="radio"') == 3


def test_several_answers_are_checkboxes_and_a_scale_radio_buttons_in_a_line(member):
    multiple = poll_made(kind=MULTIPLE, options=list("абвг"), max_choices=2)
    scale = poll_made(kind=Poll.Kind.SCALE)

    several = _poll_html(_client(member).get(multiple.topic.get_absolute_url()))
    line = _poll_html(_client(member).get(scale.topic.get_absolute_url()))

    assert several.count('type="checkbox"') == 4
    assert "Можно выбрать до 2." in several
    assert "choice-list-scale" in line
    assert line.count('type="radio"') == 5


def test_results_are_bars_with_their_numbers_in_words(member):
    poll = poll_made()
    voters_made(poll, 3, position=0)
    voters_made(poll, 1, position=1)

    block = _poll_html(_client(member).get(poll.topic.get_absolute_url()))

    first = options_of(poll)[0]
    assert (
        f'<progress class="w-100" max="100" value="75" '
        f'aria-labelledby="poll-{poll.pk}-answer-{first.pk}">'
    ) in block
    assert f'id="poll-{poll.pk}-answer-{first.pk}"' in block
    text = _text(block)
    assert "3 голоса · 75 %" in text
    assert "4 коллеги проголосовали" in text


def test_a_visitor_sees_results_and_is_asked_to_log_in():
    poll = poll_made()
    vote(poll, UserFactory(), 0)

    block = _poll_html(Client().get(poll.topic.get_absolute_url()))

    assert "<progress" in block
    assert 'type="radio"' not in block
    assert reverse("account_login") in block


@pytest.mark.parametrize("results", [Poll.Results.VOTED, Poll.Results.CLOSED])
def test_results_after_voting_or_closing_hide_the_counts_until_then(results, member):
    poll = poll_made(results=results)
    voters_made(poll, 2)
    address = poll.topic.get_absolute_url()

    before = _poll_html(_client(member).get(address))
    assert "<progress" not in before
    # The count of voters shows all the same.
    assert "2 коллеги проголосовали" in _text(before)

    vote(poll, member, 1)
    after_vote = _poll_html(_client(member).get(address))
    assert ("<progress" in after_vote) is (results == Poll.Results.VOTED)

    services.poll_close(poll=fresh(poll), actor=poll.author)
    closed = _poll_html(_client(UserFactory()).get(address))
    assert "<progress" in closed


def test_results_for_moderators_only_show_to_them_alone(member, moderator):
    poll = poll_made(results=Poll.Results.STAFF)
    vote(poll, member, 0)
    address = poll.topic.get_absolute_url()

    assert "<progress" not in _poll_html(_client(member).get(address))
    assert "<progress" not in _poll_html(_client(poll.author).get(address))
    assert "<progress" in _poll_html(_client(moderator).get(address))


def test_a_topic_without_a_poll_offers_one_to_its_author_only(member):
    topic = topic_made()

    own = _main(_client(topic.author).get(topic.get_absolute_url()))
    other = _main(_client(member).get(topic.get_absolute_url()))

    assert reverse("polls:create", args=[topic.pk]) in own
    assert reverse("polls:create", args=[topic.pk]) not in other
    assert 'id="poll"' not in other


def test_a_topic_without_a_poll_asks_nothing_more_of_the_database(member):
    topic = topic_made()
    client = _client(member)
    client.get(topic.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(topic.get_absolute_url())

    assert response.status_code == 200
    polls_table = Poll._meta.db_table
    # The poll's pk comes with the topic (a subquery); nothing else asks.
    asking = [q["sql"] for q in queries if polls_table in q["sql"]]
    assert len(asking) == 1
    assert asking[0].lstrip().upper().startswith('SELECT "FORUMS_TOPIC"')


def test_a_poll_costs_the_topic_page_one_query_however_many_voted(
    member, django_assert_max_num_queries
):
    plain, with_poll = topic_made(), topic_made()
    for topic in (plain, with_poll):
        for number in range(2, 25):
            PostFactory(topic=topic, number=number)
    poll = poll_made(with_poll, voters_shown=True)
    voters_made(poll, 56)
    vote(poll, member, 1)
    client = _client(member)

    def cost(topic: Topic) -> int:
        client.get(topic.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            client.get(topic.get_absolute_url())
        return len(queries)

    assert cost(with_poll) == cost(plain) + 1
    with django_assert_max_num_queries(10):
        response = client.get(with_poll.get_absolute_url())
    assert "57 коллег проголосовали" in _text(_poll_html(response))


def test_the_poll_shows_on_later_pages_of_the_topic_at_the_top(member):
    poll = poll_made()
    for number in range(2, 45):
        PostFactory(topic=poll.topic, number=number)

    html = _main(_client(member).get(poll.topic.get_absolute_url() + "?page=2"))

    assert html.index('id="poll"') < html.index('id="post-21"')


# --- Secret voters -------------------------------------------------------------------


def test_a_secret_poll_names_its_voters_nowhere(moderator):
    poll = poll_made()
    voter = UserFactory(profile__display_name="Серафима Тайная")
    vote(poll, voter, 0)
    superuser = UserFactory(is_superuser=True, is_staff=True)

    for user in (None, poll.author, voter, moderator, superuser):
        client = _client(user)
        for address in (poll.topic.get_absolute_url(), _url("detail", poll)):
            page = _main(client.get(address))
            assert "Серафима Тайная" not in page
            assert voter.username not in page
            assert _url("voters", poll) not in page
        assert client.get(_url("voters", poll)).status_code == 404
    block = _poll_html(_client(moderator).get(poll.topic.get_absolute_url()))
    assert "1 коллега проголосовал" in _text(block)  # the count, never the names
    # Nothing told, nothing in the feed.
    assert not Notification.objects.filter(recipient=poll.author).exists()
    assert not ActivityEvent.objects.filter(actor=voter).exists()


def test_the_admin_shows_no_secret_voter(client):
    """A ballot admin, if any, never names a secret poll's voter."""
    poll = poll_made()
    voter = UserFactory(profile__display_name="Серафима Тайная")
    vote(poll, voter, 0)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)

    for model in (PollBallot, Poll):
        if model not in admin.site._registry:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        pk = PollBallot.objects.get().pk if model is PollBallot else poll.pk
        for address in (
            reverse("admin:{}_{}_changelist".format(*info)),
            reverse("admin:{}_{}_change".format(*info), args=[pk]),
        ):
            response = client.get(address)
            assert response.status_code == 200
            page = response.content.decode()
            assert "Серафима Тайная" not in page
            assert voter.username not in page
            assert voter.email not in page


def test_a_shown_poll_lists_its_voters_with_their_answers_a_page_at_a_time(
    member, django_assert_max_num_queries
):
    poll = poll_made(voters_shown=True)
    named = UserFactory(profile__display_name="Пелагея Открытая")
    vote(poll, named, 2)
    voters_made(poll, 55, position=1)
    client = _client(member)

    with django_assert_max_num_queries(10):
        first = client.get(_url("voters", poll))
    assert first.status_code == 200
    html = _main(first)
    assert "Пелагея Открытая" in html
    assert "Пока не решила" in html
    assert len(first.context["page_obj"]) == 20
    assert client.get(_url("voters", poll) + "?page=3").status_code == 200


def test_a_shown_poll_s_voters_wait_for_its_results(member):
    poll = poll_made(voters_shown=True, results=Poll.Results.VOTED)
    vote(poll, UserFactory(), 0)

    assert _client(member).get(_url("voters", poll)).status_code == 404
    vote(poll, member, 1)
    assert _client(member).get(_url("voters", poll)).status_code == 200


# --- Adding and editing ---------------------------------------------------------------


def _poll_form(**fields) -> dict:
    return {
        "question": "Какой день для методобъединения?",
        "kind": Poll.Kind.SINGLE,
        "options": "Вторник\nЧетверг",
        "max_choices": "",
        "results": Poll.Results.ALWAYS,
        "closes_at": "",
        **fields,
    }


def test_the_author_adds_a_poll_to_her_topic():
    topic = topic_made()
    client = _client(topic.author)
    address = reverse("polls:create", args=[topic.pk])

    page = client.get(address)
    assert page.status_code == 200
    assert 'type="datetime-local"' in page.content.decode()
    response = client.post(address, _poll_form(closes_at="2099-05-01T18:00"))

    assert response.status_code == 302
    assert response["Location"].endswith(topic.get_absolute_url() + "#poll")
    poll = Poll.objects.get(topic=topic)
    assert [option.text for option in options_of(poll)] == ["Вторник", "Четверг"]
    # Typed in the author's zone (Moscow unless her profile says another).
    assert timezone.localtime(poll.closes_at).hour == 18
    # A second poll: the form sends to the one there is.
    assert client.get(address)["Location"].endswith("#poll")


def test_a_bad_poll_form_comes_back_400_with_the_input_kept():
    topic = topic_made()
    client = _client(topic.author)

    response = client.post(
        reverse("polls:create", args=[topic.pk]),
        _poll_form(question="Мой вопрос остаётся", options="Единственный"),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Мой вопрос остаётся"' in html
    assert "Единственный</textarea>" in html
    assert 'aria-invalid="true"' in html
    assert not Poll.objects.exists()


def test_a_refused_poll_comes_back_400_with_the_service_s_message():
    topic = topic_made()
    response = _client(topic.author).post(
        reverse("polls:create", args=[topic.pk]),
        _poll_form(closes_at="2001-01-01T10:00"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["closes_at"]


def test_a_new_member_past_the_limit_gets_429(settings):
    settings.MODERATION_NEW_MEMBER_PER_HOUR = {
        **settings.MODERATION_NEW_MEMBER_PER_HOUR,
        "polls": 1,
    }
    author = UserFactory()
    poll_made(topic_made(author=author))
    topic = topic_made(author=author)

    response = _client(author).post(
        reverse("polls:create", args=[topic.pk]), _poll_form()
    )
    assert response.status_code == 429


def test_another_member_may_not_add_a_poll(member):
    topic = topic_made()
    address = reverse("polls:create", args=[topic.pk])

    assert _client(member).get(address).status_code == 403
    assert _client(member).post(address, _poll_form()).status_code == 403
    assert Client().get(address).status_code == 302  # to log in


def test_audience_is_asked_only_in_a_community_s_section():
    group = group_made()
    topic = topic_made()

    in_group = _client(group.member).get(reverse("polls:create", args=[group.topic.pk]))
    elsewhere = _client(topic.author).get(reverse("polls:create", args=[topic.pk]))

    assert 'name="audience"' in in_group.content.decode()
    assert 'name="audience"' not in elsewhere.content.decode()


def test_editing_after_votes_leaves_the_answers_out_of_the_form():
    poll = poll_made()
    client = _client(poll.author)
    assert 'name="options"' in client.get(_url("edit", poll)).content.decode()
    vote(poll, UserFactory(), 0)

    page = client.get(_url("edit", poll)).content.decode()
    assert 'name="options"' not in page
    assert 'name="kind"' not in page
    response = client.post(
        _url("edit", poll),
        {"question": "Уточнённый вопрос", "results": Poll.Results.ALWAYS},
    )
    assert response.status_code == 302
    assert fresh(poll).question == "Уточнённый вопрос"
    assert counts(poll) == (1, [1, 0, 0])


def test_editing_with_bad_input_comes_back_400_kept():
    poll = poll_made()
    response = _client(poll.author).post(
        _url("edit", poll),
        {
            "question": "Новый текст вопроса",
            "kind": Poll.Kind.SINGLE,
            "options": "",
            "results": Poll.Results.ALWAYS,
        },
    )

    assert response.status_code == 400
    assert 'value="Новый текст вопроса"' in response.content.decode()
    assert fresh(poll).question != "Новый текст вопроса"


def test_secret_to_shown_after_votes_comes_back_400():
    poll = poll_made()
    vote(poll, UserFactory(), 0)

    response = _client(poll.author).post(
        _url("edit", poll),
        {
            "question": poll.question,
            "results": Poll.Results.ALWAYS,
            "voters_shown": "on",
        },
    )

    assert response.status_code == 400
    assert fresh(poll).voters_shown is False


# --- Voting ---------------------------------------------------------------------------


def _choice(poll: Poll, *positions: int) -> dict:
    options = options_of(poll)
    values = [str(options[i].pk) for i in positions]
    return {f"poll{poll.pk}-choice": values}


def test_a_member_votes_and_changes_her_vote_and_takes_it_back(member):
    poll = poll_made()
    client = _client(member)

    response = client.post(_url("vote", poll), _choice(poll, 0))
    assert response.status_code == 302
    assert response["Location"].endswith(poll.topic.get_absolute_url() + "#poll")
    assert counts(poll) == (1, [1, 0, 0])

    page = _poll_html(client.get(poll.topic.get_absolute_url()))
    assert "<details>" in page  # change the vote
    assert _url("unvote", poll) in page
    client.post(_url("vote", poll), _choice(poll, 2))
    assert counts(poll) == (1, [0, 0, 1])

    client.post(_url("unvote", poll))
    assert counts(poll) == (0, [0, 0, 0])


def test_a_vote_without_a_choice_comes_back_400(member):
    poll = poll_made()

    response = _client(member).post(_url("vote", poll), {})

    assert response.status_code == 400
    block = _poll_html(response)
    assert 'aria-invalid="true"' in block or "invalid-feedback" in block
    assert counts(poll)[0] == 0


def test_too_many_answers_come_back_400_with_the_choices_kept(member):
    poll = poll_made(kind=MULTIPLE, options=list("абвг"), max_choices=2)

    response = _client(member).post(_url("vote", poll), _choice(poll, 0, 1, 3))

    assert response.status_code == 400
    block = _poll_html(response)
    options = options_of(poll)
    for position in (0, 1, 3):
        assert re.search(f'value="{options[position].pk}"[^>]*checked', block)
    assert not re.search(f'value="{options[2].pk}"[^>]*checked', block)
    assert counts(poll)[0] == 0


def test_a_vote_in_a_closed_poll_is_refused(member):
    poll = poll_made()
    services.poll_close(poll=poll, actor=poll.author)

    response = _client(member).post(_url("vote", poll), _choice(poll, 0))

    assert response.status_code == 302
    assert counts(poll)[0] == 0


def test_a_vote_in_a_community_poll_by_an_outsider_is_403(member):
    group = group_made()
    poll = poll_made(group.topic, audience=Poll.Audience.COMMUNITY)

    response = _client(member).post(_url("vote", poll), _choice(poll, 0))
    block = _poll_html(_client(member).get(group.topic.get_absolute_url()))

    assert response.status_code == 403
    assert 'type="radio"' not in block
    assert "<progress" in block
    assert counts(poll)[0] == 0


def test_a_poll_on_a_topic_one_may_not_read_is_a_404(member, moderator):
    group = group_made(audience=Audience.GROUP)
    poll = poll_made(group.topic)
    hidden = poll_made()
    Topic.objects.filter(pk=hidden.topic_id).update(is_hidden=True)

    for target in (poll, hidden):
        for name in ("detail", "voters", "edit", "delete"):
            assert _client(member).get(_url(name, target)).status_code == 404
        for name in ("vote", "unvote", "close"):
            assert _client(member).post(_url(name, target)).status_code == 404
    assert Client().get(_url("detail", poll)).status_code == 404
    assert (
        _client(member).get(reverse("polls:create", args=[group.topic.pk])).status_code
        == 404
    )
    assert _client(group.member).get(_url("detail", poll)).status_code == 200
    assert _client(moderator).get(_url("detail", hidden)).status_code == 200


def test_the_poll_page_shows_the_poll_to_whoever_reads_the_topic(member):
    poll = poll_made()

    response = Client().get(_url("detail", poll))

    assert response.status_code == 200
    assert poll.question in _poll_html(response)


# --- The moderators' view -------------------------------------------------------------


def test_a_moderator_sees_close_and_delete_on_someone_s_poll(member, moderator):
    poll = poll_made()
    vote(poll, member, 0)

    theirs = _poll_html(_client(moderator).get(poll.topic.get_absolute_url()))
    others = _poll_html(_client(member).get(poll.topic.get_absolute_url()))
    own = _poll_html(_client(poll.author).get(poll.topic.get_absolute_url()))

    assert _url("close", poll) in theirs
    assert _url("delete", poll) in theirs
    assert _url("close", poll) not in others
    assert _url("delete", poll) not in others
    assert _url("close", poll) in own
    assert _url("delete", poll) not in own  # colleagues voted


def test_a_moderator_closes_a_poll_on_record(moderator):
    poll = poll_made()

    response = _client(moderator).post(_url("close", poll))

    assert response.status_code == 302
    assert fresh(poll).closed_at is not None
    assert AuditEntry.objects.filter(action=services.AUDIT_CLOSE).count() == 1


def test_a_moderator_deletes_a_poll_with_a_reason_on_record(member, moderator):
    poll = poll_made()
    vote(poll, member, 0)
    client = _client(moderator)

    page = client.get(_url("delete", poll))
    assert 'name="reason"' in page.content.decode()
    response = client.post(_url("delete", poll), {"reason": "Опрос не по теме"})

    assert response.status_code == 302
    assert not Poll.objects.filter(pk=poll.pk).exists()
    entry = AuditEntry.objects.get(action=services.AUDIT_DELETE)
    assert (entry.actor, entry.reason) == (moderator, "Опрос не по теме")


def test_another_member_may_not_close_or_delete(member):
    poll = poll_made()

    assert _client(member).post(_url("close", poll)).status_code == 403
    assert _client(member).post(_url("delete", poll)).status_code == 403
    assert _client(member).get(_url("edit", poll)).status_code == 403
    assert fresh(poll).closed_at is None


def test_the_author_deletes_her_poll_while_nobody_voted():
    poll = poll_made()
    client = _client(poll.author)

    page = client.get(_url("delete", poll)).content.decode()
    assert 'name="reason"' not in page
    response = client.post(_url("delete", poll))

    assert response.status_code == 302
    assert not Poll.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_close_date_passed_closes_the_poll_on_the_page(member):
    poll = poll_made(closes_at=timezone.now() + datetime.timedelta(days=1))
    Poll.objects.filter(pk=poll.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    block = _poll_html(_client(member).get(poll.topic.get_absolute_url()))

    assert 'type="radio"' not in block
    assert "<progress" in block


# --- No writes on GET; visitors' kept pages follow the votes --------------------------

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def test_the_polls_pages_write_nothing_on_get(member, moderator):
    poll = poll_made(voters_shown=True)
    vote(poll, member, 0)
    fresh_topic = topic_made()
    pages = [
        (member, _url("detail", poll)),
        (member, _url("voters", poll)),
        (None, _url("detail", poll)),
        (poll.author, _url("edit", poll)),
        (moderator, _url("delete", poll)),
        (fresh_topic.author, reverse("polls:create", args=[fresh_topic.pk])),
    ]
    for user, address in pages:
        client = _client(user)
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert response.status_code == 200, address
        assert not [q["sql"] for q in queries if WRITE.match(q["sql"])], address


def test_a_visitor_s_kept_topic_page_follows_the_votes():
    poll = poll_made()
    visitor = Client()
    address = poll.topic.get_absolute_url()
    visitor.get(address)
    assert visitor.get(address)["X-Page-Cache"] == "hit"

    vote(poll, UserFactory(), 0)

    response = visitor.get(address)
    assert response["X-Page-Cache"] == "miss"
    assert "1 коллега проголосовал" in _text(_poll_html(response))
