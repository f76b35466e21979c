"""Expected trouble while exporting, with messages written for the user."""


class ExportError(Exception):
    """Base of every expected export problem; str() is a message for the user: what happened, what to do."""


class FontMissing(ExportError):
    pass
