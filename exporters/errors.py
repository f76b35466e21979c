"""Expected trouble while exporting, with messages written for the user."""


class ExportError(Exception):
    """Base of every expected export problem; str() is a message for the user: what happened, what to do."""


class FontMissing(ExportError):
    pass


class ExportWriteFailed(ExportError):
    """The output file could not be written (missing folder, no permission, disk full)."""


class InvalidExportOptions(ExportError):
    """An export option has a value the exporter cannot use."""


class LayoutFailed(ExportError):
    """The PDF could not be laid out (something in a post is too large for a page)."""
