"""A large community for benchmarks: members, forums, materials, master-classes.

    from bench.community_data import fill
    fill(scale=1.0)   # 10,000 members, 50,000 topics, 1,000,000 posts, 100,000
                      # materials, 5,000 master-classes, and their search entries

Rows are made with ``bulk_create`` in batches (the services would take hours
for a million posts); the search entries are written by
``community.search.search_index_many`` from the same in-memory rows, as the
services would write them. Text is Russian, drawn from a teacher's vocabulary
with a Zipf-like frequency, so that the full-text index has realistic
lexemes and selectivity. Repeatable: the random generator is seeded.
"""

import datetime
import itertools
import random
from collections.abc import Callable

VOCABULARY = """
урок урока уроке уроки уроков учитель учителя учителей ученик ученика ученики
учеников класс класса классе классы классов школа школы школе школ задача задачи
задач задание задания заданий дроби дробей дробь дробные числа число чисел
уравнение уравнения уравнений математика математике математики геометрия
геометрии треугольник треугольника площадь периметр физика физике физики
опыт опыта опыты лабораторная работа работы работу химия химии реакция
биология биологии клетка растения фотосинтез история истории войны революция
литература литературы роман поэма стихотворение сочинение сочинения эссе
аргумент аргументы русский язык языка орфография пунктуация причастие
причастия деепричастие английский грамматика лексика чтение текст текста
тексты проект проекта проекты олимпиада олимпиады олимпиаде подготовка
подготовки экзамен экзамена ЕГЭ ОГЭ ВПР контрольная проверочная тест теста
тесты вопрос вопросы ответ ответы методика методики методический приём
приёмы игра игры игровые мотивация внимание дисциплина родители родителей
собрание собрания классный руководитель оценка оценки оценивание критерии
критериев рубрика портфолио аттестация категория категории наставник
наставничество семинар вебинар мастер-класс конференция презентация слайды
доска интерактивная цифровые ресурсы платформа электронный журнал домашнее
задание домашние повторение закрепление объяснение пример примеры решение
решения ошибка ошибки ошибок правило правила таблица схема карточки кроссворд
викторина эксперимент наблюдение исследование результаты вывод выводы
пятый шестой седьмой восьмой девятый десятый одиннадцатый начальная школа
первоклассники дошкольники психология инклюзия адаптация ФГОС программа
рабочая программа планирование тематическое календарное четверть каникулы
"""
LINKING = "и в на с по для как что это не но о из к у от до за при"
FIRST_NAMES = """Анна Мария Елена Ольга Татьяна Наталья Ирина Светлана Марина Галина
Иван Сергей Алексей Дмитрий Андрей Михаил Николай Павел Юрий Владимир"""
LAST_NAMES = """Иванов Петров Смирнов Кузнецов Соколов Попов Лебедев Козлов Новиков
Морозов Волков Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов
Богданов Воробьёв Фёдоров Михайлов Беляев Тарасов Белов Комаров Орлов Киселёв"""
WORDS, LINKS = VOCABULARY.split(), LINKING.split()
NAMES, SURNAMES = FIRST_NAMES.split(), LAST_NAMES.split()

SCALE_1 = {
    "members": 10_000,
    "sections": 40,
    "topics": 50_000,
    "posts": 1_000_000,
    "materials": 100_000,
    "masterclasses": 5_000,
    # One long topic: a page deep inside it is the heaviest forum page.
    "long_topic_posts": 2_000,
    "ratings": 200_000,
    "registrations": 100_000,
    "notifications": 200_000,
    # The home feed: every topic and material opened, in its subject.
    "activity": 150_000,
}


COMMON = """можно нужно очень было будет есть ещё уже только тоже всегда сейчас
время год дети детей вот так там здесь когда если чтобы потому хорошо много
свой свои этот эти который которые сказать делать знать думаю спасибо коллеги"""
CONSONANTS, VOWELS = "бвгджзклмнпрстфхчш", "аеиоуя"
ENDINGS = ["", "ость", "ение", "ный", "ать", "ка", "ник", "ация", "ов", "ами"]


class Text:
    """Sentences with a Zipf-like spread over 30,000 words, as real text has.

    The most frequent words are everyday ones; a teacher's vocabulary sits
    at ranks from 40 to about 8,000 (so «фотосинтез» is rare and «урок» is
    common); the long tail is made-up Russian-looking words. Titles draw
    mostly on the teacher's vocabulary.
    """

    def __init__(self, rng: random.Random, tail: int = 30_000) -> None:
        self.rng = rng
        made: set[str] = set()
        while len(made) < tail:
            syllables = "".join(
                rng.choice(CONSONANTS) + rng.choice(VOWELS)
                for _ in range(rng.randint(2, 4))
            )
            made.add(syllables + rng.choice(ENDINGS))
        long_tail = sorted(made)
        rng.shuffle(long_tail)
        vocabulary = COMMON.split() + long_tail
        teacher = WORDS[:]
        rng.shuffle(teacher)
        rank = 40.0
        for word in teacher:
            vocabulary.insert(int(rank), word)
            rank *= 1.018
        self.vocabulary = vocabulary
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 3) for rank in range(len(vocabulary)))
        )

    def words(self, count: int) -> list[str]:
        chosen = self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)
        for index in range(2, count, 4):
            chosen[index] = self.rng.choice(LINKS)
        return chosen

    def title(self) -> str:
        words = self.rng.sample(WORDS, self.rng.randint(2, 4)) + self.words(
            self.rng.randint(1, 3)
        )
        self.rng.shuffle(words)
        return " ".join(words).capitalize()

    def paragraph(self, low: int = 20, high: int = 80) -> str:
        words = self.words(self.rng.randint(low, high))
        sentences, start = [], 0
        while start < len(words):
            length = self.rng.randint(6, 14)
            sentences.append(" ".join(words[start : start + length]).capitalize() + ".")
            start += length
        return " ".join(sentences)


def _batches(total: int, size: int):
    for start in range(0, total, size):
        yield start, min(size, total - start)


def fill(
    scale: float = 1.0,
    *,
    batch: int = 5000,
    progress: Callable[[str, int, int], None] | None = None,
    counts: dict[str, int] | None = None,
) -> dict[str, int]:
    """Fill the (empty) database; returns how many rows of each kind.

    ``counts`` replaces some of the numbers the scale gives (tests use a
    small community of their own shape).
    """
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from taggit.models import Tag

    from accounts.models import Profile, User
    from community.models import Grade, Subject
    from community.search import search_index_many
    from forums.models import Post, Section, Topic
    from masterclasses.models import MasterClass
    from materials.models import Licence, Material

    counts = {key: max(1, int(value * scale)) for key, value in SCALE_1.items()} | (
        counts or {}
    )
    tell = progress or (lambda label, done, total: None)
    rng = random.Random(2026)  # noqa: S311 - repeatable bench data, not secrets
    text = Text(rng)
    now = timezone.now()
    subjects = list(Subject.objects.all())
    password = make_password("bench-password-2026")
    no_tags = Tag.objects.none()

    # Members.
    members: list[int] = []
    for start, size in _batches(counts["members"], batch):
        users = User.objects.bulk_create(
            User(
                username=f"teacher{n}",
                email=f"teacher{n}@school.example",
                password=password,
                date_joined=now - datetime.timedelta(days=rng.randint(40, 2000)),
            )
            for n in range(start, start + size)
        )
        profiles = Profile.objects.bulk_create(
            Profile(
                user=user,
                display_name=f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}",
                about=text.paragraph(10, 40),
                about_html=f"<p>{text.paragraph(10, 40)}</p>",
                school=f"Школа № {rng.randint(1, 2000)}",
                city="Москва",
            )
            for user in users
        )
        for profile, user in zip(profiles, users, strict=True):
            profile.user = user
            profile._prefetched_objects_cache = {
                "interests": no_tags,
                "subjects": Subject.objects.none(),
                "grades": Grade.objects.none(),
            }
        search_index_many(profiles)
        members.extend(user.pk for user in users)
        tell("members", start + size, counts["members"])

    # Forum sections, topics and posts: posts spread over topics, numbered.
    sections = [
        Section.objects.create(
            title=f"{subjects[n % len(subjects)].name_ru}: раздел {n + 1}",
            slug=f"bench-{n + 1}",
            subject=subjects[n % len(subjects)],
        )
        for n in range(counts["sections"])
    ]
    replies_per_topic = max(1, counts["posts"] // counts["topics"])
    posts_made = 0
    topic_batch = max(1, batch // replies_per_topic)
    for _start, size in _batches(counts["topics"], topic_batch):
        topics = Topic.objects.bulk_create(
            Topic(
                section=rng.choice(sections),
                author_id=rng.choice(members),
                title=text.title(),
                reply_count=replies_per_topic - 1,
                last_post_at=now - datetime.timedelta(minutes=rng.randint(1, 10**6)),
            )
            for _n in range(size)
        )
        posts = []
        for topic in topics:
            for number in range(1, replies_per_topic + 1):
                body = text.paragraph()
                posts.append(
                    Post(
                        topic=topic,
                        author_id=rng.choice(members),
                        number=number,
                        body=body,
                        body_html=f"<p>{body}</p>",
                    )
                )
        posts = Post.objects.bulk_create(posts)
        for topic in topics:
            topic._prefetched_objects_cache = {"tags": no_tags}
            topic.opening_posts = []
        for post in posts:
            if post.number == 1:
                post.topic.opening_posts = [post]
        search_index_many([*topics, *(post for post in posts if post.number > 1)])
        posts_made += len(posts)
        tell("posts", posts_made, counts["topics"] * replies_per_topic)
    counts["posts"] = posts_made

    # Materials.
    kinds = [choice for choice, _label in Material.Kind.choices]
    for start, size in _batches(counts["materials"], batch):
        made = Material.objects.bulk_create(
            Material(
                author_id=rng.choice(members),
                title=text.title(),
                summary=text.paragraph(8, 20)[:300],
                description=text.paragraph(40, 120),
                description_html=f"<p>{text.paragraph(40, 120)}</p>",
                subject=rng.choice(subjects),
                kind=rng.choice(kinds),
                licence=Licence.CC_BY,
                rights_confirmed=True,
                status=Material.Status.PUBLISHED,
                published_at=now - datetime.timedelta(minutes=rng.randint(1, 10**6)),
            )
            for _n in range(size)
        )
        for material in made:
            material._prefetched_objects_cache = {
                "tags": no_tags,
                "grades": Grade.objects.none(),
            }
        search_index_many(made)
        tell("materials", start + size, counts["materials"])

    # Master-classes: upcoming and past.
    for start, size in _batches(counts["masterclasses"], batch):
        made = []
        for _n in range(size):
            starts = now + datetime.timedelta(hours=rng.randint(-24 * 300, 24 * 60))
            made.append(
                MasterClass(
                    host_id=rng.choice(members),
                    title=text.title(),
                    description=text.paragraph(),
                    description_html=f"<p>{text.paragraph()}</p>",
                    subject=rng.choice(subjects),
                    format=MasterClass.Format.ONLINE,
                    room_url="https://meet.example.org/room",
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(minutes=90),
                    time_zone="Europe/Moscow",
                    capacity=rng.randint(10, 100),
                    status=(
                        MasterClass.Status.FINISHED
                        if starts < now
                        else MasterClass.Status.PUBLISHED
                    ),
                )
            )
        made = MasterClass.objects.bulk_create(made)
        for masterclass in made:
            masterclass._prefetched_objects_cache = {
                "tags": no_tags,
                "grades": Grade.objects.none(),
            }
        search_index_many(made)
        tell("masterclasses", start + size, counts["masterclasses"])
    counts.update(_fill_extras(counts, members, sections, text, rng, batch, tell))
    counts.update(_fill_versions_and_reviews(members, text, rng, batch, tell))
    counts.update(_fill_activity(counts["activity"], batch, tell))
    counts.update(_fill_interests(members, subjects, rng, batch))
    counts.update(fill_tags(batch=batch, tell=tell))
    return counts


def fill_tags(*, batch: int = 5000, tell=None) -> dict[str, int]:
    """Tags as members give them: a topic none to three, a material one to
    three, a master-class none to two, drawn from the teacher's vocabulary
    (a few tags are on many items, most on few). Also run on its own over a
    community filled before tags were generated. The search entries are
    written without the tags."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag, TaggedItem

    from forums.models import Topic
    from masterclasses.models import MasterClass
    from materials.models import Material

    tell = tell or (lambda label, done, total: None)
    rng = random.Random(2027)  # noqa: S311 - repeatable bench data, not secrets
    names = sorted({word.lower() for word in WORDS})
    rng.shuffle(names)
    tags = []
    for name in names:
        tag = Tag(name=name)
        tag.save()  # taggit makes the slug
        tags.append(tag.pk)
    weights = list(itertools.accumulate(1 / (rank + 2) for rank in range(len(tags))))
    made = 0
    for model, low, high in ((Topic, 0, 3), (Material, 1, 3), (MasterClass, 0, 2)):
        kind = ContentType.objects.get_for_model(model).pk
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start, size in _batches(len(ids), batch):
            items = [
                TaggedItem(tag_id=tag, content_type_id=kind, object_id=pk)
                for pk in ids[start : start + size]
                for tag in set(
                    rng.choices(tags, cum_weights=weights, k=rng.randint(low, high))
                )
            ]
            TaggedItem.objects.bulk_create(items)
            made += len(items)
            tell(f"tags ({model._meta.model_name})", start + size, len(ids))
    return {"tags": len(tags), "tagged": made}


def _fill_interests(members, subjects, rng, batch) -> dict[str, int]:
    """What a member's feed follows: one or two subjects in the profile and
    ten colleagues."""
    from accounts.models import Follow, Profile

    through = Profile.subjects.through
    profiles = dict(
        Profile.objects.filter(user_id__in=members).values_list("user_id", "pk")
    )
    picks = [
        through(profile_id=profiles[member], subject_id=subject.pk)
        for member in members
        for subject in rng.sample(subjects, rng.randint(1, 2))
    ]
    through.objects.bulk_create(picks, batch_size=batch)
    follows = {
        (member, followee)
        for member in members
        for followee in rng.sample(members, min(10, len(members)))
        if followee != member
    }
    Follow.objects.bulk_create(
        (Follow(follower_id=a, followee_id=b) for a, b in sorted(follows)),
        batch_size=batch,
    )
    return {"follows": len(follows)}


def _fill_activity(total: int, batch: int, tell) -> dict[str, int]:
    """Feed events for the newest topics and materials, as their services
    record them, each in its subject (a section's subject for a topic)."""
    from django.contrib.contenttypes.models import ContentType

    from community.models import ActivityEvent
    from forums.kinds import TOPIC_ACTIVITY
    from forums.models import Topic
    from materials.kinds import MATERIAL_ACTIVITY
    from materials.models import Material

    sources = [
        (
            TOPIC_ACTIVITY,
            Topic.objects.order_by("-pk").values_list(
                "pk", "author_id", "title", "section__subject_id", "last_post_at"
            ),
            "/forums/t/{}/",
        ),
        (
            MATERIAL_ACTIVITY,
            Material.objects.order_by("-pk").values_list(
                "pk", "author_id", "title", "subject_id", "published_at"
            ),
            "/materials/{}/",
        ),
    ]
    rows = []
    for kind, queryset, url in sources:
        target_type = ContentType.objects.get_for_model(queryset.model)
        for pk, actor, title, subject, when in queryset[: total // len(sources)]:
            rows.append((kind, target_type, pk, actor, title, subject, when, url))
    made = 0
    through = ActivityEvent.subjects.through
    for start, size in _batches(len(rows), batch):
        part = rows[start : start + size]
        events = ActivityEvent.objects.bulk_create(
            ActivityEvent(
                kind=kind,
                target_type=target_type,
                target_id=pk,
                actor_id=actor,
                title=title[:200],
                url=url.format(pk),
                created_at=when,
            )
            for kind, target_type, pk, actor, title, _subject, when, url in part
        )
        through.objects.bulk_create(
            through(activityevent_id=event.pk, subject_id=row[5])
            for event, row in zip(events, part, strict=True)
            if row[5]
        )
        made += len(events)
        tell("activity", made, len(rows))
    return {"activity": made}


def _fill_versions_and_reviews(members, text, rng, batch, tell) -> dict[str, int]:
    """A first version with one file for every material; every twentieth
    material through expert review (a decided round, two reviews)."""
    import datetime

    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from materials.models import (
        Material,
        MaterialFile,
        MaterialVersion,
        Review,
        ReviewAssignment,
        ReviewRound,
    )

    now = timezone.now()
    material_ids = list(Material.objects.order_by("pk").values_list("pk", flat=True))
    for start, size in _batches(len(material_ids), batch):
        versions = MaterialVersion.objects.bulk_create(
            MaterialVersion(material_id=pk, number=1)
            for pk in material_ids[start : start + size]
        )
        MaterialFile.objects.bulk_create(
            MaterialFile(
                version=version,
                file=f"materials/bench/{version.pk}.pdf",
                name="План урока.pdf",
                kind="pdf",
                content_type="application/pdf",
                size=rng.randint(50_000, 5_000_000),
            )
            for version in versions
        )
        tell("versions", start + size, len(material_ids))
    first = MaterialVersion.objects.filter(material=OuterRef("pk"), number=1)
    Material.objects.update(current_version=Subquery(first.values("pk")[:1]))

    reviewed = material_ids[::20]
    versions = dict(
        MaterialVersion.objects.filter(material_id__in=reviewed).values_list(
            "material_id", "pk"
        )
    )
    scores = [name for name, _label in Review.CRITERIA]
    for start, size in _batches(len(reviewed), batch):
        rounds = ReviewRound.objects.bulk_create(
            ReviewRound(
                material_id=pk,
                version_id=versions[pk],
                status=ReviewRound.Status.DECIDED,
                decision=ReviewRound.Decision.RECOMMEND,
                decided_by_id=members[0],
                decided_at=now,
            )
            for pk in reviewed[start : start + size]
        )
        assignments = ReviewAssignment.objects.bulk_create(
            ReviewAssignment(
                round=round_,
                reviewer_id=reviewer,
                status=ReviewAssignment.Status.SUBMITTED,
                due_at=now + datetime.timedelta(days=14),
            )
            for round_ in rounds
            for reviewer in rng.sample(members, min(2, len(members)))
        )
        Review.objects.bulk_create(
            Review(
                assignment=assignment,
                recommendation=ReviewRound.Decision.RECOMMEND,
                summary=text.paragraph(20, 60),
                **{name: rng.randint(3, 5) for name in scores},
                **{f"{name}_comment": text.paragraph(5, 20) for name in scores},
            )
            for assignment in assignments
        )
        tell("reviews", start + size, len(reviewed))
    Material.objects.filter(pk__in=reviewed).update(
        review_status=Material.Review.RECOMMENDED
    )
    return {"versions": len(material_ids), "reviewed": len(reviewed)}


def _fill_extras(counts, members, sections, text, rng, batch, tell) -> dict[str, int]:
    """The long topic, ratings, registrations and notifications."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Avg, Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from community.models import Notification
    from community.search import search_index_many
    from forums.models import Post, Topic
    from masterclasses.models import MasterClass, Registration
    from materials.models import Material, Rating

    now = timezone.now()
    made: dict[str, int] = {}
    long_topic = Topic.objects.create(
        section=sections[0],
        author_id=members[0],
        title="Большая тема: как мы готовимся к ЕГЭ по математике",
        reply_count=counts["long_topic_posts"] - 1,
        last_post_at=now,
    )
    for start, size in _batches(counts["long_topic_posts"], batch):
        posts = Post.objects.bulk_create(
            Post(
                topic=long_topic,
                author_id=rng.choice(members),
                number=number,
                body=(body := text.paragraph()),
                body_html=f"<p>{body}</p>",
            )
            for number in range(start + 1, start + size + 1)
        )
        search_index_many(post for post in posts if post.number > 1)
    made["long_topic"] = long_topic.pk

    material_ids = list(Material.objects.values_list("pk", flat=True))
    pairs = set()
    target = min(counts["ratings"], len(material_ids) * len(members) // 2)
    while len(pairs) < target:
        pairs.add((rng.choice(material_ids), rng.choice(members)))
    pairs = sorted(pairs)
    for start, size in _batches(len(pairs), batch):
        Rating.objects.bulk_create(
            Rating(material_id=material, user_id=user, score=rng.randint(3, 5))
            for material, user in pairs[start : start + size]
        )
        tell("ratings", start + size, len(pairs))
    made["ratings"] = len(pairs)
    # The totals the rating service keeps on each material.
    rated = Rating.objects.filter(material=OuterRef("pk")).order_by().values("material")
    Material.objects.update(
        rating_count=Coalesce(
            Subquery(rated.annotate(total=Count("pk")).values("total")), 0
        ),
        rating_average=Subquery(rated.annotate(mean=Avg("score")).values("mean")),
    )

    masterclass_ids = list(MasterClass.objects.values_list("pk", flat=True))
    per_class = max(1, counts["registrations"] // max(1, len(masterclass_ids)))
    registrations = [
        Registration(
            masterclass_id=masterclass,
            user_id=user,
            status=Registration.Status.REGISTERED,
        )
        for masterclass in masterclass_ids
        for user in rng.sample(members, min(per_class, len(members)))
    ]
    for start, size in _batches(len(registrations), batch):
        Registration.objects.bulk_create(registrations[start : start + size])
        tell("registrations", start + size, len(registrations))
    made["registrations"] = len(registrations)

    topic_type = ContentType.objects.get_for_model(Topic)
    topics = list(Topic.objects.values_list("pk", "title")[:5000])
    for start, size in _batches(counts["notifications"], batch):
        Notification.objects.bulk_create(
            Notification(
                recipient_id=rng.choice(members),
                kind="forum_reply",
                actor_id=rng.choice(members),
                target_type=topic_type,
                target_id=(topic := rng.choice(topics))[0],
                target_title=topic[1][:200],
                url=f"/forums/t/{topic[0]}/",
                read_at=None if rng.random() < 0.3 else now,
            )
            for _n in range(size)
        )
        tell("notifications", start + size, counts["notifications"])
    made["notifications"] = counts["notifications"]
    return made
