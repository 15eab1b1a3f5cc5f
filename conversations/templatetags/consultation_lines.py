"""``{% question_actions question as actions %}``: what the viewer may do
with a consultation question, for its panel on the conversation page
(``conversations/partials/_question_panel.html``).

One query at most for whether the viewer is an expert of the line, and one
for the experts a question may be handed over to, only for the expert
holding it: the page's budget holds.
"""

from django import template

from conversations.forms_lines import HandOverForm
from conversations.permissions_lines import (
    can_hand_over_question,
    can_take_question,
    can_withdraw_question,
    line_experts,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def question_actions(context: template.Context, question) -> dict:
    """{"take", "hand_over", "withdraw": bool, "hand_over_form": the form
    with the line's other experts, or None}."""
    user = context["request"].user
    if question is None or not user.is_authenticated:
        return {"take": False, "hand_over": False, "withdraw": False}
    hand_over = can_hand_over_question(user, question)
    form = None
    if hand_over:
        others = line_experts(question.line).exclude(
            pk__in=[user.pk, question.asker_id]
        )
        # Nobody to hand it to: no form with an empty list.
        hand_over = others.exists()
    if hand_over:
        form = HandOverForm(
            experts=others.select_related("profile").order_by(
                "profile__display_name", "pk"
            ),
            auto_id="id_hand_over_%s",
        )
    return {
        "take": can_take_question(user, question),
        "hand_over": hand_over,
        "withdraw": can_withdraw_question(user, question),
        "hand_over_form": form,
    }
