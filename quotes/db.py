"""Database connection and migrations.

``--db`` / QUOTES_DB takes a path (SQLite, the default ./quotes.db) or a SQLAlchemy URL
(``postgresql://...``). SQLite connections run with foreign keys on, WAL journalling and a busy
timeout. The schema exists only through the Alembic migrations in ``migrations/``, which are
installed with the package so ``quotes db upgrade`` works from an installed copy.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DB = "quotes.db"
BUSY_TIMEOUT_MS = 30_000


class SchemaError(RuntimeError):
    """The database is not at the schema this code expects."""


# the password runs from the user's colon to the "@" that a host follows (itself followed by a port,
# a path, a space or the end): a password may hold spaces and "@" ("pa ss", "p@ss"), and all of it is hidden
SECRET_IN_URL = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s]*:).*?@(?=[^@\s/:]+(?::\d*)?(?:[/\s?]|$))", re.I)
SECRET_PARAM = re.compile(r"(?P<head>\bpassword\s*=\s*)(?:'[^']*'|\"[^\"]*\"|\S+)", re.I)


def mask_secrets(text: str) -> str:
    """``text`` with the password of any database URL (``postgresql://user:pw@host``) or libpq
    ``password=...`` setting replaced by ``***``: for every message and log line that may name one."""
    text = SECRET_IN_URL.sub(lambda m: m.group("head") + "***@", text)
    return SECRET_PARAM.sub(lambda m: m.group("head") + "***", text)


def explain(url: str, error: BaseException) -> str | None:
    """One line saying what is wrong with the database at ``url`` and how to fix it, for the
    failures a user can fix (a missing folder, a file that is not a database, no permission, an
    unreachable server); None for anything else."""
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    path = sqlite_file(url)
    if path is not None:
        if not path.parent.is_dir():
            return f"the folder {path.parent} does not exist: create it, or pass another --db (or QUOTES_DB)"
        if "file is not a database" in first or "malformed" in first:
            return (f"{path} is not a SQLite database, or is damaged ({first}): pass another --db, or restore it "
                    f"from a backup (`sqlite3 {path} .recover` can save what is left of a damaged one)")
        if "readonly" in first or "permission" in first.lower() or isinstance(error, PermissionError):
            return f"cannot write {path} or its folder ({first}): check the permissions, or pass another --db"
        if "disk is full" in first or isinstance(error, OSError) and error.errno == 28:
            return (f"the disk holding {path} is full ({first}): free some space and run the command again "
                    "(what was stored before stays; a migration cut short left nothing behind)")
        if "unable to open database file" in first:
            return f"cannot open {path} ({first}): check that it is a file you may read and write, or pass another --db"
    elif "could not connect" in first.lower() or "connection refused" in first.lower() or "timeout" in first.lower():
        return mask_secrets(f"cannot reach the database server of {url} ({first}): is it running, and is the URL right?")
    return None


class DatabaseURLError(ValueError):
    """A database URL that cannot be read as the user meant it; the message never holds its password."""


# the user information of a URL: everything between the scheme and the last "@" before the host
USERINFO = re.compile(r"^[a-z][a-z0-9+.-]*://(?P<userinfo>[^/]*)@[^@/]*(?:/|$)", re.I)


def db_url(db: str | None = None) -> str:
    """A SQLAlchemy URL for a path or URL (QUOTES_DB, else ./quotes.db). A URL whose user or password
    holds a raw "@" or a space is refused: the driver would take part of the password for the host,
    and name it in its error."""
    db = db or os.environ.get("QUOTES_DB") or DEFAULT_DB
    if "://" in db:
        m = USERINFO.match(db)
        if m and ("@" in m["userinfo"] or re.search(r"\s", m["userinfo"])):
            raise DatabaseURLError('the user or password of the database URL holds "@" or a space: percent-encode it '
                                   '("@" as %40, a space as %20)')
        return db.replace("postgresql://", "postgresql+psycopg://", 1) if db.startswith("postgresql://") else db
    # (built, not written as "sqlite:///" + path: a "?", "#" or "%" in the path is escaped, where it
    # would otherwise start a query or a fragment and name another file)
    return URL.create("sqlite", database=str(Path(db).expanduser())).render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database, or SQLite in memory)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def on_read_only_media(file: Path) -> bool:
    """Whether a SQLite file sits where nothing can write (a read-only mount, a folder this user may
    not write), with no WAL index beside it. A WAL-mode database is then unreadable even with
    mode=ro, since SQLite must create its ``-shm`` file; opened ``immutable`` it reads (nothing can be
    writing it: a writer would have made the ``-shm`` file)."""
    folder = file.parent
    if Path(f"{file}-shm").exists():
        return False
    try:
        read_only_mount = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_mount = False
    return read_only_mount or not os.access(folder, os.W_OK)


def make_engine(url: str, *, foreign_keys: bool = True, readonly: bool = False, transactional_ddl: bool = False,
                begin: str = "BEGIN") -> Engine:
    """An engine for ``url``; ``readonly`` opens a SQLite file with mode=ro (it cannot be written,
    created or migrated through this engine). ``transactional_ddl`` (for migrations): on SQLite,
    every transaction starts with an explicit BEGIN, so that CREATE, DROP and ALTER are part of it
    and roll back with it. Python's sqlite3 begins a transaction only before a write of rows, so a
    migration stopped half-way (a full disk) left the table it had just created behind, and every
    later attempt failed on it."""
    file = sqlite_file(url) if readonly else None
    if file is not None:
        from urllib.parse import quote

        # a SQLite URI names the file, and "?", "#" and "%" in its path are escaped for SQLite to read
        query = {"mode": "ro", "uri": "true"}
        if on_read_only_media(file):
            query["immutable"] = "1"
        url = URL.create("sqlite", database=f"file:{quote(str(file))}", query=query)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if not readonly:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cur.close()
            if transactional_ddl:
                dbapi_conn.isolation_level = None  # no implicit BEGIN: the "begin" hook below says when

        if transactional_ddl:
            @event.listens_for(engine, "begin")
            def _begin(conn):
                conn.exec_driver_sql(begin)  # "BEGIN IMMEDIATE": the write lock first (``Database.exclusive``)

    return engine


def migrations_dir() -> Path:
    import migrations

    return Path(migrations.__file__).parent


def alembic_config(url: str, connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["url"] = url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def downgrade_reaches_base(url: str, revision: str) -> bool:
    """Whether ``quotes db downgrade REVISION`` would end at base (no tables). Raises ValueError for
    a revision that does not exist, with the ones that do."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(url))
    order = [r.revision for r in script.walk_revisions()]  # newest first
    if revision == "base":
        return True
    if revision.startswith("-") and revision[1:].isdigit():
        engine = make_engine(url)
        try:
            current = current_revision(engine)
        finally:
            engine.dispose()
        return current is None or order.index(current) + int(revision[1:]) >= len(order)
    if revision not in order:
        raise ValueError(f"no schema revision {revision!r}; the revisions are {', '.join(reversed(order))} and base")
    return False


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def current_schema(url: str, *, readonly: bool = False) -> str | None:
    """The schema revision of the database at ``url`` (None: empty), once it is sure to be ours and
    known to this code: another program's database (tables but no revision) and one a newer
    ``quotes`` made (a revision this code does not know) are refused in one line, since migrating
    either would damage it or fail half-way."""
    engine = make_engine(url, readonly=readonly)
    try:
        current = current_revision(engine)
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    if current is None and tables - {"alembic_version"}:
        raise SchemaError(f"{mask_secrets(url)} holds tables that quotes did not create; use another --db")
    if current is not None and not known_revision(url, current):
        from . import __version__

        raise SchemaError(f"the database is at schema {current}, which quotes {__version__} does not know: a newer "
                          "quotes made it; upgrade quotes to use it")
    return current


def known_revision(url: str, revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config(url)).get_revision(revision) is not None
    except CommandError:
        return False


def head_revision(url: str) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


MIGRATION_LOCK_KEY = 0x71756F746573  # "quotes": the PostgreSQL advisory lock migrations take
CORRECTION_LOCK_KEY = MIGRATION_LOCK_KEY + 1  # ... and the one corrections take (``Database.exclusive``)


@contextmanager
def migration_lock(url: str):
    """An exclusive lock for migrating the database at ``url``: on SQLite a ``flock`` on a file beside
    the database (``quotes.db.lock``), on PostgreSQL an advisory lock; held until the block ends."""
    file = sqlite_file(url)
    if file is not None:
        path = Path(str(file) + ".lock")
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            yield
            return
        with open(path, "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return
    engine = make_engine(url)
    try:
        if engine.dialect.name != "postgresql":
            yield
            return
        from sqlalchemy import text

        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
    finally:
        engine.dispose()


class QuotesSession(Session):
    """The sessions of a ``Database``: a class of our own, so that what ``quotes`` hooks on a flush
    (``speakers.py`` keeps speakers' index keys) touches no other program's SQLAlchemy sessions."""


class Database:
    """An engine plus a session factory, with the schema checked or created on open."""

    def __init__(self, db: str | None = None, *, migrate: bool = True, readonly: bool = False):
        self.url = db_url(db)
        self.upgraded_from: str | None = None  # the revision this open migrated the database from, if it did
        if readonly:
            self.check_readable()
        elif migrate:
            self.ensure_schema()
        self.engine = make_engine(self.url, readonly=readonly)
        self.sessions = sessionmaker(self.engine, class_=QuotesSession, expire_on_commit=False)

    def ensure_schema(self) -> None:
        """Bring a new or old database to the newest schema (a no-op when it is current).

        Serialised across processes (``migration_lock``): two first ingests into one new database
        would otherwise both try to create its tables."""
        head = head_revision(self.url)
        with migration_lock(self.url):  # also while checking: a new file is not yet in WAL mode
            current = self._current()
            if current != head:
                upgrade(self.url)
                self.upgraded_from = current  # derived data the package rebuilds (``store.rebuild_derived``)

    def check_readable(self) -> None:
        """For read commands: the database exists and is at this code's schema. Nothing is created or
        migrated; what is wrong is said in one line that names the fix."""
        path = sqlite_file(self.url)
        if path is not None:
            if not path.exists():
                raise SchemaError(f"no database at {path}: `quotes ingest PATH` creates it (or pass --db / QUOTES_DB)")
        current, head = self._current(readonly=True), head_revision(self.url)
        if current is None:
            raise SchemaError(f"{mask_secrets(self.url)} holds no quotes schema yet: run `quotes db upgrade` "
                              "(or `quotes ingest PATH`)")
        if current != head:
            raise SchemaError(f"the database is at schema {current}, this version of quotes reads {head}: "
                              "run `quotes db upgrade`")

    def _current(self, *, readonly: bool = False) -> str | None:
        return current_schema(self.url, readonly=readonly)

    @contextmanager
    def session(self):
        """One transaction: committed on success, rolled back on any error."""
        with self.sessions() as s:
            with s.begin():
                yield s

    @contextmanager
    def exclusive(self):
        """One transaction that holds the write lock from its first read: for a correction, which
        reads what it changes (two merges at once must not both read the speakers before either
        writes: the second then wrote on what the first had deleted). SQLite: BEGIN IMMEDIATE on an
        engine of its own; PostgreSQL: a transaction-scoped advisory lock taken first."""
        if self.engine.dialect.name == "sqlite":
            if getattr(self, "_exclusive_engine", None) is None:
                self._exclusive_engine = make_engine(self.url, transactional_ddl=True, begin="BEGIN IMMEDIATE")
            factory = sessionmaker(self._exclusive_engine, class_=QuotesSession, expire_on_commit=False)
            with factory() as s, s.begin():
                yield s
            return
        from sqlalchemy import text

        with self.session() as s:
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CORRECTION_LOCK_KEY})
            yield s

    def read(self) -> QuotesSession:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()
        if getattr(self, "_exclusive_engine", None) is not None:
            self._exclusive_engine.dispose()
