"""What follows a write in the materials: the one place that says it.

The materials' services call these after they change a material, its files,
its counts, a review or a collection, inside their transaction, and never
the caches, the index or the feed directly (``materials/tests/test_changes.py``).
What materials feed:

- **the search index**: a material while it is published and shown, with the
  counts kept of search results;
- **visitors' cached pages** (``community.pagecache``): the catalogue, a
  material's page, tag pages, the newest materials on the home page, public
  collections, and members' portfolios (their materials, "recommended by
  experts", the expert reviews they wrote);
- **the activity feed**: a material's entry while it is published and shown;
- **members' evidence of growth** (``community.attainments``): an author's
  materials recommended by experts, the reviews an expert wrote
  (``materials.attainments``), told when a material is recommended (or no
  longer), retitled, published, hidden, shown again, taken back or deleted,
  and when a review is written, hidden or shown again.

The review workflow itself (requests, assignments, deadlines) is shown only
to the author, the experts and moderators: no cached page holds it.
Members' cards and badges are not the materials' to move: the community's
recognition does it.

- **members' kept renderings** (``materials.list_fragments``): a material's
  card in the catalogue and the parts of its page every reader sees are kept
  under its version (``material_shown``), which every function here that
  changes what they show moves on — whether the material is public or not
  (its author and moderators see a draft's or a hidden one's page).
"""

from itertools import chain

from community import services as community
from community.attainments import attainments_changed
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, moved
from community.search import search_index, search_remove
from materials import attainments, kinds
from materials.models import Collection, Material, Review

MATERIAL_SHOWN_KEY = "materials:shown:{}"


def material_shown(material_id: int) -> str:
    """The generation of a material's kept card and page parts
    (``list_fragments``): its fields, grades, tags, files, co-authors,
    counts and ratings."""
    return MATERIAL_SHOWN_KEY.format(material_id)


def _is_public(material: Material) -> bool:
    return material.is_published and not material.is_hidden


def material_changed(material: Material) -> None:
    """A material was written, edited or published (a draft has no feed
    entry to take back): its feed entry while it is public, its search
    entry (its title, text, tags and grades), the search counts and
    visitors' pages; the author's evidence while it is recommended (its
    title)."""
    if _is_public(material):
        community.activity_record(
            actor=material.author,
            kind=kinds.MATERIAL_ACTIVITY,
            target=material,
            title=material.title,
            url=material.get_absolute_url(),
            subjects=[material.subject],
        )
    search_index(material)
    moved(SEARCH_COUNTS, PUBLIC_PAGES, material_shown(material.pk))
    attainments_changed(attainments.author_of(material))


def _evidence_follows(material: Material) -> None:
    # Whether it counts changed: its author's (while it is recommended) and
    # its reviewers' evidence.
    attainments_changed(
        chain(attainments.author_of(material), attainments.reviewers_of(material))
    )


def material_published(material: Material) -> None:
    """A draft was published (again: the reviews of a material taken back
    to drafts count once more): ``material_changed``, and the evidence of
    its author and reviewers."""
    material_changed(material)
    _evidence_follows(material)


def material_visibility_changed(material: Material) -> None:
    """A material stopped being public or may be again (back to drafts,
    hidden, shown again): its feed entry follows it — taken out unless it is
    published and shown — then ``material_changed``; the evidence of its
    author and reviewers."""
    if not _is_public(material):
        community.activity_remove(kind=kinds.MATERIAL_ACTIVITY, target=material)
    material_changed(material)
    _evidence_follows(material)


def material_removed(material: Material) -> None:
    """A material is about to be deleted (called before, while its row is
    there): its feed entry, its search entry, the search counts and
    visitors' pages; the evidence of its author and reviewers (read now)."""
    community.activity_remove(kind=kinds.MATERIAL_ACTIVITY, target=material)
    search_remove(material)
    moved(SEARCH_COUNTS, PUBLIC_PAGES, material_shown(material.pk))
    _evidence_follows(material)


def material_files_changed(material: Material) -> None:
    """A new version replaced the files: the versions on its page and the
    main file's kind on the cards. Visitors' pages (the index holds no
    files) and its kept renderings."""
    moved(PUBLIC_PAGES, material_shown(material.pk))


def material_thumbnail_changed(material: Material) -> None:
    """The picture of the first page changed: the cards and the page show
    it (its kept renderings), to visitors only while the material is
    public."""
    if _is_public(material):
        moved(PUBLIC_PAGES, material_shown(material.pk))
    else:
        moved(material_shown(material.pk))


def material_counts_changed(material: Material) -> None:
    """A rating was given, changed or taken back: the average and the
    ratings on the cards and the page. Visitors' pages and its kept
    renderings."""
    moved(PUBLIC_PAGES, material_shown(material.pk))


def material_review_decided(material: Material) -> None:
    """A review round was decided: "recommended by experts" on the cards,
    the page, the catalogue's filter and the author's portfolio. Visitors'
    pages (a request and a withdrawal change nothing they see: a material
    in review is never marked recommended); the author's evidence (recommended
    now, or no longer); its kept renderings."""
    moved(PUBLIC_PAGES, material_shown(material.pk))
    attainments_changed([material.author_id])


def review_changed(review: Review) -> None:
    """A review was written, hidden or shown again: the reviewer's public
    portfolio lists their reviews that are shown (the material's page shows
    reviews only to its author and moderators). Visitors' pages, and the
    reviewer's evidence."""
    moved(PUBLIC_PAGES)
    attainments_changed(attainments.reviewer_of(review))


def collection_changed(collection: Collection, *, was_public: bool = False) -> None:
    """A collection was changed, filled, emptied or deleted: a public one's
    page (or one public until now, ``was_public``) is on visitors' pages; a
    private one is seen by its owner only, never from the cache."""
    if collection.is_public or was_public:
        moved(PUBLIC_PAGES)
