"""The commands: each reads as the pipeline it runs (what each step does), on the engine and the
project on disk. The CLI calls them; they return values and raise PipelineError, never print."""
