from flask import Blueprint

bp = Blueprint("staff", __name__, template_folder="templates")


@bp.route("/")
def index() -> str:
    return ""


@bp.route("/p/<slug>/")
def process(slug: str) -> str:
    return ""
