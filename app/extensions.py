"""Flask extensions, created unbound and initialised in `create_app`."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from app.core.security import client_key, limits_disabled_here
from app.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
mail = Mail()
# Keys are a keyed hash of the client address (app/core/security.py) that the storage
# expires with the limit's window; the address itself is never stored.
limiter = Limiter(key_func=client_key, default_limits=[])
limiter.request_filter(limits_disabled_here)
talisman = Talisman()
# Rendered comment fragments (app/comments/fragments.py): Redis, or memory without it.
cache = Cache()
