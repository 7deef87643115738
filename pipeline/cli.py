"""The `pipeline` command: argument parsing, messages and exit codes. The only module that prints."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from pipeline import __version__
from pipeline.config import EXPORT_LAYOUTS, Config
from pipeline.disk.project import find_project_root, load_config
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic
from pipeline.disk.layout import preview_folder
from pipeline.engine.pool import default_jobs

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # the reader of the output went away: as a shell reports a process SIGPIPE ended


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage mistakes exit 2, as documented
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline", description="Bilingual Khmer–English publishing from Markdown and gettext catalogs.")
    parser.add_argument("--version", action="version", version=f"pipeline {__version__}")
    parser.add_argument("--root", type=Path, default=None, help=_ROOT_HELP)
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every file written")
    # --root, -q and -v also after the command (`pipeline build -q`); SUPPRESS keeps the global value otherwise
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=_ROOT_HELP)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only errors")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="print more: every file written, every note")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in (_extract_command, _status_command, _build_command, _new_command, _move_command, _serve_command,
                _check_command, _import_command, _glossary_command):
        add(commands, common)
    return parser


_ROOT_HELP = ("the project folder (default: the nearest folder, this one or one above it, whose pyproject.toml "
              "has a [tool.pipeline] table, as git finds its repository)")


def _extract_command(commands, common: argparse.ArgumentParser) -> None:
    extract = commands.add_parser(
        "extract", parents=[common], help="refresh .pot templates and .po catalogs from the articles",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write locale/templates/<id>.pot for every article and create or update\n"
                    "locale/<lang>/LC_MESSAGES/<id>.po for every target language, like msgmerge --previous.",
        epilog="example:\n  pipeline extract\n  SOURCE_DATE_EPOCH=1755043200 pipeline extract")
    extract.add_argument("--jobs", type=int, default=None, metavar="N",
                         help="articles processed in parallel (default: the number of cores)")
    extract.set_defaults(run=_extract)


def _status_command(commands, common: argparse.ArgumentParser) -> None:
    status = commands.add_parser(
        "status", parents=[common], help="translation progress per article and language",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="A table of every catalog's progress, then the orphan catalogs: those whose article was\n"
                    "deleted or renamed (`pipeline mv OLD NEW` gives them to the renamed article).",
        epilog="example:\n  pipeline status\n  pipeline status --json > status.json")
    status.add_argument("--json", action="store_true", help=_JSON_HELP)
    status.set_defaults(run=_status)


def _build_command(commands, common: argparse.ArgumentParser) -> None:
    build_cmd = commands.add_parser(
        "build", parents=[common], help="build the bilingual static site",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build every published article in every language whose translation is complete\n"
                    "enough, list pages, feeds, a sitemap and a 404 page. The new site replaces the\n"
                    "old one only when it is complete.",
        epilog="examples:\n  pipeline build\n  pipeline build --out public --min-translated 80\n"
               "  pipeline build --now 2025-12-01 --markdown export/")
    build_cmd.add_argument("--out", type=Path, help="output folder (default: site/)")
    build_cmd.add_argument("--markdown", type=Path, metavar="DIR",
                           help="also write each published page as Markdown, with the images and files it uses")
    build_cmd.add_argument("--layout", choices=EXPORT_LAYOUTS, default=None,
                           help="how --markdown lays out its files: flat (DIR/<lang>/<collection>/<slug>.md, "
                                "the default), astro (DIR/src/content/<collection>/<lang>/<slug>.md, images in "
                                "DIR/src/assets/) or hugo (DIR/content/<collection>/<slug>.<lang>.md, files in "
                                "DIR/static/)")
    build_cmd.add_argument("--min-translated", type=_percent, metavar="PERCENT",
                           help="publish a translation when at least PERCENT of its units are translated "
                                "(default: min_translated in pyproject.toml)")
    build_cmd.add_argument("--drafts", action="store_true", help="include drafts and future-dated articles")
    build_cmd.add_argument("--now", type=_iso_date, metavar="YYYY-MM-DD",
                           help="publish as if today were this date (default: today)")
    build_cmd.add_argument("--strict", action="store_true",
                           help="fail the whole build on any translation error instead of holding pages back")
    build_cmd.add_argument("--json", action="store_true", help=_JSON_HELP)
    build_cmd.add_argument("--jobs", type=int, default=None, metavar="N",
                           help="articles processed in parallel (default: the number of cores)")
    build_cmd.set_defaults(run=_build)


def _new_command(commands, common: argparse.ArgumentParser) -> None:
    new = commands.add_parser(
        "new", parents=[common], help="start a new article with today's date and the collection's front-matter keys",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write content/<collection>/<slug>.md with the keys of the collection's latest article\n"
                    "(values emptied), today's date and draft: true. Never overwrites an existing file.",
        epilog="examples:\n  pipeline new news-and-events/ctc-graduation\n"
               "  pipeline new announcements/holiday-hours --lang km")
    new.add_argument("article", metavar="COLLECTION/SLUG")
    new.add_argument("--lang", help="the language the article is written in (default: the default language)")
    new.add_argument("--new-collection", action="store_true",
                     help="start a collection that is neither configured nor a folder under content/ yet "
                          "(without it, an unknown collection is refused as a likely misspelling)")
    new.set_defaults(run=_new)


def _move_command(commands, common: argparse.ArgumentParser) -> None:
    move = commands.add_parser(
        "mv", parents=[common], help="rename or move an article, keeping its translations",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Move an article to a new id (slug or collection) with its catalog in every language and\n"
                    "its template. Its relative links, and other articles' links to it, are rewritten in the\n"
                    "Markdown and alike in the catalogs, so no translation is lost or turns fuzzy. A refused\n"
                    "move (OLD missing, NEW taken or not a valid id) changes nothing. When OLD was renamed\n"
                    "by hand, its orphan catalogs go to NEW. Run `pipeline extract` afterwards.",
        epilog="examples:\n  pipeline mv news-and-events/article-19 news-and-events/working-group-2025-08\n"
               "  pipeline mv content/guides/old-guide.md announcements/new-guide.md")
    move.add_argument("old", metavar="OLD", help="the article: its id (news/foo) or its file (content/news/foo.md)")
    move.add_argument("new", metavar="NEW", help="its new id or file")
    move.add_argument("--new-collection", action="store_true",
                      help="NEW may start a collection that is neither configured nor a folder yet")
    move.set_defaults(run=_move)


def _serve_command(commands, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser(
        "serve", parents=[common], help="preview the site, rebuilding and reloading when a file is saved",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build the site into .cache/preview (drafts, future articles and partial\n"
                    "translations included), serve it on 127.0.0.1, and rebuild when an article, a\n"
                    ".po file, a template or an asset is saved; open pages reload by themselves.\n"
                    "Saving an article also refreshes its catalogs (as `pipeline extract`).",
        epilog="example:\n  pipeline serve --port 8000   # then open http://127.0.0.1:8000/km/")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    serve.set_defaults(run=_serve)


def _check_command(commands, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser(
        "check", parents=[common], help="validate articles, catalogs and every translation",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Report every problem: front matter, .po syntax and header, and each translation\n"
                    "compared with its source (links, images, code, markup, numbers, raw HTML, glossary\n"
                    "terms) plus Khmer spelling-structure checks. A translator comment '# noqa: CODE'\n"
                    "silences one. Exit status: 0 clean (warnings allowed), 1 errors, 2 usage or configuration\n"
                    "errors. With --json, stdout holds one JSON report whatever happens, errors in\n"
                    "pyproject.toml included (\"ok\": false, with them as findings, exit status 2).",
        epilog="examples:\n  pipeline check\n  pipeline check --json > findings.json")
    check.add_argument("--json", action="store_true", help=_JSON_HELP)
    check.set_defaults(run=_check)


def _import_command(commands, common: argparse.ArgumentParser) -> None:
    import_cmd = commands.add_parser(
        "import", parents=[common], help="bring an existing bilingual site into content/ and filled catalogs",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Read an Astro site (src/content/<collection>/<lang>/<slug>.md) or a folder holding en/ and km/,\n"
                    "copy each source-language article into content/ and write a filled catalog per translation.\n"
                    "Uncertain pairs are fuzzy with a comment; translated text with no source counterpart is kept\n"
                    "as a translator comment. Existing articles and catalogs are kept unless --force.",
        epilog="examples:\n  pipeline import ../ctc-website\n  pipeline import old/guides --collection guides\n"
               "  pipeline import ../ctc-website --force --json > import.json")
    import_cmd.add_argument("source", type=Path, metavar="SOURCE_DIR")
    import_cmd.add_argument("--collection", help="collection of a flat en/ + km/ folder (default: its name); "
                                                 "with a whole site, import only this collection")
    import_cmd.add_argument("--force", action="store_true", help="replace existing articles and catalogs")
    import_cmd.add_argument("--json", action="store_true", help=_JSON_HELP)
    import_cmd.set_defaults(run=_import)


def _glossary_command(commands, common: argparse.ArgumentParser) -> None:
    glossary = commands.add_parser(
        "glossary", parents=[common], help="list the glossary's terms and their use; TBX export and import",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="list (the default): each term of glossary.csv, how many translated units use it and how\n"
                    "many follow it, and where the others are (-v: every place). export FILE.tbx / import\n"
                    "FILE.tbx: the glossary as TBX for Weblate, and a TBX file merged into glossary.csv (no row\n"
                    "dropped). suggest: candidate terms mined from the Khmer catalogs, best first.",
        epilog="examples:\n  pipeline glossary\n  pipeline glossary export glossary.tbx\n"
               "  pipeline glossary import weblate-glossary.tbx\n  pipeline glossary suggest --limit 10")
    glossary.add_argument("action", nargs="?", default="list", choices=("list", "export", "import", "suggest"))
    glossary.add_argument("file", nargs="?", type=Path, metavar="FILE.tbx", help="the TBX file (export, import)")
    glossary.add_argument("--limit", type=int, default=30, metavar="N", help="suggest: how many (default 30)")
    glossary.add_argument("--json", action="store_true", help=_JSON_HELP)
    glossary.set_defaults(run=_glossary)


def _glossary(config: Config, args: argparse.Namespace) -> int:
    from pipeline.commands import glossary as terms

    if (args.file is None) == (args.action in ("export", "import")):
        raise PipelineError([Diagnostic("pipeline glossary", 0, "usage", f"`{args.action}` takes " + (
            f"a TBX file: pipeline glossary {args.action} FILE.tbx" if args.file is None else "no file"))])
    findings: tuple[Diagnostic, ...] = ()
    if args.action == "list":
        listing = terms.glossary_listing(config)
        report = {"glossary": listing.glossary, "terms": [use.as_dict() for use in listing.terms]}
        lines, findings = terms.listing_lines(listing, args.verbose), listing.findings
    elif args.action == "suggest":
        found = terms.suggestions(config, max(args.limit, 0))
        report, lines = {"suggestions": [terms.suggestion_dict(s) for s in found]}, terms.suggestion_lines(found)
    elif args.action == "export":
        report = {"written": str(args.file), "terms": terms.export_tbx(config, args.file)}
        lines = [f"glossary: {report['terms']} term(s) written to {args.file}"]
    else:
        done = terms.import_tbx(config, args.file)
        report, lines = done.as_dict(), [done.summary]
    if args.json:
        print(json.dumps({"ok": True, **report, "findings": [_as_json(d) for d in findings]}, ensure_ascii=False,
                         indent=2))
        return EXIT_OK
    for finding in findings:
        _print_diagnostic(finding)
    for line in lines if not args.quiet or args.action in ("list", "suggest") else ():
        print(line)
    return EXIT_OK


_JSON_HELP = ("print one JSON report on stdout, on every outcome: \"ok\" says whether the command succeeded, "
              "\"findings\" holds the errors and warnings (a broken pyproject.toml's too); the exit status is "
              "the same as without --json")


def _import(config: Config, args: argparse.Namespace) -> int:
    from pipeline.commands.importer import import_site

    report = import_site(config, args.source, force=args.force, collection=args.collection)
    if args.json:
        print(json.dumps({"ok": True, **report.as_dict(), "findings": []}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for warning in report.warnings:
        _print_diagnostic(warning)
    if args.quiet:
        return EXIT_OK
    for article in report.articles:
        if not article.translations:
            print(f"{article.article_id}: {article.content_status}, no translation")
        for t in article.translations:
            print(f"{article.article_id} [{t.lang}]: {t.confident} confident, {t.fuzzy} fuzzy "
                  f"({t.kept_in_source} left untranslated), {t.unpaired} unpaired, {t.extra} extra kept"
                  + ("" if t.written else " (catalog not written)"))
            if args.verbose:
                for note in t.notes:
                    print(f"  {note}")
    print(f"import: {len(report.articles)} article(s), {len(report.written)} file(s) written, "
          f"{report.assets} asset(s) copied")
    return EXIT_OK


def _new(config: Config, args: argparse.Namespace) -> int:
    from pipeline.commands.new import new_article

    path = new_article(config, args.article.removesuffix(".md"), args.lang, dt.date.today(), args.new_collection)
    if not args.quiet:
        print(f"wrote {config.relative(path)} (draft: remove `draft: true` to publish)")
    return EXIT_OK


def _move(config: Config, args: argparse.Namespace) -> int:
    from pipeline.commands.move import move_article

    report = move_article(config, args.old, args.new, Path.cwd(), new_collection=args.new_collection)
    for warning in report.warnings:
        _print_diagnostic(warning)
    if args.verbose:
        for shown in report.written:
            print(f"wrote {shown}")
        for shown in report.removed:
            print(f"removed {shown}")
    if not args.quiet:
        for article_id in report.relinked:
            print(f"{article_id}: its links to {report.old} now point at {report.new}")
        print(f"mv: {report.old} -> {report.new}, {len(report.written)} file(s) written, "
              f"{len(report.removed)} removed; run `pipeline extract` next")
    return EXIT_OK


def _serve(config: Config, args: argparse.Namespace) -> int:
    import gc
    import threading

    from pipeline.commands.preview import Preview
    from pipeline.server import PreviewState, open_server, watch

    out = preview_folder(config)
    state = PreviewState()

    def rebuild(changed: set[Path]) -> None:
        try:
            preview.rebuild(changed)
            gc.collect()
            gc.freeze()  # what the preview keeps lives on: the collector need not walk it at every rebuild
            state.publish(())
        except PipelineError as error:
            state.publish(tuple(str(d) for d in error.diagnostics))
            return _show(error)
        except OSError as error:  # a full disk, a read-only folder: said, and the preview goes on
            fault = machine_fault(config.root, error)
            state.publish((str(fault),))
            return _print_diagnostic(fault)
        if not args.quiet:  # (outside the try: a reader that went away ends the preview, see `main`)
            print(f"rebuilt ({len(changed)} file(s) changed)" if changed else "built", flush=True)

    def saved(changed: set[Path]) -> None:
        """Rebuild for a batch of changes, unless all are files the preview itself wrote."""
        if changed := preview.saved(changed):
            rebuild(changed)

    # the port is taken before the first build, so a busy one is told at once; requests wait for the build
    with open_server(out, args.port, state, report=lambda line: print(line, file=sys.stderr, flush=True)) as server:
        preview = Preview(config, out, jobs=default_jobs())
        rebuild(set())
        server.start()
        print(f"serving http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop)", flush=True)
        stop = threading.Event()
        try:
            watch([config.content_dir, config.locale_dir, config.templates_dir, config.asset_root,
                   *([config.public_dir] if config.public_dir else []), config.root / "pyproject.toml",
                   config.glossary], saved, stop)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            preview.close()
    return EXIT_OK


def _check(config: Config, args: argparse.Namespace) -> int:
    from pipeline.commands.check import check_project

    findings = check_project(config, progress=_ProgressBar(args), jobs=default_jobs())
    errors = sum(1 for d in findings if d.severity == "error")
    warnings = len(findings) - errors
    if args.json:
        print(json.dumps({"ok": not errors, "errors": errors, "warnings": warnings,
                          "findings": [_as_json(d) for d in findings]}, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            if finding.severity == "error" or not args.quiet:
                _print_diagnostic(finding)
        if not args.quiet:
            print(f"check: {errors} error(s), {warnings} warning(s)")
    return EXIT_ERRORS if errors else EXIT_OK


def _as_json(diagnostic) -> dict:
    return {"path": diagnostic.path, "line": diagnostic.line, "code": diagnostic.code,
            "severity": diagnostic.severity, "message": diagnostic.message, "hint": diagnostic.hint,
            "msgid": diagnostic.msgid}


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("a percentage is between 0 and 100")
    return value


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-08-13") from None


def _build(config: Config, args: argparse.Namespace) -> int:
    from pipeline.commands import build as publish
    from pipeline.pages import BuildOptions

    options = BuildOptions(
        today=args.now or dt.date.today(),
        drafts=args.drafts,
        min_translated=config.min_translated if args.min_translated is None else args.min_translated,
    )
    out = Path(os.path.abspath(args.out or config.site_dir))
    jobs = args.jobs if args.jobs and args.jobs > 0 else default_jobs()
    if args.layout is not None and args.markdown is None:
        raise PipelineError([Diagnostic("pipeline build", 0, "usage",
                                        "--layout says how to lay out the Markdown export: give --markdown DIR too")])
    report = publish.build_site(config, out, options, markdown_out=args.markdown, strict=args.strict,
                              progress=_ProgressBar(args), jobs=jobs, layout=args.layout or "flat")
    if args.json:
        print(json.dumps({
            "ok": not report.errors, "out": report.out, "pages": report.pages, "assets": report.assets,
            "markdown_files": report.markdown_files, "errors": report.errors,
            "held_back": [{"article": h.article_id, "language": h.lang, "reason": h.reason} for h in report.held_back],
            "findings": [_as_json(d) for d in report.findings],
        }, ensure_ascii=False, indent=2))
        return EXIT_ERRORS if report.errors else EXIT_OK
    for finding in report.findings:
        if finding.severity == "error" or not args.quiet:
            _print_diagnostic(finding)
    if not args.quiet:
        for held in report.held_back:
            print(f"held back: {held.lang}/{held.article_id}: {held.reason}")
        print(f"build: {report.pages} pages and {report.assets} assets in {report.out}"
              + (f", {report.markdown_files} Markdown files" if args.markdown else ""))
    if report.errors:
        print(f"build: published, but {report.errors} translation error(s) held pages back", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


class _ProgressBar:
    """A one-line bar on an interactive terminal; silent in CI, in pipes and with -q."""

    def __init__(self, args: argparse.Namespace):
        self.enabled = (sys.stderr.isatty() and not args.quiet and not getattr(args, "json", False)
                        and os.environ.get("CI", "").lower() not in ("1", "true", "yes"))
        self.shown = False

    def __call__(self, what: str, done: int, total: int) -> None:
        if not self.enabled or total < 20:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r{what:8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.shown = True
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _extract(config: Config, args: argparse.Namespace) -> int:
    from pipeline.commands import extract as extraction

    jobs = args.jobs if args.jobs and args.jobs > 0 else default_jobs()
    report = extraction.extract(config, progress=_ProgressBar(args), jobs=jobs)
    if args.verbose:
        for path in report.written:
            print(f"wrote {path}")
        for path in report.merged:
            print(f"merged a save made while extracting into {path}")
        for path in report.raced:
            print(f"(that save of {path} landed between the check and the swap: the swap was undone)")
    if not args.quiet:
        for old, new in report.moved:
            print(f"moved: {old} → {new} (renamed by hand: its catalogs and translations went with it)")
        print(f"extract: {len(report.written)} file(s) written, {report.unchanged} unchanged")
    return EXIT_OK


def _status(config: Config, args: argparse.Namespace) -> int:
    from pipeline.commands.status import status, table

    report = status(config)
    if args.json:
        print(json.dumps({"ok": True, "catalogs": [r.as_dict() for r in report.rows],
                          "orphan_catalogs": list(report.orphans), "findings": []}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for line in table(report.rows):
        print(line)
    if report.orphans:
        print("\norphan catalogs (their article was deleted or renamed):")
        for shown in report.orphans:
            print(f"  {shown}")
        print("  hint: `pipeline mv OLD NEW` gives them to the renamed article, keeping the translations;\n"
              "        delete them if the article is gone for good")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader of the output went away (`pipeline check | head -1`)
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit:
        sys.stdout.flush()  # --help, --version: a reader that went away is noticed here, not at exit
        raise
    root = args.root.resolve() if args.root is not None else find_project_root(Path.cwd())
    if root is None:
        return _failed(args, None, [Diagnostic(
            os.getcwd(), 0, "usage", "not in a pipeline project: no pyproject.toml with a [tool.pipeline] table "
                                     "here or in any folder above; go into the project or pass --root DIR")], EXIT_USAGE)
    try:
        config = load_config(root)
    except PipelineError as error:
        return _failed(args, None, error.diagnostics, EXIT_USAGE)
    except OSError as error:  # pyproject.toml unreadable
        return _failed(args, None, [machine_fault(root, error)], EXIT_ERRORS)
    run: Callable[[Config, argparse.Namespace], int] = args.run
    try:
        code = run(config, args)
        sys.stdout.flush()  # a reader that went away (`pipeline check | head -1`) is noticed here, not at exit
        return code
    except BrokenPipeError:  # (an OSError, but no fault of the machine: `main` ends quietly)
        raise
    except PipelineError as error:
        code = EXIT_USAGE if all(d.code == "usage" for d in error.diagnostics) else EXIT_ERRORS
        return _failed(args, config, error.diagnostics, code)
    except OSError as error:  # a fault of the machine: a full disk, a read-only or immutable folder
        return _failed(args, config, [machine_fault(config.root, error)], EXIT_ERRORS)
    except KeyboardInterrupt:
        print("pipeline: interrupted; files already written are complete, nothing is torn", file=sys.stderr)
        return 130


def _failed(args: argparse.Namespace, config: Config | None, findings: Sequence[Diagnostic], code: int) -> int:
    """Report what stopped a command: as located lines on stderr, or with --json as the command's
    JSON report on stdout (`_stopped_report`). Returns the exit status `code`."""
    if getattr(args, "json", False):
        print(json.dumps(_stopped_report(args, config, findings), ensure_ascii=False, indent=2))
        sys.stdout.flush()
    else:
        for finding in findings:
            _print_diagnostic(finding)
    return code


def _stopped_report(args: argparse.Namespace, config: Config | None, findings: Sequence[Diagnostic]) -> dict:
    """The JSON report of a command that stopped on errors before it finished: the keys its report
    has when it succeeds, with nothing done, `"ok": false` and the errors as findings."""
    errors = sum(1 for d in findings if d.severity == "error")
    shown = [_as_json(d) for d in findings]
    if args.command == "build":
        out = args.out or (config.site_dir if config is not None else None)  # (unknown without a configuration)
        out = None if out is None else Path(os.path.abspath(out))
        out = config.relative(out) if config is not None and out is not None else out and out.as_posix()
        return {"ok": False, "out": out, "pages": 0, "assets": 0, "markdown_files": 0, "errors": errors,
                "held_back": [], "findings": shown}
    if args.command == "check":
        return {"ok": False, "errors": errors, "warnings": len(findings) - errors, "findings": shown}
    if args.command == "status":
        return {"ok": False, "catalogs": [], "orphan_catalogs": [], "findings": shown}
    return {"ok": False, "articles": [], "assets": 0, "written": [], "warnings": [], "findings": shown}  # import


_FAULT_HINTS = {
    errno.ENOSPC: "free some space on that disk and run the command again",
    errno.EDQUOT: "your disk quota is used up: free some space and run the command again",
    errno.EROFS: "the file system holding it is mounted read-only",
    errno.EPERM: "the file or its folder may be immutable (see `lsattr`; `chattr -i` lifts it)",
    errno.EACCES: "check the permissions of the file and of its folder",
    errno.EBUSY: "a mount point (or a folder in use) cannot be replaced: a build swaps its output folder "
                 "in by renaming, so build into a folder inside the mount point",
}


def machine_fault(root: Path, error: OSError) -> Diagnostic:
    """One located line for an error of the operating system: the file or folder it names (relative
    to the project folder `root` when inside it) and the reason, in the words of the system."""
    named = error.filename if error.filename is not None else error.filename2
    path = Path(os.path.abspath(os.fsdecode(named) if isinstance(named, bytes) else str(named))) \
        if named is not None else None
    shown = "pipeline" if path is None else path.relative_to(root).as_posix() if path.is_relative_to(root) \
        else path.as_posix()
    reason = (error.strerror or str(error) or type(error).__name__).lower()
    return Diagnostic(shown, 0, "system", reason, hint=_FAULT_HINTS.get(error.errno, ""))


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own last flush at exit finds no closed pipe."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _show(error: PipelineError) -> None:
    for diagnostic in error.diagnostics:
        _print_diagnostic(diagnostic)


def _print_diagnostic(diagnostic) -> None:
    print(diagnostic, file=sys.stderr)
    if diagnostic.hint:
        print(f"  hint: {diagnostic.hint}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
