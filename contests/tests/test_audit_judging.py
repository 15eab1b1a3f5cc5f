"""What an audit of the judging found: nobody with a stake in a contest sits
on its jury, a moderator who judges reads no author in the admin, judges
never reach a material's page in the library, a material entered in a
contest is not deleted, revoked diplomas count for nothing, and a secret
poll's ballot leaves no member in the request traces."""

import datetime

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import reporting
from community.models import RequestTrace
from contests import attainments, hooks
from contests.models import Contest, Entry, Judge, PollOption
from contests.permissions import viewer_may_join_jury
from contests.permissions_judging import can_join_jury
from contests.selectors import contest_get
from contests.selectors_judging import jury_candidates
from contests.services import judging
from contests.tests import helpers_community as community_make
from contests.tests import helpers_judging as make
from materials.models import Material, MaterialFile, MaterialVersion
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _refused(call, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        call()
    assert refused.value.code == code


# --- 1. Nobody with a stake sits on the jury ------------------------------------------


def test_the_organiser_is_never_seated_on_her_own_jury():
    organiser = accounts.user_grant_role(user=make.expert(), role=accounts.MODERATORS)
    contest = make.contest(phase="entries", organiser=organiser)
    moderator = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)

    _refused(
        lambda: judging.judge_assign(contest=contest, user=organiser, actor=moderator),
        "organiser",
    )
    _refused(lambda: judging.judge_join(contest=contest, user=organiser), "organiser")
    assert not can_join_jury(organiser, contest)
    assert not viewer_may_join_jury(
        organiser, contest_get(slug=contest.slug, user=organiser)
    )
    assert organiser not in jury_candidates(contest=contest)
    assert not Judge.objects.filter(contest=contest).exists()


@pytest.mark.parametrize("as_coauthor", [False, True])
def test_an_author_of_an_entry_is_never_seated(as_coauthor):
    contest = make.contest(phase="entries")
    author = make.expert()
    authors = (make.teacher(), author) if as_coauthor else (author,)
    make.entry(contest, *authors)

    _refused(
        lambda: judging.judge_assign(
            contest=contest, user=author, actor=contest.organiser
        ),
        "entrant",
    )
    _refused(lambda: judging.judge_join(contest=contest, user=author), "entrant")
    assert not can_join_jury(author, contest)
    assert not viewer_may_join_jury(author, contest_get(slug=contest.slug, user=author))
    assert author not in jury_candidates(contest=contest)
    assert not Judge.objects.filter(contest=contest).exists()


def test_an_expert_without_a_stake_is_still_seated():
    contest = make.contest(phase="entries")
    make.entry(contest)
    expert = make.expert()

    assert can_join_jury(expert, contest)
    assert judging.judge_join(contest=contest, user=expert).user == expert


# --- 2. A moderator who judges reads no author in the admin --------------------------


def _judging_moderator(contest: Contest):
    moderator = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)
    Judge.objects.create(contest=contest, user=moderator)
    return moderator


def _author():
    return UserFactory(
        profile__display_name="Аглая Секретная", email="aglaya.secret@example.org"
    )


def _names_author(page: str, author) -> bool:
    return any(
        text in page for text in ("Аглая Секретная", author.email, author.username)
    )


def test_the_entries_admin_hides_the_authors_from_a_judge_until_the_results():
    contest = make.contest(phase="judging")
    author = _author()
    material = MaterialFactory(author=author, title="Библиотечное название")
    entry = make.entry(contest, author, title="Работа без имени", material=material)
    judge = _judging_moderator(contest)
    other = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)
    changelist = reverse("admin:contests_entry_changelist")
    change = reverse("admin:contests_entry_change", args=[entry.pk])

    for url in (changelist, change):
        page = _client(judge).get(url).content.decode()
        assert "Работа без имени" in page
        assert not _names_author(page, author)
        assert "Библиотечное название" not in page
        assert _names_author(_client(other).get(url).content.decode(), author)
    found = _client(judge).get(changelist, {"q": author.email}).content.decode()
    assert "Работа без имени" not in found

    Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.FINISHED)
    for url in (changelist, change):
        assert _names_author(_client(judge).get(url).content.decode(), author)


def test_the_reports_admin_names_no_author_of_an_entry_before_the_results():
    contest = make.contest(phase="judging")
    author = _author()
    entry = make.entry(contest, author, title="Работа без имени")
    judge = _judging_moderator(contest)
    report = reporting.report_create(
        reporter=UserFactory(), key="contest_entry", object_id=entry.pk, reason="spam"
    )
    url = reverse("admin:community_report_change", args=[report.pk])

    page = _client(judge).get(url).content.decode()

    assert "Работа без имени" in page
    assert not _names_author(page, author)
    with pytest.raises(ObjectDoesNotExist):  # her own: not offered to her
        reporting.report_create(
            reporter=author, key="contest_entry", object_id=entry.pk, reason="spam"
        )
    Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.FINISHED)
    assert _names_author(_client(judge).get(url).content.decode(), author)


# --- 3. A material entered in a contest is not deleted -------------------------------


def test_a_material_entered_in_a_contest_is_kept_with_a_reason():
    author = UserFactory()
    material = MaterialFactory(author=author)
    community_make.entry(community_make.contest(), author, material=material)

    response = _client(author).post(reverse("materials:delete", args=[material.pk]))

    assert response.status_code == 400
    assert "участвует в конкурсе" in response.content.decode()
    assert Material.objects.filter(pk=material.pk).exists()


def test_a_material_in_no_contest_is_still_deleted():
    author = UserFactory()
    material = MaterialFactory(author=author)

    response = _client(author).post(reverse("materials:delete", args=[material.pk]))

    assert response.status_code == 302
    assert not Material.objects.filter(pk=material.pk).exists()


# --- 4. Revoked diplomas count for nothing; entries count after the results ----------


def test_a_diploma_revoked_after_the_results_counts_for_nothing():
    holder = UserFactory()
    diploma = community_make.winner(holder)
    Entry.objects.filter(pk=diploma.entry_id).update(
        status=Entry.Status.DISQUALIFIED, disqualified_reason="Плагиат"
    )
    now = timezone.now()
    month = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))

    assert list(attainments.diplomas_of(holder)) == []
    assert attainments.diplomas(holder) == []
    assert hooks.portfolio_contests(holder) == []
    assert hooks.contest_wins([holder.pk]) == {}
    assert holder.pk not in hooks.contribution(*month)


def test_a_diploma_of_a_placed_entry_still_counts():
    holder = UserFactory()
    community_make.winner(holder)

    assert len(attainments.diplomas(holder)) == 1
    assert hooks.contest_wins([holder.pk]) == {holder.pk: 1}


def test_entries_count_toward_a_badge_only_once_the_results_are_out():
    author = UserFactory()
    judging_now = make.contest(phase="judging")
    make.entry(judging_now, author)

    assert hooks.contest_entries([author.pk]) == {}

    Contest.objects.filter(pk=judging_now.pk).update(status=Contest.Status.FINISHED)
    assert hooks.contest_entries([author.pk]) == {author.pk: 1}


# --- 5. Judges read a material's files from the contest, not the library --------------


def _material_entry(contest: Contest):
    author = make.teacher(school="Школа № 1")
    material = MaterialFactory(
        author=author, title="Название в библиотеке", summary="Конспект с заданиями."
    )
    return make.entry(contest, author, title="Урок о дробях", material=material)


def test_the_score_page_shows_no_way_to_the_material_in_the_library():
    contest = make.contest(phase="judging")
    entry = _material_entry(contest)
    judge = make.expert(school="Школа № 2")
    Judge.objects.create(contest=contest, user=judge)
    record = MaterialFile.objects.get(version__material=entry.material)

    page = (
        _client(judge)
        .get(reverse("contests:score", args=[contest.slug, entry.pk]))
        .content.decode()
    )

    assert "Конспект с заданиями." in page
    assert "Название в библиотеке" not in page
    assert f"/materials/{entry.material_id}/" not in page
    assert (
        reverse("contests:judging_file", args=[contest.slug, entry.pk, record.pk])
        in page
    )


def test_a_judge_downloads_the_entrys_files_from_the_contest():
    contest = make.contest(phase="judging")
    entry = _material_entry(contest)
    judge = make.expert(school="Школа № 2")
    Judge.objects.create(contest=contest, user=judge)
    record = MaterialFile.objects.get(version__material=entry.material)
    url = reverse("contests:judging_file", args=[contest.slug, entry.pk, record.pk])

    response = _client(judge).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_nobody_else_downloads_an_entrys_files_from_the_contest():
    contest = make.contest(phase="judging")
    entry = _material_entry(contest)
    record = MaterialFile.objects.get(version__material=entry.material)
    colleague = make.expert(school="Школа № 1")  # the author's school
    Judge.objects.create(contest=contest, user=colleague)
    judge = make.expert(school="Школа № 2")
    Judge.objects.create(contest=contest, user=judge)
    other = MaterialFile.objects.get(version__material=MaterialFactory())
    url = reverse("contests:judging_file", args=[contest.slug, entry.pk, record.pk])

    assert _client(colleague).get(url).status_code == 404
    assert _client(make.expert()).get(url).status_code == 404
    assert _client(entry.submitted_by).get(url).status_code == 404
    assert (
        _client(judge)
        .get(reverse("contests:judging_file", args=[contest.slug, entry.pk, other.pk]))
        .status_code
        == 404
    )
    Material.objects.filter(pk=entry.material_id).update(is_hidden=True)
    assert _client(judge).get(url).status_code == 404


def test_a_judge_reads_the_version_entered_not_a_later_one():
    contest = make.contest(phase="judging")
    entry = _material_entry(contest)
    entered = entry.material.current_version
    Entry.objects.filter(pk=entry.pk).update(material_version=entered)
    later = MaterialVersion.objects.create(material=entry.material, number=2)
    newer = MaterialFile.objects.create(
        version=later, name="Новая версия.pdf", kind="pdf",
        content_type="application/pdf", size=4, file="later.pdf",
    )  # fmt: skip
    Material.objects.filter(pk=entry.material_id).update(current_version=later)
    record = MaterialFile.objects.get(version=entered)
    judge = make.expert(school="Школа № 2")
    Judge.objects.create(contest=contest, user=judge)
    client = _client(judge)

    page = client.get(
        reverse("contests:score", args=[contest.slug, entry.pk])
    ).content.decode()

    assert record.name in page
    assert "Новая версия.pdf" not in page
    file_url = "contests:judging_file"
    assert (
        client.get(
            reverse(file_url, args=[contest.slug, entry.pk, record.pk])
        ).status_code
        == 200
    )
    assert (
        client.get(
            reverse(file_url, args=[contest.slug, entry.pk, newer.pk])
        ).status_code
        == 404
    )


# --- 6. A secret poll's ballot leaves no member in the traces ------------------------


def _vote(client: Client, poll) -> None:
    option = PollOption.objects.filter(poll=poll).order_by("position").first()
    response = client.post(
        reverse("polls:vote", args=[poll.pk]), {f"poll{poll.pk}-choice": option.pk}
    )
    assert response.status_code == 302


def test_a_secret_polls_ballot_is_traced_without_its_member(member):
    poll = community_make.poll(voters_shown=False)
    client = _client(member)

    _vote(client, poll)
    client.post(reverse("polls:unvote", args=[poll.pk]))

    traces = RequestTrace.objects.filter(action__startswith="polls:")
    assert traces.count() == 2
    assert not traces.filter(user=member).exists()


def test_a_ballot_in_a_poll_with_voters_shown_is_traced_with_its_member(member):
    poll = community_make.poll(voters_shown=True)

    _vote(_client(member), poll)

    assert RequestTrace.objects.filter(user=member, action="polls:vote").exists()


# --- 1, at once: a seat and an entry by the same expert -----------------------------


@pytest.mark.django_db(transaction=True)
def test_an_expert_joining_the_jury_and_entering_at_once_does_one(vocabulary):
    """Both take the contest's row first: whichever comes second is refused
    (PostgreSQL: each on its own connection, released at one barrier)."""
    from community.tests.races import needs_postgresql, together
    from contests.services import entries

    needs_postgresql()
    contest = make.contest(phase="entries")
    expert = make.expert()
    for _round in range(3):
        Judge.objects.filter(contest=contest).delete()
        Entry.objects.filter(contest=contest).delete()

        raised = together(
            [
                lambda: judging.judge_join(contest=contest, user=expert),
                lambda: entries.entry_submit(
                    contest=contest,
                    nomination=contest.nominations.first(),
                    submitter=expert,
                    title="Мой урок",
                    text="Ход урока.",
                ),
            ]
        )

        refused = [error for error in raised if error is not None]
        assert len(refused) == 1, raised
        assert isinstance(refused[0], ValidationError)
        assert refused[0].code in ("entrant", "judge")
        seated = Judge.objects.filter(contest=contest, user=expert).exists()
        entered = Entry.objects.filter(contest=contest, authors=expert).exists()
        assert seated != entered
