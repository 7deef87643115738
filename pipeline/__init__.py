"""Bilingual Khmer–English publishing pipeline: Markdown articles ⇄ gettext catalogs ⇄ paired pages."""

__version__ = "0.1.0"
