"""What admin pages share: the status of a page around a form, and a page of a long list."""

from flask import render_template, request
from flask_wtf import FlaskForm

from core.extensions import db


def form_page(template: str, form: FlaskForm, failed: bool = False, **context):
    """The page around `form`: 400 when the form has errors or the caller says it `failed`."""
    status = 400 if failed or form.errors else 200
    return render_template(template, form=form, **context), status


def paged(query, per_page: int) -> dict:
    """Template values: `page`, one page of `query`; `args`, the rest of the query string."""
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=per_page)
    return {"page": page, "args": {k: v for k, v in request.args.items() if k != "page"}}
