"""Write transactions that take the write lock up front, so a second writer waits out the busy timeout."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlite_utils import Database


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """`BEGIN IMMEDIATE` ... `COMMIT` (a savepoint when already inside a transaction).

    sqlite-utils' `atomic()` starts with a deferred `BEGIN`: a transaction that reads and then writes, after another
    process committed in between, gets SQLITE_BUSY at once instead of waiting (two captures into one archive: the
    GUI and the CLI). Taking the lock first makes the busy timeout apply.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")
