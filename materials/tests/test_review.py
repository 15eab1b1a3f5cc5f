"""The expert review, branch by branch: submission, reviewers, rubric, deadlines,
decisions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import AuditEntry, Notification, Subject
from materials import kinds, services
from materials.models import Material, Review, ReviewAssignment, ReviewRound
from materials.tests.factories import MaterialFactory, docx_upload
from materials.uploads import file_check

pytestmark = pytest.mark.django_db

ALL_FIVES = {
    "accuracy": 5,
    "methodology": 5,
    "structure": 4,
    "usefulness": 5,
    "design": 5,
}


def expert(subject: str = "mathematics", school: str = "") -> object:
    user = UserFactory()
    user.profile.subjects.set([Subject.objects.get(slug=subject)])
    if school:
        user.profile.school = school
        user.profile.save()
    return accounts.user_grant_role(user=user, role=accounts.EXPERTS)


def _write(assignment, recommendation="recommend", scores=ALL_FIVES, summary="Годится"):
    return services.review_write(
        assignment=assignment,
        reviewer=assignment.reviewer,
        scores=scores,
        comments={"accuracy": "Без ошибок"},
        recommendation=recommendation,
        summary=summary,
    )


def _submitted(material=None) -> ReviewRound:
    material = material or MaterialFactory()
    return services.review_request(material=material, author=material.author)


def _two_reviews(round_, first="recommend", second="recommend", scores=ALL_FIVES):
    for recommendation in (first, second):
        assignment = services.review_take(round_=round_, reviewer=expert())
        _write(assignment, recommendation=recommendation, scores=scores)
    round_.refresh_from_db()
    return round_


# --- Submission ---------------------------------------------


def test_request_puts_the_material_in_review_and_tells_the_subjects_experts():
    maths, physics = expert(), expert("physics")
    material = MaterialFactory()

    round_ = services.review_request(material=material, author=material.author)

    material.refresh_from_db()
    assert material.review_status == Material.Review.IN_REVIEW
    assert round_.version == material.current_version
    assert Notification.objects.filter(
        recipient=maths, kind=kinds.REVIEW_REQUEST
    ).exists()
    assert not Notification.objects.filter(recipient=physics).exists()
    assert AuditEntry.objects.filter(action="review_request").exists()


def test_only_the_author_of_a_published_material_submits_once(member):
    material = MaterialFactory()
    draft = MaterialFactory(status=Material.Status.DRAFT)

    with pytest.raises(PermissionDenied):
        services.review_request(material=material, author=member)
    with pytest.raises(PermissionDenied):
        services.review_request(material=draft, author=draft.author)
    services.review_request(material=material, author=material.author)
    with pytest.raises(PermissionDenied):  # already in review
        services.review_request(material=material, author=material.author)


# --- Reviewers ---------------------------------------------


def test_an_expert_takes_a_request_with_a_deadline(settings):
    settings.MATERIALS_REVIEW_DAYS = 10
    round_ = _submitted()
    reviewer = expert()

    assignment = services.review_take(round_=round_, reviewer=reviewer)

    due = assignment.due_at - timezone.now()
    assert datetime.timedelta(days=9, hours=23) < due <= datetime.timedelta(days=10)
    assert assignment.assigned_by is None


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("member", "expert"),
        ("physicist", "subject"),
        ("colleague", "school"),
    ],
)
def test_who_may_not_take_a_request(who, code):
    material = MaterialFactory()
    material.author.profile.school = "Гимназия № 5"
    material.author.profile.save()
    round_ = _submitted(material)
    reviewer = {
        "member": lambda: UserFactory(),
        "physicist": lambda: expert("physics"),
        "colleague": lambda: expert(school="  гимназия № 5 "),
    }[who]()

    with pytest.raises(ValidationError) as error:
        services.review_take(round_=round_, reviewer=reviewer)

    assert error.value.code == code


def test_an_expert_never_reviews_their_own_material():
    author = expert()
    round_ = _submitted(MaterialFactory(author=author))

    with pytest.raises(ValidationError) as error:
        services.review_take(round_=round_, reviewer=author)

    assert error.value.code == "own"


def test_a_request_takes_only_the_required_reviewers_once_each(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    round_ = _submitted()
    first = expert()
    services.review_take(round_=round_, reviewer=first)

    with pytest.raises(ValidationError) as twice:
        services.review_take(round_=round_, reviewer=first)
    services.review_take(round_=round_, reviewer=expert())
    with pytest.raises(ValidationError) as full:
        services.review_take(round_=round_, reviewer=expert())

    assert (twice.value.code, full.value.code) == ("taken", "full")


def test_a_moderator_assigns_across_subjects_but_not_a_conflict(moderator):
    material = MaterialFactory()
    round_ = _submitted(material)
    physicist = expert("physics")

    assignment = services.review_assign(
        round_=round_, reviewer=physicist, moderator=moderator
    )

    assert assignment.assigned_by == moderator
    assert Notification.objects.filter(
        recipient=physicist, kind=kinds.REVIEW_ASSIGNED
    ).exists()
    with pytest.raises(ValidationError):
        services.review_assign(
            round_=round_, reviewer=material.author, moderator=moderator
        )
    with pytest.raises(PermissionDenied):
        services.review_assign(round_=round_, reviewer=expert(), moderator=physicist)


# --- The rubric and the rule ---------------------------------------------


def test_reviews_that_recommend_make_the_material_recommended():
    material = MaterialFactory()
    round_ = _two_reviews(_submitted(material))

    material.refresh_from_db()
    assert round_.status == ReviewRound.Status.DECIDED
    assert round_.decision == ReviewRound.Decision.RECOMMEND
    assert round_.decided_by is None
    assert material.review_status == Material.Review.RECOMMENDED
    assert Notification.objects.filter(
        recipient=material.author, kind=kinds.REVIEW_DECISION
    ).exists()
    assert Notification.objects.filter(
        recipient=material.author, kind=kinds.REVIEW_RECEIVED
    ).exists()
    entry = AuditEntry.objects.get(action="review_recommend")
    assert entry.actor is None
    assert "4.8" in entry.reason


def test_a_low_average_returns_it_for_revision():
    low = dict.fromkeys(ALL_FIVES, 3)
    material = MaterialFactory()

    round_ = _two_reviews(_submitted(material), scores=low)

    assert round_.decision == ReviewRound.Decision.REVISE
    assert Material.objects.get(pk=material.pk).review_status == Material.Review.REVISE


def test_all_rejecting_rejects_and_a_split_waits_for_a_moderator(moderator):
    rejected = _two_reviews(_submitted(), first="reject", second="reject")
    split = _two_reviews(_submitted(), first="recommend", second="reject")

    assert rejected.decision == ReviewRound.Decision.REJECT
    assert (split.status, split.decision) == (ReviewRound.Status.AWAITING, "")

    services.review_decide(
        round_=split, moderator=moderator, decision="recommend", note="Замечания мелкие"
    )
    split.refresh_from_db()
    assert (split.decision, split.decided_by) == ("recommend", moderator)
    assert split.material.review_status == Material.Review.RECOMMENDED
    entry = AuditEntry.objects.get(action="review_recommend", actor=moderator)
    assert entry.reason == "Замечания мелкие"
    with pytest.raises(ValidationError):
        services.review_decide(round_=split, moderator=moderator, decision="reject")


def test_one_review_below_the_required_number_decides_nothing(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    round_ = _submitted()

    _write(services.review_take(round_=round_, reviewer=expert()))

    round_.refresh_from_db()
    assert round_.status == ReviewRound.Status.OPEN


@pytest.mark.parametrize(
    ("scores", "summary", "recommendation"),
    [
        ({**ALL_FIVES, "design": 6}, "Ок", "recommend"),
        ({**ALL_FIVES, "design": 0}, "Ок", "recommend"),
        (ALL_FIVES, "   ", "recommend"),
        (ALL_FIVES, "Ок", "maybe"),
    ],
)
def test_a_bad_rubric_is_refused_and_nothing_is_saved(scores, summary, recommendation):
    assignment = services.review_take(round_=_submitted(), reviewer=expert())

    with pytest.raises(ValidationError):
        _write(
            assignment, scores=scores, summary=summary, recommendation=recommendation
        )

    assert not Review.objects.exists()
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.ACTIVE


def test_only_the_reviewer_writes_and_only_in_time(member):
    assignment = services.review_take(round_=_submitted(), reviewer=expert())

    with pytest.raises(PermissionDenied):
        services.review_write(
            assignment=assignment, reviewer=member, scores=ALL_FIVES,
            comments={}, recommendation="recommend", summary="x",
        )  # fmt: skip
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assignment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _write(assignment)


# --- Deadlines ---------------------------------------------


def test_reminder_once_before_the_deadline_even_when_run_twice(settings):
    settings.MATERIALS_REVIEW_DAYS = 14
    settings.MATERIALS_REVIEW_REMINDER_DAYS = 3
    assignment = services.review_take(round_=_submitted(), reviewer=expert())
    early = timezone.now() + datetime.timedelta(days=10)
    late = timezone.now() + datetime.timedelta(days=12)

    assert services.review_deadlines_run(now=early) == (0, 0)
    assert services.review_deadlines_run(now=late) == (1, 0)
    assert services.review_deadlines_run(now=late) == (0, 0)
    assert (
        Notification.objects.filter(
            recipient=assignment.reviewer, kind=kinds.REVIEW_REMINDER
        ).count()
        == 1
    )


def test_a_missed_deadline_frees_the_place_once(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 1
    round_ = _submitted()
    late_expert = expert()
    assignment = services.review_take(round_=round_, reviewer=late_expert)
    after = timezone.now() + datetime.timedelta(days=15)

    assert services.review_deadlines_run(now=after)[1] == 1
    assert services.review_deadlines_run(now=after)[1] == 0

    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.EXPIRED
    assert Notification.objects.filter(
        recipient=late_expert, kind=kinds.REVIEW_EXPIRED
    ).exists()
    assert AuditEntry.objects.filter(action="review_expired").count() == 1
    services.review_take(round_=round_, reviewer=expert())  # the place is free
    with pytest.raises(ValidationError):  # the late expert does not come back
        services.review_take(round_=round_, reviewer=late_expert)


def test_the_beat_task_runs_the_deadlines():
    from materials.tasks import review_deadlines_task

    assert review_deadlines_task.delay().get() == (0, 0)


# --- Revision and resubmission ---------------------------------------------


def test_revise_then_resubmit_a_new_version():
    low = dict.fromkeys(ALL_FIVES, 3)
    material = MaterialFactory()
    first = _two_reviews(_submitted(material), scores=low)
    material.refresh_from_db()

    with pytest.raises(ValidationError) as same:
        services.review_request(material=material, author=material.author)
    services.material_version_add(
        material=material,
        author=material.author,
        files=[file_check(docx_upload())],
        note="Исправлено по замечаниям",
    )
    material.refresh_from_db()
    second = services.review_request(material=material, author=material.author)
    material.refresh_from_db()

    assert same.value.code == "same_version"
    assert (first.version.number, second.version.number) == (1, 2)
    assert material.review_status == Material.Review.IN_REVIEW


def test_withdraw_returns_the_earlier_status():
    material = MaterialFactory()
    round_ = _submitted(material)
    services.review_take(round_=round_, reviewer=expert())

    services.review_withdraw(round_=round_, author=material.author)

    round_.refresh_from_db()
    material.refresh_from_db()
    assert round_.status == ReviewRound.Status.WITHDRAWN
    assert material.review_status == Material.Review.NONE
    assert not round_.assignments.filter(status=ReviewAssignment.Status.ACTIVE).exists()
    with pytest.raises(PermissionDenied):
        services.review_withdraw(round_=_submitted(), author=UserFactory())


# --- Pages ---------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_queue_is_for_experts_and_shows_only_what_they_may_take(member):
    reviewer = expert(school="Лицей № 1")
    mine = _submitted(MaterialFactory(title="В моём предмете"))
    _submitted(
        MaterialFactory(title="Физика", subject=Subject.objects.get(slug="physics"))
    )
    neighbour = MaterialFactory(title="Из моей школы")
    neighbour.author.profile.school = "лицей № 1"
    neighbour.author.profile.save()
    _submitted(neighbour)

    assert _client(member).get(reverse("materials:review_queue")).status_code == 404
    response = _client(reviewer).get(reverse("materials:review_queue"))

    assert [round_.pk for round_ in response.context["page_obj"]] == [mine.pk]


def test_take_and_write_a_review_through_the_pages():
    reviewer = expert()
    round_ = _submitted()
    client = _client(reviewer)

    response = client.post(reverse("materials:review_take", args=[round_.pk]))
    assignment = ReviewAssignment.objects.get()
    assert response["Location"] == reverse(
        "materials:review_write", args=[assignment.pk]
    )

    bad = client.post(
        response["Location"],
        {**ALL_FIVES, "recommendation": "recommend", "accuracy_comment": "Точно"},
    )
    assert bad.status_code == 400
    assert "Точно" in bad.content.decode()
    good = client.post(
        response["Location"],
        {**ALL_FIVES, "recommendation": "recommend", "summary": "Полезный урок"},
    )
    assert good.status_code == 302
    assert Review.objects.get().summary == "Полезный урок"
    assert _client(UserFactory()).get(response["Location"]).status_code == 404


def test_the_author_reads_blind_reviews_and_others_do_not(settings, member):
    settings.MATERIALS_BLIND_REVIEW = True
    material = MaterialFactory()
    _two_reviews(_submitted(material))
    reviewer_name = ReviewAssignment.objects.first().reviewer.profile.shown_name

    page = _client(material.author).get(material.get_absolute_url()).content.decode()
    assert "Годится" in page
    assert reviewer_name not in page
    assert (
        "Годится"
        not in _client(member).get(material.get_absolute_url()).content.decode()
    )
    assert "Годится" not in Client().get(material.get_absolute_url()).content.decode()

    settings.MATERIALS_BLIND_REVIEW = False
    page = _client(material.author).get(material.get_absolute_url()).content.decode()
    assert reviewer_name in page


def test_submit_and_withdraw_through_the_page():
    material = MaterialFactory()
    client = _client(material.author)

    client.post(reverse("materials:review_submit", args=[material.pk]))
    assert ReviewRound.objects.filter(status="open").count() == 1
    again = client.post(reverse("materials:review_submit", args=[material.pk]))
    assert again.status_code == 404  # already in review: nothing to submit
    client.post(reverse("materials:review_withdraw", args=[material.pk]))
    assert ReviewRound.objects.get().status == ReviewRound.Status.WITHDRAWN
    assert (
        _client(UserFactory())
        .post(reverse("materials:review_submit", args=[material.pk]))
        .status_code
        == 404
    )


def test_queue_keeps_fixed_queries(django_assert_max_num_queries):
    reviewer = expert()
    for material in MaterialFactory.create_batch(55):
        _submitted(material)
    client = _client(reviewer)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("materials:review_queue"))

    assert len(response.context["page_obj"]) == 20


def test_material_page_with_reviews_keeps_fixed_queries(django_assert_max_num_queries):
    material = MaterialFactory()
    for _round in range(3):
        round_ = _two_reviews(_submitted(material), scores=dict.fromkeys(ALL_FIVES, 3))
        services.material_version_add(
            material=material, author=material.author, files=[file_check(docx_upload())]
        )
        material.refresh_from_db()
    client = _client(material.author)

    with django_assert_max_num_queries(20):
        response = client.get(material.get_absolute_url())

    assert len(response.context["review_rounds"]) == 3
    assert round_.decision == "revise"


# --- Admin ---------------------------------------------


def test_moderator_assigns_and_decides_in_admin(moderator):
    round_ = _submitted()
    reviewer = expert("physics")
    client = _client(moderator)

    response = client.post(
        reverse("admin:materials_reviewassignment_add"),
        {"round": round_.pk, "reviewer": reviewer.pk},
    )
    assert response.status_code == 302
    assert ReviewAssignment.objects.get().assigned_by == moderator

    own = client.post(
        reverse("admin:materials_reviewassignment_add"),
        {"round": round_.pk, "reviewer": round_.material.author.pk},
    )
    assert own.status_code == 200
    assert ReviewAssignment.objects.count() == 1

    response = client.post(
        reverse("admin:materials_reviewround_change", args=[round_.pk]),
        {
            "decision": "revise",
            "decision_note": "Добавьте ключи",
            "assignments-TOTAL_FORMS": "1",
            "assignments-INITIAL_FORMS": "1",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
            "assignments-0-id": ReviewAssignment.objects.get().pk,
            "assignments-0-round": round_.pk,
        },
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.decision, round_.decided_by) == ("revise", moderator)
    assert AuditEntry.objects.filter(action="review_revise", actor=moderator).exists()


def test_a_material_in_review_can_still_be_deleted_by_its_author(
    django_capture_on_commit_callbacks,
):
    material = MaterialFactory()
    _two_reviews(_submitted(material))

    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(material=material, actor=material.author)

    assert not Material.objects.exists()
    assert not ReviewRound.objects.exists()
    assert AuditEntry.objects.filter(action="review_recommend").exists()
