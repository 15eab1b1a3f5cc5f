"""How blog posts and members' profiles read for the site search."""

from django.utils.translation import gettext_lazy as _

from community.search import SearchDocument, SearchKind, plain_text, searchable_register


def blog_post_document(post) -> SearchDocument | None:
    if not post.is_published or post.is_hidden:
        return None
    return SearchDocument(
        title=post.title,
        url=post.get_absolute_url(),
        date=post.published_at,
        body=plain_text(post.body_html),
        tags=[tag.name for tag in post.tags.all()],
        author_id=post.author_id,
    )


def profile_document(profile) -> SearchDocument | None:
    """Members found by name, subjects, interests and what they tell of
    themselves; the school and the city only where shown to everyone."""
    from accounts.models import Visibility

    user = profile.user
    if (
        not user.is_active
        or profile.is_deleted
        or profile.is_hidden
        or not profile.listed_in_directory
    ):
        return None
    public = [plain_text(profile.about_html)]
    if profile.school_visibility == Visibility.EVERYONE:
        public.append(profile.school)
    if profile.location_visibility == Visibility.EVERYONE:
        public.append(profile.city)
    subjects = list(profile.subjects.all())
    return SearchDocument(
        title=profile.display_name,
        url=profile.get_absolute_url(),
        date=profile.created_at,
        body=" ".join(part for part in public if part),
        tags=[tag.name for tag in profile.interests.all()]
        + [name for subject in subjects for name in (subject.name_ru, subject.name_en)],
        subject_ids=[subject.pk for subject in subjects],
        grade_slugs=[grade.slug for grade in profile.grades.all()],
        author_id=profile.user_id,
    )


def register() -> None:
    from accounts.models import BlogPost, Profile

    searchable_register(
        SearchKind(
            key="blog",
            label=_("Blog posts"),
            model=BlogPost,
            document=blog_post_document,
            queryset=lambda: BlogPost.objects.select_related("author").prefetch_related(
                "tags"
            ),
            order=50,
        )
    )
    searchable_register(
        SearchKind(
            key="members",
            label=_("Colleagues"),
            model=Profile,
            document=profile_document,
            queryset=lambda: Profile.objects.select_related("user").prefetch_related(
                "interests", "subjects", "grades"
            ),
            order=60,
        )
    )
