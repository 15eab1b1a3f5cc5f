"""The staff roles and what each may do in the admin site.

Migration ``accounts.0002_staff_groups`` creates the groups from a frozen copy
of this list; ``services.role_group`` recreates a group from it if it has gone
missing. Later apps add their permissions here and in a migration of their own.
The groups keep these names, which the code looks up; people read ``role_name``.
"""

from django.utils.translation import gettext_lazy as _

MODERATORS = "Moderators"
EXPERTS = "Experts"
STAFF_ROLES = (MODERATORS, EXPERTS)
ROLE_NAMES = {MODERATORS: _("Moderators"), EXPERTS: _("Experts")}


def role_name(group_name: str) -> str:
    """A group's name in the reader's language (a group we did not make: as stored)."""
    return str(ROLE_NAMES.get(group_name, group_name))


ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    MODERATORS: [
        ("accounts", "view_user"),
        ("accounts", "change_user"),
        ("accounts", "view_profile"),
        ("accounts", "change_profile"),
        ("account", "view_emailaddress"),
        ("taggit", "view_tag"),
        ("taggit", "change_tag"),
        ("taggit", "delete_tag"),
        ("taggit", "view_taggeditem"),
        ("community", "view_subject"),
        ("community", "view_grade"),
        ("accounts", "view_blogpost"),
        ("accounts", "change_blogpost"),
        ("accounts", "delete_blogpost"),
        ("accounts", "view_blogcomment"),
        ("accounts", "change_blogcomment"),
        ("accounts", "delete_blogcomment"),
        ("forums", "view_section"),
        ("forums", "view_topic"),
        ("forums", "change_topic"),
        ("forums", "view_post"),
        ("forums", "change_post"),
        ("forums", "view_moderationlog"),
        ("materials", "view_material"),
        ("materials", "change_material"),
        ("materials", "view_materialversion"),
        ("materials", "view_materialfile"),
        ("materials", "view_rating"),
        ("materials", "delete_rating"),
        ("materials", "view_collection"),
        ("materials", "view_reviewround"),
        ("materials", "change_reviewround"),
        ("materials", "view_reviewassignment"),
        ("materials", "add_reviewassignment"),
        ("materials", "view_review"),
        ("community", "view_auditentry"),
        ("masterclasses", "view_masterclass"),
        ("masterclasses", "change_masterclass"),
        ("masterclasses", "view_registration"),
        ("masterclasses", "view_trustedhost"),
        ("masterclasses", "add_trustedhost"),
        ("masterclasses", "delete_trustedhost"),
        ("masterclasses", "view_certificate"),
        ("community", "view_badge"),
        ("community", "add_badge"),
        ("community", "change_badge"),
        ("community", "view_badgeaward"),
        ("community", "add_badgeaward"),
        ("community", "change_badgeaward"),
        ("community", "view_monthlycontribution"),
        ("community", "view_report"),
        ("community", "change_report"),
        ("community", "view_sanction"),
        ("community", "add_sanction"),
        ("community", "change_sanction"),
        ("community", "view_requesttrace"),
        ("materials", "view_takedownrequest"),
        ("materials", "change_takedownrequest"),
        ("circles", "view_community"),
        ("circles", "change_community"),
        ("circles", "view_membership"),
        ("circles", "view_joinrequest"),
        ("circles", "view_invitation"),
        ("circles", "view_communityban"),
        ("circles", "view_ownershipoffer"),
        ("conversations", "view_line"),
        ("conversations", "add_line"),
        ("conversations", "change_line"),
        ("courses", "view_course"),
        ("courses", "change_course"),
        ("courses", "view_unit"),
        ("courses", "view_enrolment"),
        ("courses", "view_trustedauthor"),
        ("courses", "add_trustedauthor"),
        ("courses", "delete_trustedauthor"),
        ("courses", "view_reviewround"),
        ("courses", "change_reviewround"),
        ("courses", "view_reviewassignment"),
        ("courses", "add_reviewassignment"),
        ("courses", "view_coursereview"),
        ("courses", "view_peerreview"),
        ("courses", "view_coursecertificate"),
        ("growth", "view_frameworkversion"),
        ("growth", "view_competency"),
        ("growth", "view_target"),
        ("growth", "view_criterion"),
        # Embedded players: switch a service off, hide one embedded link.
        ("community", "view_embedpreview"),
        ("community", "change_embedpreview"),
        ("community", "view_embedprovidersetting"),
        ("community", "change_embedprovidersetting"),
    ],
    EXPERTS: [
        ("accounts", "view_profile"),
        ("community", "view_subject"),
        ("community", "view_grade"),
        ("materials", "add_review"),
        ("materials", "view_material"),
    ],
}
