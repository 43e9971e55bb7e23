"""Settings for a task worker that a test starts as a real process (``manage.py db_worker``).

The test settings with the database queue and mails written to files (EMAIL_FILE_PATH), so that the
test can count every mail the worker sent. DATABASE_URL names the test's own database.
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import TASK_BACKENDS, TASK_QUEUES

TASKS = {"default": {"BACKEND": TASK_BACKENDS["database"], "QUEUES": TASK_QUEUES}}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
