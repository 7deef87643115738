"""Jinja2: the template environment (autoescape, StrictUndefined, gettext from the `ui` catalog),
and extraction of interface strings from the templates. The one module that imports Jinja2."""

from __future__ import annotations

import io
from typing import Any, Callable, Iterable, Iterator, Mapping

import jinja2
import markupsafe
from jinja2.ext import babel_extract

from pipeline.checks import interface_format_problem
from pipeline.errors import PipelineError, fail
from pipeline.model import Diagnostic, Templates


def environment(templates: Templates, ui: Mapping[str, str],
                filters: Mapping[str, Callable[..., Any]]) -> jinja2.Environment:
    """An environment over the templates given, whose `_()` / `{% trans %}` look strings up in `ui`
    (msgid → msgstr). Interface translations are text, escaped here: Jinja2 marks what gettext
    returns as safe."""

    def source(name: str):
        text = templates.sources.get(name)
        return None if text is None else (text, f"{templates.folder}/{name}", lambda: True)

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(source),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def gettext(message: str) -> str:
        translated = ui.get(message)
        usable = translated and interface_format_problem(message, translated) is None
        return str(markupsafe.escape(translated if usable else message))

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular) if n == 1 else gettext(plural)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters)
    return env


def render(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    """Render one template; template mistakes become located errors."""
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateNotFound as error:
        raise fail("templates", 0, f"template {error.name!r} not found; copy the project's templates/ "
                   "folder or set templates_dir in [tool.pipeline]", code="template") from None
    except jinja2.TemplateSyntaxError as error:
        raise PipelineError([_syntax_problem(error, template)]) from None
    except jinja2.UndefinedError as error:
        path, line = _template_place(error)
        raise fail(path or _shown(env, template), line, f"template uses an unknown value: {error.message}",
                   code="template") from None


def template_problems(templates: Templates, required: Iterable[str] = ()) -> tuple[Diagnostic, ...]:
    """The `required` templates that are missing, and the syntax errors of every template, located
    (`templates/article.html:12`): what stops extracting the interface strings from them, and
    rendering with them."""
    env = environment(templates, {}, {})
    problems = [Diagnostic(templates.folder, 0, "template", f"template {name!r} not found",
                           hint="copy the project's templates/ folder, or set templates_dir in [tool.pipeline]")
                for name in required if name not in templates.sources]
    for name, text in sorted(templates.sources.items()):
        try:
            env.parse(text, name, f"{templates.folder}/{name}")
        except jinja2.TemplateSyntaxError as error:
            problems.append(_syntax_problem(error, name))
    return tuple(problems)


def _syntax_problem(error: jinja2.TemplateSyntaxError, template: str) -> Diagnostic:
    return Diagnostic(error.filename or template, error.lineno or 0, "template", f"template syntax: {error.message}",
                      hint="fix the template; the interface catalogs are left as they are until it parses")


def _shown(env: jinja2.Environment, template: str) -> str:
    """A template's path as the editor sees it (`templates/article.html`)."""
    try:
        return env.loader.get_source(env, template)[1] or template  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        return template


def _template_place(error: Exception) -> tuple[str | None, int]:
    """The template file and line of an error raised while rendering: Jinja2 rewrites the traceback
    so that template frames carry the template's file name and line; the innermost one is where
    the mistake is (in an included or parent template too)."""
    place: tuple[str | None, int] = (None, 0)
    trace = error.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            place = (filename, trace.tb_lineno)
        trace = trace.tb_next
    return place


def ui_messages(templates: Templates) -> Iterator[tuple[str, int, str]]:
    """(template name, line, message) for every `_()`, `gettext()` and `{% trans %}` in the templates."""
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    problems = template_problems(templates)
    if problems:
        raise PipelineError(problems)
    for name, text in sorted(templates.sources.items()):
        stream = io.BytesIO(text.encode("utf-8"))
        for line, _function, message, _comments in babel_extract(stream, ("_", "gettext", "ngettext"), [], options):
            messages = message if isinstance(message, tuple) else (message,)
            for found in messages:
                if found:
                    yield name, line, found


TemplateError = jinja2.TemplateError
Markup = markupsafe.Markup  # HTML the templates insert as it is (our own rendered Markdown)
