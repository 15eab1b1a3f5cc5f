"""A conversation with words found nowhere else, for the privacy and moderation tests.

Alice writes to Bob (who follows her: no request), they exchange ``COUNT``
messages, each holding a word of its own (``word(n)``), under a subject with
a word of its own (``SUBJECT_WORD``). Carol is a member outside it.
"""

from dataclasses import dataclass

from accounts.models import Follow, User
from accounts.tests.factories import UserFactory
from community import reporting
from community.models import Report
from conversations import services
from conversations.models import Conversation, Message

COUNT = 10
SUBJECT_WORD = "Zanzibarsubject"


def word(number: int) -> str:
    """The word only message ``number`` holds."""
    return f"Quokkatext{number}x"


@dataclass
class Scene:
    alice: User
    bob: User
    carol: User
    conversation: Conversation

    def message(self, number: int) -> Message:
        return Message.objects.get(conversation=self.conversation, number=number)

    def reader(self, number: int) -> User:
        """The one of the two who did not write message ``number``."""
        return (
            self.bob if self.message(number).author_id == self.alice.pk else self.alice
        )

    def report(self, number: int, **fields) -> Report:
        """Message ``number`` reported by the one who did not write it."""
        return report(self.reader(number), self.message(number), **fields)


def scene(count: int = COUNT) -> Scene:
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    Follow.objects.create(follower=bob, followee=alice)
    conversation = services.conversation_start(
        sender=alice,
        recipients=[bob],
        subject=f"Про {SUBJECT_WORD} и учеников",
        body=f"Здравствуйте! {word(1)}",
    )
    for number in range(2, count + 1):
        author = alice if number % 2 else bob
        services.message_send(
            conversation=conversation, author=author, body=f"Ответ {word(number)}"
        )
    conversation.refresh_from_db()
    return Scene(alice, bob, carol, conversation)


def report(
    reporter: User, message: Message, reason: str = "rudeness", text: str = ""
) -> Report:
    return reporting.report_create(
        reporter=reporter,
        key="message",
        object_id=message.pk,
        reason=reason,
        text=text,
    )


def secrets(scene: Scene) -> list[str]:
    """What must not leak: the subject's word and every message's word."""
    return [SUBJECT_WORD] + [
        word(number) for number in range(1, scene.conversation.last_number + 1)
    ]


def leaked(text: str, scene: Scene) -> list[str]:
    return [secret for secret in secrets(scene) if secret in text]
