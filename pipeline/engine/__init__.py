"""The incremental engine under the commands: input stamps, a store of what earlier runs made and
what it depended on, output trees updated by difference, and the worker pool. It knows nothing of
Markdown or PO."""
