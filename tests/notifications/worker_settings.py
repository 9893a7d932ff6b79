"""Settings for Celery workers that tests start as real processes.

The test settings, plus any overrides the starting test passes as JSON in
``HC_TEST_SETTINGS`` (an SMS gateway URL, a short back-off, …).
"""

import json
import os

from housing_contact.settings.test import *  # noqa: F403

globals().update(json.loads(os.environ.get("HC_TEST_SETTINGS", "{}")))
