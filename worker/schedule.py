"""Beat schedule: periodic sweeps that catch up whatever a lost task missed."""

from __future__ import annotations

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "refresh-stale-aggregates": {
        "task": "app.results.tasks.refresh_stale_aggregates",
        "schedule": 60.0,
    },
    "publish-outbox": {
        "task": "app.ops.outbox.sweep_outbox",
        "schedule": 60.0,
    },
    "worker-heartbeat": {
        "task": "app.ops.heartbeat.beat",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
    "open-and-close-surveys": {
        "task": "app.surveys.tasks.open_and_close_surveys",
        "schedule": 60.0,
    },
    "recover-exports": {
        "task": "app.exports.tasks.recover_exports",
        "schedule": 60.0,
    },
    "privacy-retention": {
        "task": "app.privacy.tasks.apply_retention",
        "schedule": 24 * 3600.0,
    },
    "clean-up-exports": {
        "task": "app.exports.tasks.clean_up_exports",
        "schedule": 3600.0,
    },
}
