"""Jinja2: the template environment (autoescape, StrictUndefined, gettext from the `ui` catalog),
and extraction of interface strings from the templates. The one module that imports Jinja2."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Mapping

import jinja2
import markupsafe
from jinja2.ext import extract_from_ast

from pipeline.checks import interface_format_problem
from pipeline.errors import PipelineError, fail
from pipeline.model import Diagnostic, Templates


class UiText(markupsafe.Markup):
    """An interface string as `_()` gives it to a template: escaped text (safe to insert), and
    `lang`, its language: the page's when the `ui` catalog has a usable translation, the
    templates' own (the language of the msgids) when it falls back to the msgid. Mark the element
    that shows it with `{{ text|lang_attr }}`."""

    lang: str = ""

    @classmethod
    def of(cls, text: str, lang: str) -> "UiText":
        value = cls(text)
        value.lang = lang
        return value


def interface_gettext(ui: Mapping[str, str], lang: str, msgid_lang: str) -> Callable[..., UiText]:
    """`gettext(message, **variables)` over one language's interface catalog: the translation
    when usable, else the msgid (in `msgid_lang`), escaped, then formatted with the escaped
    `%(name)s` values as Jinja2's new-style gettext does."""

    usable = {message: translated for message, translated in ui.items()
              if translated and interface_format_problem(message, translated) is None}  # judged once, not per use

    def gettext(message: str, **variables: Any) -> UiText:
        translated = usable.get(message)
        shown = markupsafe.escape(message if translated is None else translated) % variables
        return UiText.of(shown, (msgid_lang if translated is None else lang) or lang)

    return gettext


@jinja2.pass_context
def lang_attr(context: Any, value: Any) -> markupsafe.Markup:
    """` lang="en"` for an element showing `value` when its language (`value.lang`: an interface
    string or a front-matter `Text`) is not the page's (`lang` in the context); else nothing. The
    `lang` attribute is the language of the element's text and of its attributes' text
    (aria-label, title, content), so an element marked for an attribute restates the page's
    language on its children."""
    shown, page = getattr(value, "lang", ""), context.get("lang")
    if not shown or not page or shown == page:
        return markupsafe.Markup("")
    return markupsafe.Markup(' lang="%s"') % shown


def environment(templates: Templates, ui: Mapping[str, str],
                filters: Mapping[str, Callable[..., Any]], lang: str = "", msgid_lang: str = "",
                every_ui: Mapping[str, Mapping[str, str]] | None = None) -> jinja2.Environment:
    """An environment over the templates given, whose `_()` / `{% trans %}` look strings up in `ui`
    (msgid → msgstr) and give `UiText`: in `lang` when translated, in `msgid_lang` (the language
    the templates are written in) when they fall back. `every_ui`: each language's catalog, for
    pages that speak several (the global `gettext_in[lang]`: set it as `gettext` around an
    include, and the include's `_()` speaks that language)."""

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

    gettext = interface_gettext(ui, lang, msgid_lang)

    def ngettext(singular: str, plural: str, num: int, **variables: Any) -> UiText:
        return gettext(singular if num == 1 else plural, **{"num": num, **variables})

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(gettext=gettext, ngettext=ngettext)  # ours keep the language Jinja2's wrappers drop
    env.globals["gettext_in"] = {other: interface_gettext(texts, other, msgid_lang)
                                 for other, texts in (every_ui or {}).items()}
    env.filters.update(filters)
    env.filters["lang_attr"] = lang_attr
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
    """(template name, line, message) for every `_()`, `gettext()` and `{% trans %}` in the
    templates, as Babel's Jinja2 extractor reads them; the templates' syntax errors (what
    `template_problems` finds) stop it before any message. Each template is parsed once, for both."""
    # Babel's settings (old-style gettext reads `%%` in {% trans %} as `%`), keeping the last line
    # break as `environment` does (the line of an error at the end of a template is the same)
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             extensions=["jinja2.ext.i18n"], cache_size=0, auto_reload=False)
    problems, found = [], []
    for name, text in sorted(templates.sources.items()):
        try:
            tree = env.parse(text, name, f"{templates.folder}/{name}")
        except jinja2.TemplateSyntaxError as error:
            problems.append(_syntax_problem(error, name))
            continue
        for line, _function, message in extract_from_ast(tree, ("_", "gettext", "ngettext")):
            found += [(name, line, piece) for piece in (message if isinstance(message, tuple) else (message,)) if piece]
    if problems:
        raise PipelineError(problems)
    yield from found


TemplateError = jinja2.TemplateError
Markup = markupsafe.Markup  # HTML the templates insert as it is (our own rendered Markdown)
