"""Customer pages."""

from flask import render_template

from portal import bp


@bp.get("/")
def home():
    return render_template("portal/home.html")
