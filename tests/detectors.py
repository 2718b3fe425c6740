"""One fast-profile Detector per test process, for property tests (hypothesis tests cannot take
function-scoped fixtures, and building a Detector per example would dominate their time)."""

from __future__ import annotations

from functools import cache

from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.pii.engine import Detector


@cache
def fast_detector() -> Detector:
    return Detector(DetectionSettings(profile="fast"))
