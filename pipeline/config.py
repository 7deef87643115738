"""Load and validate `[tool.pipeline]` from pyproject.toml once; report every problem at once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pipeline.errors import PipelineError
from pipeline.model import Diagnostic

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
KEY_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[(\d+|\*)\])*(\.[A-Za-z_][\w-]*(\[(\d+|\*)\])*)*$")
DEFAULT_TRANSLATED_KEYS = ("title", "description")
DEFAULT_REQUIRED_KEYS = ("title", "date")


@dataclass(frozen=True)
class CollectionConfig:
    """Per-collection settings: which front-matter key paths are translated, which are required."""

    translate: tuple[str, ...] = DEFAULT_TRANSLATED_KEYS
    required: tuple[str, ...] = DEFAULT_REQUIRED_KEYS
    lunar_date: str = ""  # "" off; "line": lunar date line above the date; "official": combined form


@dataclass(frozen=True)
class Config:
    """The whole project configuration. Paths are absolute."""

    root: Path
    project: str = "pipeline"
    version: str = "0.1"
    languages: tuple[str, ...] = ("en", "km")
    default_language: str = "en"
    content_dir: Path = Path("content")
    locale_dir: Path = Path("locale")
    site_dir: Path = Path("site")
    templates_dir: Path = Path("templates")
    asset_root: Path = Path("content")
    base_url: str = "https://example.org"
    site_name: str = "Pipeline"
    min_translated: float = 100.0
    page_size: int = 10
    collections: Mapping[str, CollectionConfig] = field(default_factory=lambda: MappingProxyType({}))

    def collection(self, name: str) -> CollectionConfig:
        return self.collections.get(name, CollectionConfig())

    def relative(self, path: Path) -> str:
        """A path as shown to users: relative to the project root when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def config_from_toml(data: bytes, root: Path, shown: str = "pyproject.toml") -> Config:
    """The configuration in the `[tool.pipeline]` table of a pyproject.toml's bytes, validated; raise
    one error listing all problems. `root`: the project folder its paths are relative to."""
    try:
        table = tomllib.loads(data.decode("utf-8")).get("tool", {}).get("pipeline", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = _toml_error_line(str(exc))
        raise PipelineError(Diagnostic(shown, line, "config", f"invalid TOML: {exc}")) from None
    return config_from_table(root, table, shown)


def _toml_error_line(message: str) -> int:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 0


def config_from_table(root: Path, table: Mapping[str, Any], shown: str = "pyproject.toml") -> Config:
    """Build a Config from the `[tool.pipeline]` table, collecting every problem before failing."""
    problems: list[str] = []

    def get(key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = table.get(key, default)
        if not isinstance(value, kind) or isinstance(value, bool) and kind in (int, float, (int, float)):
            problems.append(f"[tool.pipeline] {key} must be {_kind_name(kind)}, not {value!r}")
            return default
        return value

    known = {
        "project", "version", "languages", "default_language", "content_dir", "locale_dir",
        "site_dir", "templates_dir", "asset_root", "base_url", "site_name", "min_translated",
        "page_size", "collections",
    }
    for key in sorted(set(table) - known):
        problems.append(f"[tool.pipeline] unknown setting {key!r}")

    languages = tuple(get("languages", list, ["en", "km"]))
    for lang in languages:
        if not isinstance(lang, str) or not LANGUAGE_CODE.match(lang):
            problems.append(f"[tool.pipeline] languages: {lang!r} is not a language code like 'km' or 'en'")
        elif lang == "kh":
            problems.append("[tool.pipeline] languages: 'kh' is the country code; Khmer is 'km'")
    default_language = get("default_language", str, "en")
    if default_language not in languages:
        problems.append(f"[tool.pipeline] default_language {default_language!r} is not in languages")
    min_translated = get("min_translated", (int, float), 100)
    if not 0 <= min_translated <= 100:
        problems.append("[tool.pipeline] min_translated must be between 0 and 100")
    page_size = get("page_size", int, 10)
    if page_size < 1:
        problems.append("[tool.pipeline] page_size must be at least 1")
    base_url = get("base_url", str, "https://example.org")
    if not re.match(r"^https?://[^/\s]+", base_url):
        problems.append(f"[tool.pipeline] base_url {base_url!r} must start with http:// or https://")
    collections = _collections(get("collections", dict, {}), problems)

    config = Config(
        root=root,
        project=get("project", str, "pipeline"),
        version=get("version", str, "0.1"),
        languages=languages,
        default_language=default_language,
        content_dir=root / get("content_dir", str, "content"),
        locale_dir=root / get("locale_dir", str, "locale"),
        site_dir=root / get("site_dir", str, "site"),
        templates_dir=root / get("templates_dir", str, "templates"),
        asset_root=root / get("asset_root", str, "content"),
        base_url=base_url.rstrip("/"),
        site_name=get("site_name", str, "Pipeline"),
        min_translated=float(min_translated),
        page_size=page_size,
        collections=MappingProxyType(collections),
    )
    if problems:
        raise PipelineError([Diagnostic(shown, 0, "config", p) for p in problems])
    return config


def _collections(table: Mapping[str, Any], problems: list[str]) -> dict[str, CollectionConfig]:
    result = {}
    for name, settings in table.items():
        where = f"[tool.pipeline.collections.{name}]"
        if not isinstance(settings, dict):
            problems.append(f"{where} must be a table")
            continue
        for key in sorted(set(settings) - {"translate", "required", "lunar_date"}):
            problems.append(f"{where} unknown setting {key!r}")
        translate = _key_paths(settings.get("translate", list(DEFAULT_TRANSLATED_KEYS)), f"{where} translate", problems)
        required = _key_paths(settings.get("required", list(DEFAULT_REQUIRED_KEYS)), f"{where} required", problems)
        lunar = settings.get("lunar_date", False)
        lunar = {True: "line", False: ""}.get(lunar, lunar) if isinstance(lunar, bool) else lunar
        if lunar not in ("", "line", "official"):
            problems.append(f"{where} lunar_date must be false, true (or \"line\") or \"official\"")
            lunar = ""
        result[name] = CollectionConfig(translate=translate, required=required, lunar_date=lunar)
    return result


def _key_paths(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where} must be a list of key paths such as 'contact.address' or 'facilities[*]'")
        return ()
    for path in value:
        if not KEY_PATH.match(path):
            problems.append(f"{where}: {path!r} is not a key path such as 'managementTeam.member[*].role'")
    return tuple(value)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", list: "a list", dict: "a table", int: "an integer", float: "a number"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
