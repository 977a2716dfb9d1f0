"""Flask extensions, created unbound and initialised in `create_app`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from app.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
mail = Mail()
# The remote address is used only as an in-memory/Redis rate-limit key with a
# short expiry; it is never written to the database.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()
