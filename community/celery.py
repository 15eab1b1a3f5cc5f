"""The Celery application: tasks are found in every installed app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings.local")

# Every task enqueues through OutboxTask: a broker that is away makes the task
# wait in the database (community.outbox) instead of failing the request.
app = Celery("community", task_cls="community.outbox:OutboxTask")
# Every CELERY_* setting in Django's settings configures the app (see base.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
