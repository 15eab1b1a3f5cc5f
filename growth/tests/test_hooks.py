"""What «Мой путь» gives the community layer, each registration doing its
job: the notification kinds under the members' switch «Мой путь», the
private models, the attainments' listener, the link in the member's own
menu and personal space, and her data exported and erased with the account."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts import services as accounts
from accounts.account_data import account_data_sources
from accounts.models import NOTIFICATION_DEFAULTS, NotificationSetting
from community import attainments
from community.notifications import notification_kind, preferences
from community.privacy import is_private_model
from growth import account_data, kinds, services, tasks
from growth.models import (
    Evidence,
    EvidenceRefresh,
    Mentorship,
    OwnEvidence,
    Plan,
    PlanComment,
    PlanEvent,
    PlanItem,
)
from growth.tests.helpers import (
    make_evidence,
    make_item,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
)

pytestmark = pytest.mark.django_db

NOTIFICATION_KINDS = [
    kinds.MENTOR_INVITED,
    kinds.MENTOR_ANSWERED,
    kinds.COMMENTED,
    kinds.EVIDENCE_CONFIRMED,
    kinds.ITEM_DUE,
    kinds.DEVELOPMENT_DUE,
    kinds.DEVELOPMENT_OVERDUE,
]


def _client(client, user):
    client.force_login(user)
    return client


# --- Notification kinds and the switch -----------------------------------------------


def test_every_key_of_kinds_is_a_notification_kind_or_named_otherwise():
    keys = {
        value
        for name, value in vars(kinds).items()
        if name.isupper() and isinstance(value, str)
    }

    assert keys == {
        *NOTIFICATION_KINDS,
        kinds.PREFERENCE,
        kinds.ATTAINMENTS_LISTENER,
        kinds.REPORTABLE_PLAN,
    }


@pytest.mark.parametrize("key", NOTIFICATION_KINDS)
def test_growth_notification_kinds_obey_the_my_path_switch(key):
    kind = notification_kind(key)

    assert kind.preference == kinds.PREFERENCE == "growth"
    assert kind.urgent is (key == kinds.ITEM_DUE)
    values = {"actor": "Анна Петрова", "target": "Высшая категория", "count": 3}
    with translation.override("ru"):
        one, many = str(kind.one) % values, str(kind.many) % values
    assert "Высшая категория" in one
    assert "3" in many
    assert "%" not in one + many


def test_the_my_path_switch_is_a_members_preference_with_a_default():
    assert kinds.PREFERENCE in preferences().keys
    assert kinds.PREFERENCE == NotificationSetting.Kind.GROWTH
    assert NOTIFICATION_DEFAULTS[NotificationSetting.Kind.GROWTH] == "email"


def test_the_notification_settings_page_offers_the_my_path_switch(client, member):
    page = _client(client, member).get(reverse("accounts:settings_notifications"))

    assert page.status_code == 200
    assert 'name="kind_growth"' in page.content.decode()
    assert "мой путь" in page.content.decode().lower()


def test_a_member_who_switched_my_path_off_is_not_told():
    plan = make_plan()
    mentor = make_member()
    NotificationSetting.objects.create(
        user=mentor, kind=kinds.PREFERENCE, delivery=NotificationSetting.Delivery.OFF
    )

    make_mentor(plan, mentor, accept=False)

    assert not mentor.notifications.exists()


def test_an_invited_mentor_is_told(django_capture_on_commit_callbacks):
    plan = make_plan()
    mentor = make_member()

    with django_capture_on_commit_callbacks(execute=True):
        make_mentor(plan, mentor, accept=False)

    notification = mentor.notifications.get()
    assert notification.kind == kinds.MENTOR_INVITED


# --- Privacy, the attainments' listener, the checks -----------------------------------


@pytest.mark.parametrize(
    "model",
    [Plan, PlanItem, PlanComment, PlanEvent, OwnEvidence, Evidence, Mentorship],
)
def test_the_members_rows_are_private_models(model):
    assert is_private_model(model)


def test_the_attainments_listener_is_growths_task():
    assert attainments._listeners[kinds.ATTAINMENTS_LISTENER] is (
        tasks.attainments_changed
    )


def test_system_checks_pass_with_the_registrations_of_growth():
    call_command("check", stdout=io.StringIO())


# --- The member's menu and personal space --------------------------------------------


def _header(page) -> str:
    text = page.content.decode()
    return text[text.index("<header>") : text.index("</header>")]


def test_the_members_menu_links_to_my_path(client, member):
    header = _header(_client(client, member).get(reverse("forums:index")))

    assert f'href="{reverse("growth:index")}"' in header
    assert "Мой путь" in header


def test_a_visitors_header_has_no_my_path(client):
    header = _header(client.get(reverse("forums:index")))

    assert reverse("growth:index") not in header


def test_the_personal_space_links_to_my_path_for_its_owner_only(client, member):
    colleague = make_member()
    client = _client(client, member)

    own = client.get(reverse("accounts:profile", args=[member.username]))
    theirs = client.get(reverse("accounts:profile", args=[colleague.username]))

    space = own.content.decode().split('aria-label="Личное пространство"')[-1]
    assert f'href="{reverse("growth:index")}"' in space.split("</nav>")[0]
    other = theirs.content.decode().split('aria-label="Личное пространство"')[-1]
    assert reverse("growth:index") not in other.split("</nav>")[0]


# --- The member's data ---------------------------------------------------------------


def _busy_member(items: int = 1):
    """A member with a plan (items, a mentor's comment, her own evidence,
    evidence gathered) who also mentors a colleague's plan."""
    owner = make_member()
    plan = make_plan(owner, note="Готовлюсь к высшей")
    for index in range(items):
        make_item(plan, title=f"Курс по ФГОС {index}")
    mentor = make_mentor(plan).mentor
    services.comment_add(plan, actor=mentor, body="Хорошее начало")
    make_own_evidence(owner, title="Открытый урок")
    make_evidence(owner, count=items)
    theirs = make_plan(make_member(), code="first")
    make_mentor(theirs, owner)
    services.comment_add(theirs, actor=owner, body="Совет коллеге")
    return owner, plan


def test_the_data_export_holds_her_plans_evidence_and_mentoring():
    owner, plan = _busy_member()

    exported = account_data.member_export(owner)[account_data.EXPORT_FILE]

    [mine] = exported["plans"]
    assert mine["target"] == plan.target.title
    assert mine["framework_version"] == 1
    assert mine["note"] == "Готовлюсь к высшей"
    assert [item["title"] for item in mine["items"]] == ["Курс по ФГОС 0"]
    assert [c["text"] for c in mine["comments"]] == ["Хорошее начало"]
    assert mine["history"]
    assert mine["mentors"][0]["status"] == "active"
    assert exported["own_evidence"][0]["title"] == "Открытый урок"
    assert len(exported["evidence"]) == 1
    [mentoring] = exported["mentoring"]
    assert mentoring["my_comments"][0]["text"] == "Совет коллеге"
    json.dumps(exported, default=str)  # JSON-able, as the export writes it


def test_the_export_reads_no_more_for_a_busier_member():
    quiet, _plan = _busy_member(items=1)
    busy, _busy_plan = _busy_member(items=4)
    make_plan(busy, code="methodist")

    with CaptureQueriesContext(connection) as few:
        account_data.member_export(quiet)
    with CaptureQueriesContext(connection) as many:
        account_data.member_export(busy)

    assert len(many.captured_queries) == len(few.captured_queries) <= 10


def test_the_account_export_zip_has_growth_json(member):
    make_plan(member)

    assert "growth" in [source.key for source in account_data_sources()]
    archive = zipfile.ZipFile(io.BytesIO(accounts.account_export(user=member)))

    assert "growth.json" in archive.namelist()


def test_deleting_the_account_erases_her_plans_and_ends_her_mentoring(
    django_capture_on_commit_callbacks,
):
    owner, plan = _busy_member()
    theirs = Mentorship.objects.get(mentor=owner)
    EvidenceRefresh.objects.get_or_create(
        owner=owner, defaults={"refreshed_at": plan.created_at}
    )

    with django_capture_on_commit_callbacks(execute=True):
        accounts.account_delete(user=owner)

    assert not Plan.objects.filter(owner=owner).exists()
    assert not PlanItem.objects.filter(plan_id=plan.pk).exists()
    assert not OwnEvidence.objects.filter(owner=owner).exists()
    assert not Evidence.objects.filter(owner=owner).exists()
    assert not EvidenceRefresh.objects.filter(owner=owner).exists()
    theirs.refresh_from_db()
    assert theirs.status == Mentorship.Status.ENDED
    assert theirs.plan.events.filter(action=PlanEvent.Action.MENTOR_LEFT).exists()
    # Her advice stays in the colleague's plan, under "deleted member".
    assert PlanComment.objects.filter(plan=theirs.plan, author=owner).exists()


def test_deleting_the_account_removes_her_evidence_files(
    django_capture_on_commit_callbacks,
):
    from materials.tests.factories import pdf_upload

    owner = make_member()
    evidence = services.own_evidence_add(
        owner=owner,
        kind=OwnEvidence.Kind.PUBLICATION,
        title="Статья",
        happened_on=datetime.date(2025, 3, 1),
        upload=pdf_upload("Статья.pdf"),
        link="",
        competency_code="R.3",
    )
    storage = OwnEvidence._meta.get_field("file").storage
    name = evidence.file.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        accounts.account_delete(user=owner)

    assert not storage.exists(name)
