"""Settings from the environment, with embedded defaults for `make run`.

Every setting read here is listed in README.md ("Configuration").
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_CONTENT_LENGTH = 2 * 1024 * 1024


class ConfigError(RuntimeError):
    """A setting is missing or invalid; raised at start-up, never per request."""


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common `postgres(ql)://` form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when MITWIRKEN_ENV=production")
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _mail_settings(instance_path: Path) -> dict[str, Any]:
    server = os.environ.get("MAIL_SERVER")
    common = {
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "mitwirken <noreply@localhost>"
        ),
    }
    if not server:
        return common | {
            "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(instance_path / "mail"),
        }
    return common | {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": server,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", True),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL", False),
    }


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _celery_settings(redis_url: str | None) -> dict[str, Any]:
    base: dict[str, Any] = {
        "task_ignore_result": True,
        # A task is acknowledged after it ran; a worker process that dies during a task
        # (SIGKILL, OOM) has its message given back to the queue (tests/reliability).
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "timezone": "UTC",
    }
    if not redis_url:
        return base | {
            "broker_url": "memory://localhost/",
            "task_always_eager": True,
            "task_eager_propagates": True,
        }
    return base | {
        "broker_url": redis_url,
        "result_backend": redis_url,
        "broker_transport_options": {
            # A message taken by a worker that then vanished (the whole container
            # killed) goes back to the queue after this many seconds.
            "visibility_timeout": _env_int("CELERY_VISIBILITY_TIMEOUT", 1800),
            # A Redis that is down must not hold a web request for long: the task is
            # left in the outbox (app/ops/outbox.py) and published later.
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        },
        "redis_socket_connect_timeout": 2,
        "redis_socket_timeout": 5,
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.2,
        },
    }


def _rate_limit_settings(redis_url: str | None) -> dict[str, Any]:
    """Rate limits in Redis (shared by all web nodes), in memory when Redis is down."""
    return {
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}
        if redis_url
        else {},
        "RATELIMIT_KEY_PREFIX": "mitwirken",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must not mean 500s: count in this process's memory until it is
        # back, and never let a storage error fail the request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
    }


def configured_languages() -> list[str]:
    """The UI languages from ``LANGUAGES``; the first is the default."""
    raw = os.environ.get("LANGUAGES", "de,en,tr,ar,uk,ru").split(",")
    return [code.strip() for code in raw if code.strip()]


def _export_settings(instance_path: Path) -> dict[str, Any]:
    """Where export files live and how long, and when the sweep recovers a job."""
    return {
        # A directory (shared volume) or ``s3://bucket/prefix``; see app/exports/storage.py.
        "EXPORT_STORAGE": os.environ.get("EXPORT_STORAGE") or str(instance_path / "exports"),
        "EXPORT_S3_ENDPOINT_URL": os.environ.get("EXPORT_S3_ENDPOINT_URL") or None,
        "EXPORT_EXPIRY_DAYS": float(os.environ.get("EXPORT_EXPIRY_DAYS", "7")),
        "EXPORT_QUEUE_TIMEOUT": int(os.environ.get("EXPORT_QUEUE_TIMEOUT", "600")),
        "EXPORT_HEARTBEAT_SECONDS": int(os.environ.get("EXPORT_HEARTBEAT_SECONDS", "15")),
        "EXPORT_STALE_SECONDS": int(os.environ.get("EXPORT_STALE_SECONDS", "120")),
        "EXPORT_MAX_ATTEMPTS": int(os.environ.get("EXPORT_MAX_ATTEMPTS", "3")),
        # Survey CSV/SAV on PostgreSQL: two COPYs at once from this many responses.
        "EXPORT_PARALLEL_COPY_FROM": int(os.environ.get("EXPORT_PARALLEL_COPY_FROM", "20000")),
        # Tests and benchmarks only: seconds to sleep after each chunk of rows.
        "EXPORT_CHUNK_DELAY": float(os.environ.get("EXPORT_CHUNK_DELAY", "0")),
    }


def _results_eager_rebuild() -> str:
    mode = (os.environ.get("RESULTS_EAGER_REBUILD") or "background").strip().lower()
    if mode not in {"background", "inline"}:
        raise ConfigError(f"RESULTS_EAGER_REBUILD must be background or inline, not {mode!r}")
    return mode


def _cache_settings(redis_url: str | None) -> dict[str, Any]:
    """Flask-Caching: Redis shared by the web workers, else each process's memory."""
    if redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": "mitwirken:",
        }
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 5000, "CACHE_KEY_PREFIX": "mitwirken:"}


def load_config(instance_path: Path) -> dict[str, Any]:
    """Build the Flask config mapping from the environment."""
    instance_path.mkdir(parents=True, exist_ok=True)
    production = os.environ.get("MITWIRKEN_ENV", "development") == "production"
    default_db = f"sqlite:///{instance_path / 'mitwirken.db'}"
    redis_url = os.environ.get("REDIS_URL") or None
    languages = configured_languages()
    return {
        "MITWIRKEN_ENV": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(
            os.environ.get("DATABASE_URL", default_db)
        ),
        # pre-ping: a connection the database dropped (restart, failover) is replaced
        # before use. Production logs no SQL parameters (they can hold personal data).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": production},
        "REDIS_URL": redis_url,
        "CELERY": _celery_settings(redis_url),
        **_rate_limit_settings(redis_url),
        **_cache_settings(redis_url),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
        "API_RECHECK_SECONDS": float(os.environ.get("API_RECHECK_SECONDS", "2")),
        # Without Redis: rebuild results on a background thread after the response
        # ("background") or in the request that changed them ("inline").
        "RESULTS_EAGER_REBUILD": _results_eager_rebuild(),
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        # app.core.first_visit: seconds a public page is kept per web process for
        # visitors without state of their own (0 switches it off).
        "FIRST_VISIT_CACHE_SECONDS": float(os.environ.get("FIRST_VISIT_CACHE_SECONDS", "5")),
        "LANGUAGES": languages,
        "BABEL_DEFAULT_LOCALE": languages[0],
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Berlin"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "VENDOR_PATH": str(PROJECT_ROOT / "node_modules"),
        "OPENDATA_PATH": str(instance_path / "opendata"),
        # The largest upload is a goal-tree file (YAML/CSV); larger bodies get the 413 page.
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        "WTF_CSRF_TIME_LIMIT": None,
        **_mail_settings(instance_path),
        **_export_settings(instance_path),
        # app.privacy.retention: days after a process or survey ended (or after an
        # unconfirmed registration) until guest e-mails, drafts and code links go.
        "PRIVACY_RETENTION_DAYS": float(os.environ.get("PRIVACY_RETENTION_DAYS", "90")),
    }
