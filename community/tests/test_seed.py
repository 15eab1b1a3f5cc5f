"""seed_demo: realistic Russian demo members, and nothing more on a second run."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from accounts import services as account_services
from accounts.models import Profile, User
from community.management.commands.seed_demo import (
    EXPERT_EMAILS,
    MODERATOR_EMAIL,
    TEACHERS,
)
from community.vocabulary import Region

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
DEMO_LOGIN = re.compile(
    r"Демонстрационные учётные записи \(пароль (?P<password>\S+)\):\n"
    r"  учитель +(?P<email>\S+)"
)
MODERATOR_LOGIN = re.compile(r"модератор \(админка\) +(?P<email>\S+)")


def seed() -> str:
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Profile.objects.count(),
        EmailAddress.objects.count(),
        Group.objects.get(name=account_services.MODERATORS).user_set.count(),
    )


def test_seed_demo_creates_members_with_profiles_and_addresses():
    seed()

    users, profiles, addresses, moderators = counts()
    assert users == len(TEACHERS)
    assert profiles == users
    assert addresses == users
    assert moderators == 1


def test_seed_demo_twice_adds_nothing():
    first_output = seed()
    after_first = counts()

    second_output = seed()

    assert counts() == after_first
    assert first_output != second_output  # the second run says nothing was added
    assert DEMO_LOGIN.search(second_output)


def test_seed_demo_login_user_has_verified_address_and_can_log_in(client):
    login = DEMO_LOGIN.search(seed())

    user = User.objects.get(email=login["email"])
    address = EmailAddress.objects.get(user=user)
    assert address.email == login["email"]
    assert address.verified
    assert address.primary
    assert client.login(email=login["email"], password=login["password"])
    assert not client.login(email=login["email"], password="not-the-password")


def test_seed_demo_moderator_is_staff_in_moderators_group():
    output = seed()

    moderator = User.objects.get(email=MODERATOR_LOGIN.search(output)["email"])
    assert moderator.is_staff
    assert not moderator.is_superuser
    assert moderator.groups.filter(name=account_services.MODERATORS).exists()


def test_seed_demo_profiles_are_russian_teachers():
    seed()

    profiles = Profile.objects.prefetch_related("subjects", "grades")
    for profile in profiles:
        assert CYRILLIC.search(profile.display_name), profile.display_name
        assert len(profile.display_name.split()) >= 2, profile.display_name
        assert CYRILLIC.search(profile.school), profile.school
        assert CYRILLIC.search(profile.city), profile.city
        assert profile.region in Region.values
        assert list(profile.subjects.all()), profile.display_name
        assert list(profile.grades.all()), profile.display_name
    # Colleagues from across the country, not one school.
    assert len({profile.region for profile in profiles}) >= 5
    assert len({profile.school for profile in profiles}) == len(profiles)


def test_seed_demo_keeps_existing_member_untouched(member):
    member_count = User.objects.count()
    display_name = member.profile.display_name

    seed()
    seed()

    member.profile.refresh_from_db()
    assert member.profile.display_name == display_name
    assert not member.groups.exists()
    assert User.objects.count() > member_count


def test_seed_demo_fills_personal_spaces_once():
    from accounts.models import BlogComment, BlogPost, Follow
    from community.management.commands.seed_demo import COMMENTS, FOLLOWS, POSTS

    seed()
    seed()

    assert BlogPost.objects.count() == len(POSTS)
    assert BlogPost.objects.filter(status=BlogPost.Status.DRAFT).count() == 1
    assert BlogComment.objects.count() == len(COMMENTS)
    assert Follow.objects.count() == len(FOLLOWS)
    demo = Profile.objects.get(user__email="demo@kollegi.local")
    assert demo.category == Profile.Category.HIGHEST
    assert "<li>" in demo.about_html
    assert demo.interests.count() == 2
    post = BlogPost.objects.get(title__startswith="Как я ввожу дроби")
    assert post.comment_count == 2
    assert post.slug.startswith("kak-ia-vvozhu-drobi")


def test_seed_demo_fills_forums_once():
    from community.management.commands.seed_demo import SECTIONS, TOPICS
    from forums.models import Post, Section, Topic

    seed()
    seed()

    # The site's own sections (the communities' are theirs: see below).
    site = {"section__group_id__isnull": True}
    assert Section.objects.filter(group_id__isnull=True).count() == len(SECTIONS)
    assert Section.objects.filter(is_informal=True).count() == 1
    assert Topic.objects.filter(**site).count() == len(TOPICS)
    assert Post.objects.filter(topic__section__group_id__isnull=True).count() == len(
        TOPICS
    ) + sum(len(t[5]) for t in TOPICS)
    assert (
        Topic.objects.filter(
            kind="question", accepted_post__isnull=False, **site
        ).count()
        == 2
    )


def test_seed_demo_fills_materials_once_with_files_and_ratings():
    from community.management.commands.seed_demo import MATERIALS
    from materials.models import Material, MaterialFile, Rating

    seed()
    seed()

    assert Material.objects.public().count() == len(MATERIALS)
    assert MaterialFile.objects.count() == len(MATERIALS)
    assert Rating.objects.count() == sum(len(row[-1]) for row in MATERIALS)
    fractions = Material.objects.get(title="Дробные числа. Урок для 5-го класса")
    assert fractions.rating_count == 3
    assert fractions.current_version.files.get().name == "Дроби 5 класс.txt"
    assert fractions.is_recommended
    assert (
        fractions.review_rounds.get().assignments.filter(status="submitted").count()
        == 2
    )


def test_seed_demo_fills_past_and_upcoming_master_classes_once():
    from community.management.commands.seed_demo import MASTERCLASSES
    from masterclasses.models import Certificate, Feedback, MasterClass, Registration

    seed()
    seed()

    # The site's own (the communities' meetings are theirs: see below).
    assert MasterClass.objects.filter(group_id__isnull=True).count() == len(
        MASTERCLASSES
    )
    assert (
        MasterClass.objects.filter(status="published", group_id__isnull=True).count()
        == 2
    )
    assert MasterClass.objects.filter(status="finished").count() == 1
    assert Registration.objects.filter(status="waitlisted").count() == 1
    assert Feedback.objects.count() == 2
    assert Certificate.objects.count() == 3  # two participants and the host


def test_seed_demo_founds_three_communities_once(client):
    """Public and open, members-only by request, private: each opened by its
    founders, with a request and an invitation waiting for the demo."""
    from circles.models import Community, Invitation, JoinRequest

    seed()
    seed()

    communities = {c.visibility: c for c in Community.objects.all()}
    assert set(communities) == {"public", "members", "private"}
    assert all(c.status == "open" and c.member_count >= 3 for c in communities.values())
    assert communities["public"].member_count == 4  # three founders, one joined
    assert JoinRequest.objects.filter(
        community=communities["members"], status="pending"
    ).exists()
    invitation = Invitation.objects.get(
        community=communities["private"], status="pending"
    )
    assert invitation.user.email == "demo@kollegi.local"
    # A visitor sees the public one, not the private one.
    page = client.get("/communities/").content.decode()
    assert communities["public"].name in page
    assert communities["private"].name not in page


def test_seed_demo_communities_hold_topics_materials_and_a_meeting_once():
    from circles.models import Community, CommunityMaterial
    from community.audience import Audience
    from forums.models import Topic
    from masterclasses.models import MasterClass

    seed()
    seed()

    communities = {c.visibility: c for c in Community.objects.all()}
    for visibility, community in communities.items():
        assert (
            community.section.audience
            == {
                "public": Audience.EVERYONE,
                "members": Audience.MEMBERS,
                "private": Audience.GROUP,
            }[visibility]
        )
        topics = Topic.objects.filter(section=community.section, is_pending=False)
        assert 2 <= topics.count() <= 3
        assert CommunityMaterial.objects.filter(community=community).count() == 2
        meeting = MasterClass.objects.get(group_id=community.pk)
        assert meeting.status == "published"
        assert meeting.format == "offline"
        assert meeting.group_only == (visibility == "members")
    public = communities["public"]
    assert Topic.objects.filter(
        section=public.section, kind="question", accepted_post__isnull=False
    ).exists()


def test_seed_demo_fills_conversations_a_request_and_answered_lines_once():
    """Two colleagues who follow each other write; a request from a colleague
    the demo teacher does not follow waits for her; each subject of the
    demo forum's sections has a line whose question its expert answered."""
    from accounts.models import Follow
    from community.management.commands.seed_demo import (
        CONVERSATIONS,
        LINES,
        SECTIONS,
    )
    from community.selectors import unread_counts
    from conversations.models import (
        Conversation,
        Line,
        Message,
        Participant,
        Question,
    )
    from conversations.permissions_lines import line_experts

    def sizes() -> tuple[int, int, int, int, int]:
        return (
            Conversation.objects.count(),
            Message.objects.count(),
            Participant.objects.count(),
            Line.objects.count(),
            Question.objects.count(),
        )

    seed()
    first = sizes()
    seed()

    assert sizes() == first
    demo = User.objects.get(email="demo@kollegi.local")
    petrov = User.objects.get(email="i.petrov@kollegi.local")
    orlova = User.objects.get(email="g.orlova@kollegi.local")
    assert Follow.objects.filter(follower=demo, followee=petrov).exists()
    assert Follow.objects.filter(follower=petrov, followee=demo).exists()
    talk = Conversation.objects.get(is_question=False, owner=petrov)
    assert set(
        talk.participants.filter(status=Participant.Status.ACTIVE).values_list(
            "user__email", flat=True
        )
    ) == {demo.email, petrov.email}
    assert talk.last_number == len(CONVERSATIONS[0][3]) == talk.messages.count()
    assert {m.author_id for m in talk.messages.all()} == {demo.pk, petrov.pk}
    assert all(CYRILLIC.search(m.body) for m in talk.messages.all())

    # Orlova's first message waits for the demo teacher, who does not follow her.
    assert not Follow.objects.filter(follower=demo, followee=orlova).exists()
    waiting = Participant.objects.get(user=demo, status=Participant.Status.REQUEST)
    assert waiting.conversation.owner == orlova
    assert waiting.conversation.messages.count() == 1
    # Only Petrov's last message counts in her header; the request does not.
    assert unread_counts(user=demo)["messages"] == 1

    subjects = {row[3] for row in SECTIONS if row[3]}
    assert {row[0] for row in LINES} == subjects
    for line in Line.objects.select_related("subject"):
        assert line.subject.slug in subjects
        question = Question.objects.get(line=line)
        assert question.status == Question.Status.ANSWERED
        assert question.answered_at is not None
        assert question.expert.email in EXPERT_EMAILS
        assert line_experts(line).filter(pk=question.expert_id).exists()
        assert question.asker.email != question.expert.email
        texts = question.conversation.messages.filter(kind=Message.Kind.TEXT)
        assert list(texts.values_list("author_id", flat=True)) == [
            question.asker_id,
            question.expert_id,
            question.asker_id,
        ]
    assert Line.objects.count() == len(subjects)


def test_seed_demo_awards_earned_badges_and_counts_the_month():
    from community.models import BadgeAward, MonthlyContribution

    seed()

    keys = set(BadgeAward.objects.values_list("badge__key", flat=True))
    assert {"first-post", "first-material", "recommended-material"} <= keys
    assert MonthlyContribution.objects.exists()


def test_seed_demo_is_quiet_and_ends_with_every_demo_login(caplog):
    with caplog.at_level("INFO"):
        output = seed()

    # No demo e-mail and no task log line between the seeding and the logins.
    assert mail.outbox == []
    assert not [r for r in caplog.records if r.name.startswith(("celery", "kombu"))]
    last = output.rstrip().splitlines()[-4:]
    assert last[0].startswith("Демонстрационные учётные записи (пароль ")
    assert TEACHERS[0][0] in last[1]
    assert MODERATOR_EMAIL in last[2]
    assert all(email in last[3] for email in EXPERT_EMAILS)
