"""One exception family for user mistakes: each carries the file and the 1-based line."""

from __future__ import annotations

from pipeline.model import Diagnostic


class PipelineError(Exception):
    """A user mistake that stops the current command; shown as `path:line: message`."""

    def __init__(self, diagnostics: Diagnostic | list[Diagnostic] | tuple[Diagnostic, ...]):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = (diagnostics,)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def fail(path: str, line: int, message: str, code: str = "input", hint: str = "") -> PipelineError:
    """Build (not raise) an error for one located problem."""
    return PipelineError(Diagnostic(path=path, line=line, code=code, message=message, hint=hint))
