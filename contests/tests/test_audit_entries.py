"""What an audit of entries found, each held: no judge among the authors;
the window of entries frozen once entries close or a judge scores; dates
within sensible years; an entry showing no material the library took away;
the material's version kept as entered; the public vote checked under the
locks that finishing and disqualifying take; co-authors told and free to
leave; revoked diplomas moving their holders' evidence."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community import attainments
from community.models import Notification
from community.registry import Registry
from community.tests.races import needs_postgresql, together
from contests import kinds
from contests.forms import ContestForm
from contests.forms_polls import PollForm
from contests.forms_projects import StageForm
from contests.models import Contest, Diploma, Entry, Judge, PublicVote, Score
from contests.services import contests as contest_services
from contests.services import entries as entry_services
from contests.services import results
from contests.tests import helpers_judging as hj
from contests.tests.helpers_contests import (
    contest_open,
    entry_of,
    expert,
    moderator,
    moved_to,
    veteran,
    window,
)
from materials.models import Material, MaterialFile, MaterialVersion
from materials.tests.factories import MaterialFactory, pdf_upload

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"
YEARS = "Укажите дату в пределах 2000–2100 годов."
JURY = "Член жюри конкурса не может быть автором или соавтором его работ."
WINDOW = "сроки приёма работ остаются прежними"


def _judge_of(contest: Contest):
    judge = expert()
    Judge.objects.create(contest=contest, user=judge)
    return judge


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime(LOCAL)


# --- 1. A judge is no author -------------------------------------------------------


def test_a_judge_of_the_contest_cannot_submit_an_entry():
    contest = contest_open()
    judge = _judge_of(contest)

    with pytest.raises(ValidationError) as caught:
        entry_of(contest, author=judge)

    assert caught.value.code == "judge"
    assert not Entry.objects.exists()


def test_a_judge_cannot_be_named_a_coauthor():
    contest = contest_open()
    judge = _judge_of(contest)

    with pytest.raises(ValidationError) as caught:
        entry_of(contest, coauthors=[judge])

    assert caught.value.code == "judge"


def test_an_edit_cannot_add_a_judge_as_a_coauthor():
    contest = contest_open()
    author = UserFactory()
    entry = entry_of(contest, author=author)
    judge = _judge_of(contest)

    with pytest.raises(ValidationError) as caught:
        entry_services.entry_update(entry=entry, editor=author, coauthors=[judge])

    assert caught.value.code == "judge"
    assert list(Entry.objects.get(pk=entry.pk).authors.all()) == [author]


def test_the_entry_form_refuses_a_judge_with_the_text_kept(client):
    contest = contest_open()
    judge = _judge_of(contest)
    client.force_login(judge)

    response = client.post(
        reverse("contests:entry_new", args=[contest.slug]),
        {
            "nomination": contest.nominations.get().pk,
            "title": "Моя работа",
            "text": "Текст моей работы",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert JURY in page
    assert "Текст моей работы" in page
    assert not Entry.objects.exists()


# --- 2. The window of entries, once closed -------------------------------------------


def test_the_window_of_entries_stays_once_entries_have_closed():
    contest = moved_to(contest_open(), "judging")
    before = (contest.submissions_open_at, contest.submissions_close_at)
    now = timezone.now()

    with pytest.raises(ValidationError) as caught:
        contest_services.contest_update(
            contest=contest,
            editor=contest.organiser,
            submissions_close_at=now + 3 * hj.DAY,
            judging_close_at=now + 9 * hj.DAY,
        )

    assert set(caught.value.error_dict) == {"submissions_close_at"}
    assert caught.value.error_dict["submissions_close_at"][0].code == "window"
    contest.refresh_from_db()
    assert (contest.submissions_open_at, contest.submissions_close_at) == before


def test_the_window_stays_once_a_judge_has_scored_even_while_entries_are_open():
    contest = contest_open()
    entry = entry_of(contest)
    Score.objects.create(
        entry=entry, judge=expert(), marks={"c1": 5}, total=Decimal("5.00")
    )

    with pytest.raises(ValidationError) as caught:
        contest_services.contest_update(
            contest=contest,
            editor=contest.organiser,
            submissions_open_at=contest.submissions_open_at - hj.DAY,
        )

    assert set(caught.value.error_dict) == {"submissions_open_at"}


def test_judging_may_end_later_but_never_in_the_past():
    contest = moved_to(contest_open(), "judging")
    later = contest.judging_close_at + 5 * hj.DAY

    contest_services.contest_update(
        contest=contest, editor=contest.organiser, judging_close_at=later
    )
    contest.refresh_from_db()
    assert contest.judging_close_at == later

    with pytest.raises(ValidationError) as caught:
        contest_services.contest_update(
            contest=contest,
            editor=contest.organiser,
            judging_close_at=timezone.now() - datetime.timedelta(hours=1),
        )
    assert caught.value.error_dict["judging_close_at"][0].code == "past"


def _edit_form(contest: Contest, **changes) -> dict:
    data = {
        "title": contest.title,
        "summary": contest.summary,
        "rules": contest.rules,
        "subject": contest.subject_id,
        "submissions_open_at": _local(contest.submissions_open_at),
        "submissions_close_at": _local(contest.submissions_close_at),
        "judging_close_at": _local(contest.judging_close_at),
        "judges_per_entry": contest.judges_per_entry,
    }
    data.update(changes)
    return data


def test_the_edit_page_refuses_reopening_entries_with_the_input_kept(client):
    contest = moved_to(contest_open(), "judging")
    client.force_login(contest.organiser)
    reopened = _local(timezone.now() + 3 * hj.DAY)

    response = client.post(
        reverse("contests:edit", args=[contest.slug]),
        _edit_form(
            contest,
            title="Новое название конкурса",
            submissions_close_at=reopened,
            judging_close_at=_local(timezone.now() + 9 * hj.DAY),
        ),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert WINDOW in page
    assert "Новое название конкурса" in page
    assert reopened in page
    assert Contest.objects.get(pk=contest.pk).title == contest.title


def test_the_edit_page_saves_with_the_dates_given_back_as_they_were(client):
    contest = moved_to(contest_open(), "judging")
    client.force_login(contest.organiser)

    response = client.post(
        reverse("contests:edit", args=[contest.slug]),
        _edit_form(contest, title="Новое название конкурса"),
    )

    assert response.status_code == 302
    saved = Contest.objects.get(pk=contest.pk)
    assert saved.title == "Новое название конкурса"
    assert saved.submissions_close_at == contest.submissions_close_at


def test_entries_cannot_be_reopened_to_rewrite_a_scored_entry():
    contest = contest_open()
    author = UserFactory()
    entry = entry_of(contest, author=author)
    moved_to(contest, "judging")
    Score.objects.create(
        entry=entry, judge=expert(), marks={"c1": 5}, total=Decimal("5.00")
    )
    now = timezone.now()

    with pytest.raises(ValidationError):
        contest_services.contest_update(
            contest=contest,
            editor=contest.organiser,
            submissions_close_at=now + 3 * hj.DAY,
            judging_close_at=now + 9 * hj.DAY,
        )
    with pytest.raises(ValidationError) as caught:
        entry_services.entry_update(
            entry=Entry.objects.get(pk=entry.pk), editor=author, text="Другой текст"
        )

    assert caught.value.code == "closed"


# --- 3. Dates within sensible years --------------------------------------------------


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "2101-01-01T00:00"])
def test_the_contest_form_refuses_a_year_outside_2000_to_2100(typed):
    data = _edit_form(contest_open(), submissions_open_at=typed)

    form = ContestForm(data=data, instance=Contest.objects.get())

    assert not form.is_valid()
    assert form.errors["submissions_open_at"] == [YEARS]


def test_a_new_contest_dated_in_year_one_is_refused_and_nothing_stored(client):
    client.force_login(moderator())

    response = client.post(
        reverse("contests:new"),
        {
            "title": "Методическая копилка",
            "summary": "Собираем лучшие разработки.",
            "rules": "Присылайте свои разработки.",
            "submissions_open_at": "0001-01-01T00:00",
            "submissions_close_at": "2031-03-10T18:00",
            "judging_close_at": "2031-03-20T18:00",
            "judges_per_entry": 2,
            "nomination_title": "Лучший урок",
            "nomination_criteria": "Идея\nМетодика",
            "nomination_prize_places": 3,
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert YEARS in page
    assert "Методическая копилка" in page
    assert not Contest.objects.exists()
    assert client.get(reverse("contests:index")).status_code == 200


def test_the_service_refuses_a_date_outside_the_years_too():
    dates = window("open")
    dates["submissions_open_at"] = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)

    with pytest.raises(ValidationError) as caught:
        contest_services.contest_create(
            organiser=moderator(),
            title="Конкурс",
            summary="Кратко.",
            rules="Правила",
            nominations=[{"title": "Номинация", "criteria": ["Идея"]}],
            **dates,
        )

    assert caught.value.error_dict["submissions_open_at"][0].code == "year"
    assert not Contest.objects.exists()


def test_the_poll_and_stage_forms_refuse_a_year_outside_the_range():
    poll = PollForm(
        data={
            "question": "Когда собираемся?",
            "kind": "single",
            "options": "Да\nНет",
            "results": "always",
            "closes_at": "0001-01-01T00:00",
        },
        in_community=False,
    )
    stage = StageForm(data={"title": "Этап", "deadline": "9999-12-31T23:00"})

    assert not poll.is_valid()
    assert poll.errors["closes_at"] == [YEARS]
    assert not stage.is_valid()
    assert stage.errors["deadline"] == [YEARS]


# --- 4. What the library took away is not shown through the entry --------------------


@pytest.mark.parametrize("taken", ["hidden", "unpublished"])
def test_a_material_the_library_took_away_shows_only_to_the_authors_and_organisers(
    client, taken
):
    contest = contest_open()
    author = UserFactory()
    material = MaterialFactory(author=author, description_html="<p>СЕКРЕТ</p>")
    entry = entry_of(contest, author=author, material=material, text="")
    if taken == "hidden":
        Material.objects.filter(pk=material.pk).update(is_hidden=True)
    else:
        Material.objects.filter(pk=material.pk).update(status=Material.Status.DRAFT)
    url = entry.get_absolute_url()

    seen = {}
    for who, user in [
        ("visitor", None),
        ("member", UserFactory()),
        ("author", author),
        ("organiser", contest.organiser),
        ("moderator", moderator()),
    ]:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        seen[who] = "СЕКРЕТ" in response.content.decode()

    assert seen == {
        "visitor": False,
        "member": False,
        "author": True,
        "organiser": True,
        "moderator": True,
    }


# --- 5. The version entered -----------------------------------------------------------


def _new_version(material: Material, name: str) -> MaterialVersion:
    version = MaterialVersion.objects.create(material=material, number=2)
    record = MaterialFile(
        version=version, name=name, kind="pdf", content_type="application/pdf", size=9
    )
    record.file.save("new.pdf", pdf_upload(), save=False)
    record.save()
    Material.objects.filter(pk=material.pk).update(current_version=version)
    return version


def test_an_entry_keeps_and_shows_the_version_it_was_entered_with(client):
    contest = contest_open()
    author = UserFactory()
    material = MaterialFactory(author=author)
    entered = material.current_version
    entry = entry_of(contest, author=author, material=material, text="")
    _new_version(material, "Переписано после срока.pdf")

    page = client.get(entry.get_absolute_url()).content.decode()

    assert Entry.objects.get(pk=entry.pk).material_version == entered
    assert "План урока.pdf" in page
    assert "Переписано после срока.pdf" not in page


def test_saving_an_entry_with_its_material_takes_the_current_version():
    contest = contest_open()
    author = UserFactory()
    first = MaterialFactory(author=author)
    entry = entry_of(contest, author=author, text="Текст")
    assert entry.material_version is None

    entry_services.entry_update(entry=entry, editor=author, material=first)
    assert Entry.objects.get(pk=entry.pk).material_version == first.current_version

    newer = _new_version(first, "Вторая.pdf")
    entry_services.entry_update(entry=entry, editor=author, material=first)
    assert Entry.objects.get(pk=entry.pk).material_version == newer

    entry_services.entry_update(entry=entry, editor=author, material=None)
    assert Entry.objects.get(pk=entry.pk).material_version is None


# --- 6. The public vote under the contest's lock --------------------------------------


def _vote_ready():
    contest = hj.contest(phase="judging", public_vote=True, judges_per_entry=1)
    entry = hj.entry(contest, score=Decimal("4.00"), score_count=1)
    return contest, entry, veteran()


def test_a_vote_after_the_results_is_refused():
    contest, entry, voter = _vote_ready()
    results.contest_finish(contest=contest, actor=moderator())

    with pytest.raises(ValidationError) as caught:
        entry_services.public_vote_cast(entry=entry, voter=voter)

    assert caught.value.code == "closed"
    assert not PublicVote.objects.exists()


def _while_held(write, vote) -> list:
    """``write`` in a transaction held open a moment after it wrote, and
    ``vote`` started meanwhile; both released at one barrier."""
    written = threading.Event()

    def first():
        with transaction.atomic():
            write()
            written.set()
            time.sleep(0.5)

    def second():
        assert written.wait(timeout=10)
        vote()

    return together([first, second])


@pytest.mark.django_db(transaction=True)
def test_a_vote_at_once_with_a_disqualification_never_lands(vocabulary):
    needs_postgresql()
    contest, entry, voter = _vote_ready()

    raised = _while_held(
        lambda: entry_services.entry_disqualify(
            entry=entry, actor=contest.organiser, reason="Плагиат"
        ),
        lambda: entry_services.public_vote_cast(entry=entry, voter=voter),
    )

    assert raised[0] is None
    assert isinstance(raised[1], ValidationError)
    assert raised[1].code == "status"
    assert not PublicVote.objects.exists()
    assert Entry.objects.get(pk=entry.pk).vote_count == 0


@pytest.mark.django_db(transaction=True)
def test_a_vote_at_once_with_the_results_never_lands(vocabulary):
    needs_postgresql()
    contest, entry, voter = _vote_ready()
    finisher = moderator()

    raised = _while_held(
        lambda: results.contest_finish(contest=contest, actor=finisher),
        lambda: entry_services.public_vote_cast(entry=entry, voter=voter),
    )

    assert raised[0] is None
    assert isinstance(raised[1], ValidationError)
    assert raised[1].code == "closed"
    assert not PublicVote.objects.exists()
    assert Entry.objects.get(pk=entry.pk).vote_count == 0


# --- 7. Co-authors --------------------------------------------------------------------


def test_each_coauthor_is_told_she_was_named(client):
    contest = contest_open()
    submitter, first, second = UserFactory(), UserFactory(), UserFactory()

    entry = entry_of(contest, author=submitter, coauthors=[first, second])

    told = Notification.objects.filter(kind=kinds.ENTRY_COAUTHOR)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    assert {note.url for note in told} == {entry.get_absolute_url()}
    client.force_login(first)
    page = client.get(reverse("notifications")).content.decode()
    assert "указывает вас соавтором конкурсной работы" in page


def test_only_newly_named_coauthors_are_told_on_edit():
    contest = contest_open()
    submitter, first, second = UserFactory(), UserFactory(), UserFactory()
    entry = entry_of(contest, author=submitter, coauthors=[first])

    entry_services.entry_update(
        entry=entry, editor=submitter, coauthors=[first, second]
    )

    told = Notification.objects.filter(kind=kinds.ENTRY_COAUTHOR)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_a_coauthor_takes_her_name_off_from_the_entry_page(client):
    contest = contest_open()
    submitter, coauthor = UserFactory(), UserFactory()
    entry = entry_of(contest, author=submitter, coauthors=[coauthor])
    url = reverse("contests:entry_leave", args=[contest.slug, entry.pk])
    client.force_login(coauthor)
    assert url in client.get(entry.get_absolute_url()).content.decode()

    response = client.post(url)

    assert response.status_code == 302
    saved = Entry.objects.get(pk=entry.pk)
    assert list(saved.authors.all()) == [submitter]
    assert saved.status == Entry.Status.SUBMITTED


def test_the_submitter_cannot_leave_her_own_entry(client):
    contest = contest_open()
    submitter, coauthor = UserFactory(), UserFactory()
    entry = entry_of(contest, author=submitter, coauthors=[coauthor])
    client.force_login(submitter)
    url = reverse("contests:entry_leave", args=[contest.slug, entry.pk])

    assert url not in client.get(entry.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 403
    assert entry.authors.count() == 2


def test_a_coauthor_holding_the_entrys_diploma_stays_on_it():
    contest = hj.contest(phase="over", status=Contest.Status.FINISHED)
    submitter, coauthor = hj.teacher(), hj.teacher()
    entry = hj.entry(contest, submitter, coauthor, result="participant")
    Diploma.objects.create(
        entry=entry,
        holder=coauthor,
        kind=Diploma.Kind.PARTICIPANT,
        number="КОНК-2030-000009",
        holder_name="Соавтор",
        contest_title=contest.title,
        nomination_title="Номинация 1",
        entry_title=entry.title,
    )

    with pytest.raises(ValidationError) as caught:
        entry_services.entry_coauthor_leave(entry=entry, user=coauthor)

    assert caught.value.code == "diploma"
    assert entry.authors.count() == 2


def test_a_coauthor_leaving_with_her_own_material_takes_the_entry_with_her():
    contest = contest_open()
    submitter, coauthor = UserFactory(), UserFactory()
    material = MaterialFactory(author=coauthor)
    entry = entry_of(
        contest, author=submitter, coauthors=[coauthor], material=material, text=""
    )

    entry_services.entry_coauthor_leave(entry=entry, user=coauthor)

    saved = Entry.objects.get(pk=entry.pk)
    assert saved.status == Entry.Status.WITHDRAWN
    assert list(saved.authors.all()) == [submitter]
    assert Contest.objects.get(pk=contest.pk).entry_count == 0


# --- 8. Revoked diplomas --------------------------------------------------------------


def test_disqualifying_and_reinstating_after_the_results_move_the_holders_evidence(
    monkeypatch, django_capture_on_commit_callbacks
):
    told: list[list[int]] = []
    monkeypatch.setattr(attainments, "_listeners", Registry())
    attainments.attainments_listen("test", told.append)
    contest = hj.contest(phase="over")
    author = hj.teacher()
    entry = hj.entry(contest, author, score=Decimal("4.50"), score_count=2)
    results.contest_finish(contest=contest, actor=contest.organiser)
    results.diplomas_issue(contest_id=contest.pk)
    told.clear()

    with django_capture_on_commit_callbacks(execute=True):
        entry_services.entry_disqualify(
            entry=Entry.objects.get(pk=entry.pk),
            actor=contest.organiser,
            reason="Плагиат",
        )
    assert told == [[author.pk]]

    with django_capture_on_commit_callbacks(execute=True):
        entry_services.entry_reinstate(
            entry=Entry.objects.get(pk=entry.pk), actor=contest.organiser
        )
    assert told == [[author.pk], [author.pk]]
