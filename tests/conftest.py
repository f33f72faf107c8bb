"""Hypothesis profiles, chosen by the HYPOTHESIS_PROFILE environment variable.

- ``ci`` (the default): a fixed seed per test and a fixed number of
  examples, so every run tests the same inputs.
- ``dev``: random inputs, Hypothesis's default number of examples.
- ``long``: random inputs and many more examples; ``tox -e long`` uses it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=40,
    deadline=None,
    suppress_health_check=_SLOW_DATA,
    print_blob=True,
)
settings.register_profile("dev", deadline=None, suppress_health_check=_SLOW_DATA)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=_SLOW_DATA,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
