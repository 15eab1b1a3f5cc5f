"""What courses tell the community layer and the personal space.

- the notification kinds of authors, experts and followers (``kinds``), all
  under the members' switch for courses (``kinds.PREFERENCE``); the
  learners' kinds are ``hooks_learning``'s;
- the feed's phrase (``kinds.COURSE_ACTIVITY``, recorded by
  ``changes.course_published``), the digest's «Курсы по вашим предметам»,
  bookmarks, the portfolio's «Курсы», the site search
  (``search_documents``), the RSS feed, a tag's page and feed, the sitemap;
- badges (``kinds.COURSES_COMPLETED``, ``kinds.COURSES_AUTHORED``) and the
  members of the month's points.

Reports, the moderation inbox and the account's data are
``hooks_moderation``'s. The keys come from ``courses.kinds``, so the
services never import this module.
"""

from django.utils.translation import gettext_lazy as _

from courses import kinds

DIGEST_ITEMS = 5
PORTFOLIO_LIMIT = 100

# Points for the members of the month: a course published; each colleague
# who completed one of the member's courses in the month.
POINTS_PUBLISHED = 10
POINTS_COMPLETION = 2


def register() -> None:
    from courses import search_documents

    register_kinds()
    register_feed()
    register_digest()
    register_bookmarks()
    register_portfolio()
    register_recognition()
    register_discovery()
    register_tags()
    search_documents.register()
    register_attainments()


def register_attainments() -> None:
    """Certificates and courses written as evidence of growth, open courses
    as suggestions (``courses.attainments``)."""
    from courses import attainments

    attainments.register()


# --- Notifications, the feed, the digest ---------------------------------------


def register_kinds() -> None:
    from community.notifications import notification_kind_register

    for key, one, many in [
        (kinds.NEW_BY_AUTHOR,
         _("%(actor)s published a course: «%(target)s»"),
         _("%(count)s new courses by colleagues you follow")),
        (kinds.REVIEW_REQUEST,
         _("A course in your subject awaits expert review: «%(target)s»"),
         _("%(count)s courses in your subjects await expert review")),
        (kinds.REVIEW_ASSIGNED,
         _("You are asked to review the course «%(target)s»"),
         _("You are asked to review %(count)s courses")),
        (kinds.REVIEW_RECEIVED,
         _("A new expert review of your course «%(target)s»"),
         _("%(count)s new expert reviews of your course «%(target)s»")),
        (kinds.REVIEW_DECISION,
         _("The expert review of your course «%(target)s» is decided"),
         _("%(count)s decisions on your course «%(target)s»")),
        (kinds.REVIEW_REMINDER,
         _("The deadline for your review of the course «%(target)s» is near"),
         _("%(count)s course reviews are due soon")),
        (kinds.REVIEW_EXPIRED,
         _("The deadline for your review of the course «%(target)s» has passed"),
         _("%(count)s of your course review assignments have expired")),
        (kinds.REVIEW_DECIDED_FOR_EXPERT,
         _("The decision on the course «%(target)s» you reviewed"),
         _("%(count)s decisions on courses you reviewed")),
    ]:  # fmt: skip
        # A reminder is bound to its deadline: a digest would bring it late.
        notification_kind_register(
            key=key,
            preference=kinds.PREFERENCE,
            one=one,
            many=many,
            urgent=key == kinds.REVIEW_REMINDER,
        )


def register_feed() -> None:
    from community.notifications import activity_kind_register

    activity_kind_register(kinds.COURSE_ACTIVITY, _("%(actor)s published a course"))


def new_in_subjects(users: list, since) -> dict:
    """Courses published since ``since`` in each reader's subjects, not
    their own (as author or co-author), the newest ``DIGEST_ITEMS`` each:
    one query per batch, a row per (reader, course) ranked per reader."""
    from django.db.models import Exists, F, OuterRef, Window
    from django.db.models.functions import RowNumber

    from community.notifications import DigestItem
    from courses.models import Course

    reader = "subject__profiles__user_id"
    rows = (
        Course.objects.published()
        .filter(published_at__gte=since, **{f"{reader}__in": [u.pk for u in users]})
        .annotate(reader=F(reader))
        .exclude(author_id=F("reader"))
        .exclude(
            Exists(
                Course.coauthors.through.objects.filter(
                    course_id=OuterRef("pk"), user_id=OuterRef("reader")
                )
            )
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("reader"),
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=DIGEST_ITEMS)
        .select_related("author__profile")
        .order_by("reader", "rank")
    )
    found: dict[int, list] = {}
    for course in rows:
        found.setdefault(course.reader, []).append(
            DigestItem(
                title=course.title,
                url=course.get_absolute_url(),
                detail=course.author.profile.shown_name,
            )
        )
    return found


def register_digest() -> None:
    from community.notifications import digest_section_register

    digest_section_register(
        key="new_courses",
        title=_("New courses in your subjects"),
        order=35,
        items=new_in_subjects,
    )


def register_bookmarks() -> None:
    from accounts.bookmarks import bookmarkable_register
    from courses.models import Course
    from courses.moderation import courses_visible_to

    bookmarkable_register(
        Course, key="course", label=_("Course"), visible_to=courses_visible_to
    )


# --- The portfolio --------------------------------------------------------------


def portfolio_courses(user) -> list:
    """The portfolio's «Курсы», which anyone may read: the member's course
    certificates (each leads to its public verification page), then the
    courses they wrote (as author or co-author) that everyone may read,
    published or archived. Two queries."""
    from django.db.models import Q
    from django.utils.translation import gettext, ngettext

    from accounts.portfolio import PortfolioItem
    from courses.models import CourseCertificate
    from courses.moderation import courses_visible_to

    certificates = CourseCertificate.objects.filter(user=user).order_by(
        "-completed_at", "-pk"
    )[:PORTFOLIO_LIMIT]
    authored = (
        courses_visible_to(user)
        .filter(Q(author=user) | Q(coauthors=user))
        .distinct()
        .order_by("-published_at", "-pk")[:PORTFOLIO_LIMIT]
    )
    items = [
        PortfolioItem(
            title=certificate.course_title,
            url=certificate.get_absolute_url(),
            date=certificate.completed_at,
            detail=gettext("certificate %(number)s, %(hours)s academic hours")
            % {"number": certificate.number, "hours": certificate.hours},
        )
        for certificate in certificates
    ]
    items += [
        PortfolioItem(
            title=course.title,
            url=course.get_absolute_url(),
            date=course.published_at,
            detail=gettext("author of the course")
            + " · "
            + ngettext(
                "completed by %(count)d colleague",
                "completed by %(count)d colleagues",
                course.completed_count,
            )
            % {"count": course.completed_count},
        )
        for course in authored
    ]
    return items


def portfolio_held(user_id):
    """Whether the member holds a course certificate or wrote a public course
    (``user_id`` an ``OuterRef``): asked with the profile, so a member with
    neither costs the page no query."""
    from django.db.models import BooleanField, Exists, ExpressionWrapper, Q

    from courses.models import CourseCertificate
    from courses.moderation import courses_visible_to

    shown = courses_visible_to(None)
    return ExpressionWrapper(
        Q(Exists(CourseCertificate.objects.filter(user=user_id)))
        | Q(Exists(shown.filter(author=user_id)))
        | Q(Exists(shown.filter(coauthors=user_id))),
        output_field=BooleanField(),
    )


def register_portfolio() -> None:
    from accounts.portfolio import portfolio_section_register

    portfolio_section_register(
        key="courses",
        title=_("Courses"),
        order=27,
        items=portfolio_courses,
        held=portfolio_held,
    )


# --- Recognition ----------------------------------------------------------------


def courses_completed(user_ids: list[int]) -> dict[int, int]:
    """``kinds.COURSES_COMPLETED``: the courses each member completed (one
    query)."""
    from django.db.models import Count

    from courses.models import Enrolment

    return dict(
        Enrolment.objects.filter(
            user_id__in=user_ids, status=Enrolment.Status.COMPLETED
        )
        .values("user_id")
        .annotate(count=Count("pk"))
        .values_list("user_id", "count")
    )


def courses_authored_completions(user_ids: list[int]) -> dict[int, int]:
    """``kinds.COURSES_AUTHORED``: for each member, the most colleagues who
    completed any one course they wrote (as author or co-author), counting
    published and archived courses not hidden by a moderator
    (``Course.completed_count``). "A course of yours completed by 25
    colleagues" is this number reaching 25. Two queries."""
    from django.db.models import Max

    from courses.models import Course

    counted = Course.objects.filter(
        status__in=[Course.Status.PUBLISHED, Course.Status.ARCHIVED],
        is_hidden=False,
    )
    found: dict[int, int] = {}
    for user_id, most in [
        *counted.filter(author_id__in=user_ids)
        .values("author_id")
        .annotate(most=Max("completed_count"))
        .values_list("author_id", "most"),
        *counted.filter(coauthors__in=user_ids)
        .values("coauthors")
        .annotate(most=Max("completed_count"))
        .values_list("coauthors", "most"),
    ]:
        found[user_id] = max(found.get(user_id, 0), most or 0)
    return found


def contribution(start, end) -> dict[int, int]:
    """The members of the month's points: a course published in the month
    (and still public), ``POINTS_PUBLISHED`` to its author; each colleague
    who completed a course in the month, ``POINTS_COMPLETION`` to its author
    and to each co-author. Three queries."""
    from django.db.models import Count

    from courses.models import Course, Enrolment

    points: dict[int, int] = {}

    def add(user_id: int, earned: int) -> None:
        points[user_id] = points.get(user_id, 0) + earned

    published = Course.objects.published().filter(
        published_at__gte=start, published_at__lt=end
    )
    for author_id in published.values_list("author_id", flat=True):
        add(author_id, POINTS_PUBLISHED)
    completions = dict(
        Enrolment.objects.filter(
            status=Enrolment.Status.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
            course__is_hidden=False,
        )
        .values("course_id")
        .annotate(count=Count("pk"))
        .values_list("course_id", "count")
    )
    if not completions:
        return points
    for course_id, author_id in Course.objects.filter(pk__in=completions).values_list(
        "pk", "author_id"
    ):
        add(author_id, POINTS_COMPLETION * completions[course_id])
    for course_id, user_id in Course.coauthors.through.objects.filter(
        course_id__in=completions
    ).values_list("course_id", "user_id"):
        add(user_id, POINTS_COMPLETION * completions[course_id])
    return points


def register_recognition() -> None:
    from community.badges import (
        BadgeRule,
        badge_measure_register,
        badge_rule_register,
        contribution_source_register,
    )

    badge_measure_register(kinds.COURSES_COMPLETED, courses_completed)
    badge_measure_register(kinds.COURSES_AUTHORED, courses_authored_completions)
    for rule in [
        BadgeRule("course-completed", kinds.COURSES_COMPLETED, 1, "bronze",
                  _("Course graduate"), _("Completed a course on Kollegi."), "🎓"),
        BadgeRule("courses-completed-3", kinds.COURSES_COMPLETED, 3, "silver",
                  _("Lifelong learner"), _("Completed 3 courses on Kollegi."), "🎓"),
        BadgeRule("courses-completed-10", kinds.COURSES_COMPLETED, 10, "gold",
                  _("Tireless learner"), _("Completed 10 courses on Kollegi."),
                  "🎓"),
        BadgeRule("course-author-5", kinds.COURSES_AUTHORED, 5, "bronze",
                  _("Course author"),
                  _("A course of theirs was completed by 5 colleagues."), "🧭"),
        BadgeRule("course-author-25", kinds.COURSES_AUTHORED, 25, "silver",
                  _("Sought-after course author"),
                  _("A course of theirs was completed by 25 colleagues."), "🧭"),
        BadgeRule("course-author-100", kinds.COURSES_AUTHORED, 100, "gold",
                  _("Master course author"),
                  _("A course of theirs was completed by 100 colleagues."), "🧭"),
    ]:  # fmt: skip
        badge_rule_register(rule)
    contribution_source_register("courses", contribution)


# --- Discovery: a tag's page and feed, the sitemap --------------------------------


def register_discovery() -> None:
    """Courses in a tag's feed and in the sitemap."""
    from community.feeds import tag_feed_source_register
    from community.sitemaps import sitemap_register
    from courses.feeds import tag_entries
    from courses.sitemaps import CourseSitemap

    tag_feed_source_register(key="courses", entries=tag_entries)
    sitemap_register(key="courses", sitemap=CourseSitemap, order=45)


def register_tags() -> None:
    """Public courses on a tag's page (a course has no audience of its own:
    published and shown, everyone reads it)."""
    from community.tags import tagged_source_register
    from courses import selectors_public

    tagged_source_register(
        key="courses",
        label=_("Courses"),
        order=35,
        items=lambda user, tag: selectors_public.course_list_for_tag(tag=tag),
        template="courses/blocks/_tagged_course.html",
    )
