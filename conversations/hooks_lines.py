"""What consultation lines tell the community layer and the pages of others.

- notification kinds ``LINE_*`` (``kinds``), all under the members' switch
  for messages; each names the line, never the question (a question is
  private: no e-mail carries its subject or text);
- the portfolio's «Консультации» (answered questions per line the viewer
  may see), the badge measure ``kinds.CONSULTATIONS_GIVEN`` with its rules,
  and the members of the month's points (``selectors_lines`` says what
  each counts);
- the lines listed on their subject's forum section and on their
  community's page (``community.page_blocks``).

The keys come from ``conversations.kinds``, so the services never import
this module.
"""

from django.utils.translation import gettext_lazy as _

from conversations import kinds

BLOCK_TEMPLATE = "conversations/lines/_lines_block.html"


def register() -> None:
    register_kinds()
    register_recognition()
    register_blocks()
    register_attainments()


def register_attainments() -> None:
    """Consultations given as evidence of growth (``conversations.attainments``)."""
    from conversations import attainments

    attainments.register()


def register_kinds() -> None:
    from community.notifications import notification_kind_register

    for key, one, many in [
        (kinds.LINE_QUESTION,
         _("%(actor)s asked the consultation line «%(target)s»"),
         _("%(count)s new questions on the consultation line «%(target)s»")),
        (kinds.LINE_TAKEN,
         _("%(actor)s took your question to the line «%(target)s»"),
         _("%(count)s of your questions to the line «%(target)s» are taken")),
        (kinds.LINE_HANDED_OVER,
         _("%(actor)s handed you a question of the line «%(target)s»"),
         _("%(count)s questions of the line «%(target)s» are handed to you")),
        (kinds.LINE_REMINDER,
         _("A question of the line «%(target)s» is waiting for your answer"),
         _("%(count)s questions of the line «%(target)s» are waiting for your "
           "answer")),
        (kinds.LINE_RELEASED,
         _("A question of the line «%(target)s» is back in the queue"),
         _("%(count)s questions of the line «%(target)s» are back in the queue")),
    ]:  # fmt: skip
        # A reminder is bound to the deadline: a digest would bring it late.
        notification_kind_register(
            key=key,
            preference=kinds.PREFERENCE,
            one=one,
            many=many,
            urgent=key == kinds.LINE_REMINDER,
        )


def register_recognition() -> None:
    from accounts.portfolio import portfolio_section_register
    from community.badges import (
        BadgeRule,
        badge_measure_register,
        badge_rule_register,
        contribution_source_register,
    )
    from conversations import selectors_lines

    portfolio_section_register(
        key="consultations",
        title=_("Consultations"),
        order=36,
        items=selectors_lines.portfolio_consultations,
        with_viewer=True,
        held=selectors_lines.consultations_held,
    )
    badge_measure_register(
        kinds.CONSULTATIONS_GIVEN, selectors_lines.consultations_given
    )
    for rule in [
        BadgeRule("consultant", kinds.CONSULTATIONS_GIVEN, 1, "bronze",
                  _("Consultant"),
                  _("Answered a colleague's question on a consultation line."),
                  "💬"),
        BadgeRule("consultant-25", kinds.CONSULTATIONS_GIVEN, 25, "silver",
                  _("Trusted consultant"),
                  _("Answered 25 colleagues' questions on consultation lines."),
                  "💬"),
        BadgeRule("consultant-100", kinds.CONSULTATIONS_GIVEN, 100, "gold",
                  _("Master consultant"),
                  _("Answered 100 colleagues' questions on consultation lines."),
                  "💬"),
    ]:  # fmt: skip
        badge_rule_register(rule)
    contribution_source_register("lines", selectors_lines.contribution)


def register_blocks() -> None:
    from community.page_blocks import page_block_register
    from conversations import selectors_lines

    page_block_register(
        page="forums.section",
        key="lines",
        template=BLOCK_TEMPLATE,
        read=selectors_lines.section_block,
        order=20,
    )
    page_block_register(
        page="circles.community",
        key="lines",
        template=BLOCK_TEMPLATE,
        read=selectors_lines.community_block,
        order=20,
        annotate=selectors_lines.community_annotations,
    )
