"""Several members write at once to the embedded default's SQLite file.

Run as a script (``python -m community.tests.sqlite_writers``) by
``test_sqlite_concurrency.py``, with ``DATABASE_URL`` naming a migrated SQLite
file and the embedded settings: each thread is a member with their own
browser (Django's test client, the whole middleware stack), signing in and
replying to the same topic at the same moment as the others. Prints one JSON
line: the errors met and how many replies landed.
"""

import json
import os
import sys
import threading

WRITERS = 8
REPLIES_EACH = 4


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings.local")
    django.setup()

    from django.db import connection
    from django.test import Client

    from accounts.tests.factories import UserFactory
    from forums.models import Post
    from forums.tests.factories import TopicFactory

    topic = TopicFactory()
    members = [UserFactory() for _ in range(WRITERS)]
    connection.close()

    start = threading.Barrier(WRITERS)
    errors: list[str] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def write(index: int, member) -> None:
        from django.db import connection as thread_connection

        browser = Client()
        try:
            start.wait()
            browser.force_login(member)  # a session row written at once by all
            for number in range(REPLIES_EACH):
                response = browser.post(
                    f"/forums/t/{topic.pk}/reply/",
                    {"body": f"Ответ {number} участника {index}."},
                )
                with lock:
                    statuses.append(response.status_code)
        except Exception as error:  # reported to the test
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=write, args=(index, member))
        for index, member in enumerate(members)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    landed = Post.objects.filter(topic=topic, number__gt=1).count()
    print(
        json.dumps(
            {
                "errors": errors,
                "statuses": statuses,
                "landed": landed,
                "expected": WRITERS * REPLIES_EACH,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
