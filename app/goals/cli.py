from flask.cli import AppGroup

goals_cli = AppGroup("goals")
