from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.route("/login")
def login() -> str:
    return ""


@bp.route("/register")
def register() -> str:
    return ""


@bp.route("/logout", methods=["POST"])
def logout() -> str:
    return ""
