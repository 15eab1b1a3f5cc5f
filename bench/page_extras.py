"""What the member's pages of the later apps need, beside ``community_data``'s fill.

    from bench.page_extras import fill_extras
    fill_extras(member)   # once: a second call finds its rows and does nothing

For the benchmark's member (``bench/pages.py``'s ``bench_member()``): a
colleague's published blog post with 50 comments by 50 members (hers among
them), 60 bookmarks of topics and materials, two open communities she
belongs to (one founded with her, one by her) with members and forum topics,
a contest of the first with entries, 24 conversations with her, the first
of 40 messages and the others of two (she follows their other members, so
none waits as a request), three published courses, one of which she is
enrolled in with two of its five units done, and a plan of «Мой путь» with
items (two done), her own evidence and the evidence the other apps give her.
About ten seconds (twenty on a busy machine): everything goes through the
apps' services (their checks, counts, notifications and search entries, as
the site makes them), in one transaction; the tasks they
hand to Celery run in the process meanwhile (e-mail to the dummy backend),
so that the queues are left empty. Only what has no member's service is
written directly: the course author's trust (a moderator's act) and the
member's previous visit (written by beat from the cache), so that "new since
my last visit" counts from a day ago rather than from the default week.
"""

import datetime
import logging
import random

COMMUNITIES = (
    "Методическое объединение: ЕГЭ без паники",
    "Молодые учителя математики",
)
BLOG_TITLE = "Как я веду разбор контрольной: пять приёмов"
COMMENTS = 50
BOOKMARKS = 60
CONVERSATIONS = 24
LONG_CONVERSATION = 40  # messages in the first (the page loaded); 2 in the others
COURSES = 3
CONTEST_ENTRIES = 12


def fill_extras(member, *, seed: int = 2026) -> dict[str, int]:
    """Make the rows; returns how many of each (nothing when they exist)."""
    from django.db import transaction
    from django.test.utils import override_settings

    from circles.models import Community
    from community.celery import app

    if Community.objects.filter(name=COMMUNITIES[0]).exists():
        return {}
    rng = random.Random(seed)  # noqa: S311 - repeatable bench data, not secrets
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the tasks run here: no queue left behind
    loggers = [logging.getLogger(name) for name in ("celery", "kombu")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)  # not a line per task
    try:
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
            ),
            transaction.atomic(),
        ):
            return _fill(member, rng)
    finally:
        app.conf.task_always_eager = eager
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _fill(member, rng: random.Random) -> dict[str, int]:
    from accounts.models import User
    from bench.community_data import Text

    text = Text(rng, tail=3000)
    others = _Ring(
        User.objects.filter(is_active=True)
        .exclude(pk=member.pk)
        .select_related("profile")
        .order_by("pk")[:120]
    )
    made: dict[str, int] = {}
    made |= _blog(member, others, text)
    communities, topics = _communities(member, others, text)
    made["communities"] = len(communities)
    made["community_topics"] = len(topics)
    made |= _contest(communities[0], member, others, text)
    made |= _conversations(member, others, text)
    made |= _courses(member, others, text)
    made |= _growth(member, communities[0], text)
    made |= _bookmarks(member)
    made |= _visit(member)
    return made


class _Ring(list):
    """The member's colleagues; ``take(start, count)`` goes round the list, so
    a smaller community (a test's: 60 members) serves as well."""

    def take(self, start: int, count: int, *, skip=()) -> list:
        skipped = {user.pk for user in skip}
        chosen = [
            user
            for offset in range(len(self))
            if (user := self[(start + offset) % len(self)]).pk not in skipped
        ]
        return chosen[:count]

    def at(self, index: int):
        return self[index % len(self)]


def _blog(member, others, text) -> dict[str, int]:
    """A colleague's post (the profile's member, ``pages()``'s tenth) with
    50 comments, the member's among them."""
    from accounts.services import blog

    author = others.at(9)
    post = blog.post_create(
        author=author,
        title=BLOG_TITLE,
        body="\n\n".join(text.paragraph(60, 120) for _n in range(6)),
        tags=["ЕГЭ", "методика", "оценивание"],
        publish=True,
    )
    commenters = [member, *others.take(10, COMMENTS - 1, skip=[author])]
    for user in commenters:
        blog.comment_create(post=post, author=user, body=text.paragraph(10, 60))
    return {"blog_comments": COMMENTS}


def _communities(member, others, text):
    """A public open community founded by a colleague with the member, and a
    members-only one she founded; 33 and 13 members; topics with replies."""
    from circles import services as circles
    from circles.models import Community, Invitation
    from community.models import Subject
    from forums import services as forums

    subjects = list(Subject.objects.order_by("pk")[:2])
    shapes = (
        # founder, co-founders, joiners, visibility, topics
        (others.at(20), [member, others.at(21)], others.take(22, 30), "public", 8),
        (member, others.take(60, 2), others.take(62, 10), "members", 4),
    )
    communities, topics = [], []
    for (founder, cofounders, joiners, visibility, topic_count), name, subject in zip(
        shapes, COMMUNITIES, subjects, strict=True
    ):
        community = circles.community_propose(
            founder=founder,
            name=name,
            purpose=text.paragraph(10, 25),
            description=text.paragraph(40, 80),
            visibility=visibility,
            joining=Community.Joining.OPEN,
            cofounders=cofounders,
            subject=subject,
            tags=["ЕГЭ", "методика"],
        )
        for user in cofounders:
            circles.cofounder_answer(
                invitation=Invitation.objects.get(community=community, user=user),
                user=user,
                accept=True,
            )
        for user in joiners:
            circles.community_join(community=community, user=user)
        community.refresh_from_db()
        writers = [founder, *cofounders, *joiners]
        for number in range(topic_count):
            topic = forums.topic_create(
                section=community.section,
                # Its moderators: a newcomer's topic would wait for one.
                author=writers[number % (1 + len(cofounders))],
                title=text.title(),
                body=text.paragraph(30, 90),
            )
            for reply in range(3):
                forums.post_create(
                    topic=topic,
                    author=writers[(number + reply + 1) % len(writers)],
                    body=text.paragraph(10, 60),
                )
            topics.append(topic)
        communities.append(community)
    return communities, topics


def _contest(community, member, others, text) -> dict[str, int]:
    """The first community's contest, taking entries, with 12 text entries
    (the member's among them), in two nominations."""
    from django.utils import timezone

    from contests.models import Nomination
    from contests.services import contests, entries

    now = timezone.now().replace(second=0, microsecond=0)
    organiser = community.founder
    contest = contests.contest_create(
        organiser=organiser,
        community=community,
        # Without a subject only the community's members are told: the same
        # few notifications at any scale.
        subject=None,
        title="Конкурс методических разработок «Урок, который получился»",
        summary=text.paragraph(10, 20)[:500],
        rules="\n\n".join(text.paragraph(30, 60) for _n in range(3)),
        submissions_open_at=now - datetime.timedelta(days=3),
        submissions_close_at=now + datetime.timedelta(days=30),
        judging_close_at=now + datetime.timedelta(days=45),
        public_vote=True,
        nominations=[
            {"title": "Урок", "criteria": ["Цель", "Структура", "Новизна"]},
            {"title": "Внеурочная работа", "criteria": ["Замысел", "Результат"]},
        ],
    )
    contest = contests.contest_publish(contest=contest, actor=organiser)
    nominations = list(Nomination.objects.filter(contest=contest).order_by("position"))
    authors = [member, *others.take(22, CONTEST_ENTRIES - 1, skip=[organiser])]
    for number, author in enumerate(authors):
        entries.entry_submit(
            contest=contest,
            nomination=nominations[number % len(nominations)],
            submitter=author,
            title=text.title(),
            text="\n\n".join(text.paragraph(40, 90) for _n in range(3)),
        )
    return {"contest_entries": CONTEST_ENTRIES}


def _conversations(member, others, text) -> dict[str, int]:
    """Colleagues write to the member (she follows them: no request waits);
    every fourth conversation has a third member. The first, of three, runs
    to 40 messages; the others have an answer each."""
    from accounts.services import relations
    from conversations import services as conversations

    writers = others.take(30, CONVERSATIONS)
    for user in writers:
        relations.follow_create(follower=member, followee=user)
    sent = 0
    for number, sender in enumerate(writers):
        recipients = [member]
        if number % 4 == 0:  # a group: its third follows the sender too
            recipients += others.take(90 + number, 1, skip=[sender])
            relations.follow_create(follower=recipients[-1], followee=sender)
        conversation = conversations.conversation_start(
            sender=sender,
            recipients=recipients,
            subject=text.title(),
            body=text.paragraph(10, 50),
        )
        for reply in range(1, LONG_CONVERSATION if number == 0 else 2):
            conversations.message_send(
                conversation=conversation,
                author=recipients[reply % len(recipients)] if reply % 2 else sender,
                body=text.paragraph(5, 50),
            )
        sent += LONG_CONVERSATION if number == 0 else 2
    return {"conversations": CONVERSATIONS, "messages": sent}


def _courses(member, others, text) -> dict[str, int]:
    """Three published courses of a trusted author, made of the site's
    material, master-class and topic with a reading and an assignment; the
    member and ten colleagues enrolled in the first, she has two units done."""
    from django.utils import timezone

    from community.audience import Audience
    from courses import services as courses
    from courses.models import TrustedAuthor, Unit
    from forums.models import Topic
    from masterclasses.models import MasterClass
    from materials.models import Material

    author = others.at(40)
    # A moderator's trust (``trusted_author_set``): the bench has no moderator.
    TrustedAuthor.objects.get_or_create(user=author)
    materials = list(Material.objects.public().order_by("-pk")[:COURSES])
    masterclasses = list(
        MasterClass.objects.filter(
            status=MasterClass.Status.PUBLISHED, starts_at__gt=timezone.now()
        ).order_by("starts_at")[:COURSES]
    )
    # A course stands on what everyone may read.
    topics = list(
        Topic.objects.filter(section__audience=Audience.EVERYONE).order_by("-pk")[
            :COURSES
        ]
    )
    made = []
    for number in range(COURSES):
        course = courses.course_create(
            author=author,
            title=text.title(),
            annotation=text.paragraph(15, 30)[:1000],
            goals="\n".join(f"- {text.paragraph(8, 15)}" for _n in range(4)),
            subject=materials[number].subject,
            tags=["методика", "оценивание"],
        )
        units = [
            ("reading", {"body": text.paragraph(80, 160)}),
            ("material", {"material": materials[number]}),
            ("masterclass", {"masterclass": masterclasses[number]}),
            ("discussion", {"topic": topics[number]}),
            ("assignment", {"body": text.paragraph(20, 40), "reviews_needed": 1}),
        ]
        for kind, fields in units:
            courses.unit_add(
                course=course,
                editor=author,
                kind=kind,
                title=text.title(),
                hours=2,
                **fields,
            )
        made.append(courses.course_submit(course=course, author=author))
    course = made[0]
    for user in [member, *others.take(100, 10, skip=[author])]:
        courses.enrol(course=course, user=user)
    units = {unit.kind: unit for unit in Unit.objects.filter(course=course)}
    courses.reading_done(unit=units[Unit.Kind.READING], user=member)
    courses.material_open(unit=units[Unit.Kind.MATERIAL], user=member)
    return {"courses": COURSES, "enrolments": 11}


def _growth(member, community, text) -> dict[str, int]:
    """Her plan toward the highest category: a course, a master-class, the
    community, a reading and her own steps (two done); three pieces of her
    own evidence; the evidence the other apps give her gathered."""
    from django.utils import timezone

    from courses.models import Course
    from growth import services as growth
    from growth.models import Competency, Target
    from masterclasses.models import MasterClass

    target = Target.objects.filter(
        version__is_current=True, code=Target.Code.HIGHEST
    ).first()
    if target is None:  # no framework loaded: nothing to aim for
        return {}
    today = timezone.localdate()
    plan = growth.plan_create(
        owner=member,
        target=target,
        starts_on=today - datetime.timedelta(days=90),
        note=text.paragraph(20, 40),
    )
    codes = list(
        Competency.objects.filter(version_id=target.version_id)
        .order_by("order", "pk")
        .values_list("code", flat=True)
    )
    competencies = {
        item.code: item
        for item in Competency.objects.filter(version_id=target.version_id)
    }
    course = Course.objects.published().order_by("pk").first()
    masterclass = MasterClass.objects.filter(
        status=MasterClass.Status.PUBLISHED
    ).order_by("-pk")[0]
    things = [
        ("course", course),
        ("masterclass", masterclass),
        ("community", community),
        ("reading", None),
        ("own", None),
        ("own", None),
        ("reading", None),
        ("own", None),
    ]
    for number, (kind, thing) in enumerate(things):
        item = growth.item_add(
            plan,
            actor=member,
            kind=kind,
            title=str(thing) if thing is not None else text.title(),
            url=thing.get_absolute_url() if thing is not None else "",
            object_key=(
                f"{thing._meta.label_lower}:{thing.pk}" if thing is not None else ""
            ),
            competency=competencies[codes[number % len(codes)]],
            due_on=today + datetime.timedelta(days=30 * (number - 2)),
        )
        if number < 2:
            growth.item_done(item, actor=member, done=True)
    for number, kind in enumerate(("talk", "publication", "contest")):
        growth.own_evidence_add(
            owner=member,
            kind=kind,
            title=text.title(),
            description=text.paragraph(10, 30),
            happened_on=today - datetime.timedelta(days=20 * (number + 1)),
            link=f"https://example.org/evidence/{number + 1}",
            competency_code=codes[(3 * number) % len(codes)],
        )
    growth.evidence_refresh(member.pk)
    return {"plan_items": len(things), "own_evidence": 3}


def _bookmarks(member) -> dict[str, int]:
    """Topics and materials, half and half, newest first."""
    from accounts.services import relations
    from forums.models import Topic
    from materials.models import Material

    half = BOOKMARKS // 2
    topics = Topic.objects.filter(section__group_id__isnull=True).order_by("-pk")
    for topic_id in topics.values_list("pk", flat=True)[:half]:
        relations.bookmark_set(user=member, key="topic", object_id=topic_id, on=True)
    materials = Material.objects.public().order_by("-pk")
    for material_id in materials.values_list("pk", flat=True)[:half]:
        relations.bookmark_set(
            user=member, key="material", object_id=material_id, on=True
        )
    return {"bookmarks": BOOKMARKS}


def _visit(member) -> dict[str, int]:
    """Her last visit a day ago: the next request starts a new visit, and
    "new since my last visit" counts from then (beat writes these times
    from the cache; there is no service to call)."""
    from django.utils import timezone

    from accounts.models import User

    now = timezone.now()
    return {
        "visit": User.objects.filter(pk=member.pk, last_seen_at__isnull=True).update(
            last_seen_at=now - datetime.timedelta(days=1),
            previous_visit_at=now - datetime.timedelta(days=3),
        )
    }
