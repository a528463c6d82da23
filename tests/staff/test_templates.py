"""The staff templates render what their views give them; they ask no service for data."""

from pathlib import Path

from jinja2 import meta

STAFF_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "staff"

# Helpers that only build URLs, translate or name an enum value: they read no data.
PURE_HELPERS = {"_", "gettext", "ngettext", "range", "url_for"}


def _namespace(app) -> set[str]:
    """The names a template may use without being given them: globals, context processors."""
    with app.test_request_context():
        namespace = dict(app.jinja_env.globals)
        app.update_template_context(namespace)
    return set(namespace)


def _lookups(app, source: str) -> set[str]:
    """The names a template looks up, template globals included."""
    bare = app.jinja_env.overlay()
    bare.globals = {}  # otherwise jinja2.meta leaves the globals out
    return meta.find_undeclared_variables(bare.parse(source))


def test_staff_templates_call_only_pure_helpers(app):
    used = set()
    for path in sorted(STAFF_TEMPLATES.rglob("*.html")):
        used |= _lookups(app, path.read_text(encoding="utf-8")) & _namespace(app)
    assert used <= PURE_HELPERS, used - PURE_HELPERS


def test_a_template_calling_a_global_is_noticed(app):
    app.jinja_env.globals["some_service"] = lambda employee: []
    source = "{% for row in some_service(employee) %}{{ row }}{% endfor %}"
    assert _lookups(app, source) & _namespace(app) == {"some_service"}


def test_no_global_hands_out_the_staff_sections(app):
    assert not {"staff_sections", "staff_campaigns"} & _namespace(app)
