"""Fixtures of the privacy tests: each part keeps its own in a module of its own."""

from tests.privacy.requests_support import *  # noqa: F403
