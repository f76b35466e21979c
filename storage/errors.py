"""Expected trouble with the archive file, with messages written for the user."""


class StorageError(Exception):
    """Base of every expected storage problem; str() is a message for the user: what happened, what to do."""


class ArchiveCorrupt(StorageError):
    pass


class SchemaTooNew(StorageError):
    pass


class ArchiveLocked(StorageError):
    pass


class NotFound(StorageError):
    """A post, blog or series the user named is not in the archive."""


class NotAnArchive(ArchiveCorrupt):
    """A valid SQLite file that some other program owns; we never add our tables to it."""


class ArchiveUnwritable(StorageError):
    """The archive (or its folder) cannot be written: read-only, disk full, no permission, I/O error."""
