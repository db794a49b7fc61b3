"""The `quotes` command line: option parsing and rendering only; the work lives in the library."""
from __future__ import annotations

import json
import signal
import sys
from functools import wraps

import click

from . import __version__
from .extraction.names import SPEAKER_KINDS
from .output import ALIASES, RECORD_FORMATS, printable, render, shorten

SQL_INT_MAX = 2**63 - 1  # the largest integer SQLite and PostgreSQL bigint hold


OUTPUT_HELP = {
    "table": "A table, for people.",
    "json": "A JSON array of objects ([] when nothing matches).",
    "nl": "Newline-delimited JSON: one object per line.",
    "csv": "CSV with a header row.",
    "tsv": "Tab-separated values with a header row.",
}



def echo(message: str = "", **kwargs) -> None:
    """``click.echo`` of a message for people, made printable (``output.printable``)."""
    click.echo(printable(str(message)), **kwargs)

def output_options(default: str = "table", *, views: tuple = ("table",), format_aliases: dict | None = None):
    """The output options every record-printing command shares: ``--json``, ``--nl``, ``--csv`` and
    ``--tsv`` (one at a time), ``--table`` where a table is the view for people, and ``--format NAME``,
    the older spelling kept so that scripts keep working (``jsonl`` is ``--nl``). The command gets
    ``fmt``: one of ``views`` (its views for people, rendered by the command) or RECORD_FORMATS.
    ``format_aliases`` maps further ``--format`` names (older ones) onto what the command gets."""
    aliases = {**ALIASES, **(format_aliases or {})}
    flags = [f for f in (*views, *RECORD_FORMATS) if f in OUTPUT_HELP]
    names = [*views, *RECORD_FORMATS, *aliases]
    options = [click.option(f"--{f}", f"output_{f}", is_flag=True,
                            help=OUTPUT_HELP[f] + (" The default." if f == default else "")) for f in flags]
    options.append(click.option("--format", "output_format", type=click.Choice(list(dict.fromkeys(names))), default=None,
                                help=f"The output format by name, kept for scripts (jsonl is --nl). Default: {default}."))
    if "table" in views:
        options.append(click.option("--full", "output_full", is_flag=True,
                                    help="Whole texts in the table (it is cut to the terminal's width otherwise)."))

    def decorator(f):
        @wraps(f)
        def wrapper(*args, **kwargs):
            if kwargs.pop("output_full", False):
                from .output import FULL

                FULL.set(True)
            given = [(f"--{name}", name) for name in flags if kwargs.pop(f"output_{name}")]
            by_name = kwargs.pop("output_format")
            if by_name:
                given.append((f"--format {by_name}", aliases.get(by_name, by_name)))
            if len({fmt for _, fmt in given}) > 1:
                spelled = " and ".join(opt for opt, _ in given)
                raise click.UsageError(f"{spelled} are mutually exclusive: give one output format")
            return f(*args, fmt=given[0][1] if given else default, **kwargs)

        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorator


def _iso_date(ctx, param, value):
    """An ISO date (YYYY-MM-DD, or a longer ISO timestamp whose date is kept), else a usage error."""
    if value is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _any_date(value):
    """A publication date given on the command line, as stored (``read.normalise_date``)."""
    if value is None:
        return None
    from .read import normalise_date

    try:
        return normalise_date(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def _column_map(pairs) -> dict[str, str]:
    from .read import CSV_COLUMNS

    out = {}
    for pair in pairs:
        key, sep, name = pair.partition("=")
        if not sep or key.strip() not in CSV_COLUMNS or not name.strip():
            raise click.BadParameter(f"{pair!r}: give FIELD=NAME, FIELD one of {', '.join(CSV_COLUMNS)}",
                                     param_hint="--column")
        out[key.strip()] = name.strip()
    return out


def filter_options(*, speaker: bool = True, limit: bool = True):
    """The filters every read command shares, collected into one ``filters`` argument
    (``search.Filters``): --speaker, --outlet, --since, --until, --type and --limit."""
    options = []
    if speaker:
        options.append(click.option("--speaker", "f_speaker", metavar="NAME",
                                    help="Only statements of a speaker whose name (or the name as written) contains this."))
    options += [
        click.option("--outlet", "f_outlet", metavar="NAME", help="Only articles of an outlet whose name contains this."),
        click.option("--since", "f_since", metavar="DATE", callback=_iso_date,
                     help="Only articles published on or after this date (YYYY-MM-DD)."),
        click.option("--until", "f_until", metavar="DATE", callback=_iso_date,
                     help="Only articles published on or before this date (YYYY-MM-DD)."),
        click.option("--type", "f_type", type=click.Choice(["direct", "indirect", "mixed"]),
                     help="Only direct quotations, reported speech, or mixed (partial) quotations."),
    ]
    if limit:
        options.append(click.option("--limit", "f_limit", type=click.IntRange(1, SQL_INT_MAX), help="At most this many records."))

    def decorator(f):
        @wraps(f)
        def wrapper(*args, **kwargs):
            from .search import Filters

            kwargs["filters"] = Filters(speaker=kwargs.pop("f_speaker", None), outlet=kwargs.pop("f_outlet"),
                                        since=kwargs.pop("f_since"), until=kwargs.pop("f_until"),
                                        type=kwargs.pop("f_type"), limit=kwargs.pop("f_limit", None))
            return f(*args, **kwargs)

        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorator


def silent_option(what: str = "No summary on stderr."):
    return click.option("--silent", is_flag=True, help=what)


def open_db(ctx, *, write: bool = True):
    """The database of ``--db``: migrated to the newest schema for commands that write; opened
    read-only, and never created or migrated, for commands that only read."""
    from .db import Database, SchemaError, mask_secrets

    try:
        return Database(ctx.obj["db"], readonly=not write)
    except SchemaError as e:
        raise click.ClickException(str(e)) from e
    except Exception as e:  # unreachable server, unreadable file, ...
        from .db import db_url, explain

        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise click.ClickException(mask_secrets(explain(db_url(ctx.obj["db"]), e)
                                                or f"cannot open the database {ctx.obj['db'] or 'quotes.db'}: {first}")) from e


def with_db(f):
    @click.pass_context
    @wraps(f)
    def wrapper(ctx, *args, **kwargs):
        db = open_db(ctx, write=False)  # every command on with_db only reads
        try:
            return f(db, *args, **kwargs)
        finally:
            db.close()

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="quotes")
@click.option("--db", envvar="QUOTES_DB", default=None, show_envvar=True,
              help="SQLite file or database URL (postgresql://...). Default: ./quotes.db")
@click.option("--models", envvar="QUOTES_MODELS", default=None, show_envvar=True,
              help="Stanza model folder. Default: the English models bundled with quotes.")
@click.pass_context
def cli(ctx, db, models):
    """Who said what, and how each outlet told it.

    Example: quotes ingest seeds/ && quotes who-said "Geneva"
    """
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, models=models)


# -- ingest -------------------------------------------------------------------------------------
@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--outlet", help="Outlet name for every article read (overrides the page's own).")
@click.option("--url", help="URL for every article read.")
@click.option("--published", callback=lambda ctx, param, v: _any_date(v),
              help="Publication date for every article read (ISO 8601, RFC 2822 or a usual spelling; stored in UTC).")
@click.option("--column", "columns", multiple=True, metavar="FIELD=NAME",
              help="A CSV or TSV column to read a field from (text, html, title, outlet, url, published, id), "
                   "where the file does not use a usual name (repeatable).")
@click.option("--workers", type=click.IntRange(min=1), default=None, envvar="QUOTES_WORKERS", show_envvar=True,
              help="Processes that parse in parallel, each with its own pipeline (about 1 GB each). "
                   "Default: the number of cores; 1 parses in this process.")
@click.option("--device", default=None, envvar="QUOTES_DEVICE", show_envvar=True,
              help="Where the models run: cpu, cuda, cuda:N. Default: a CUDA GPU when there is one, else cpu.")
@click.option("--ray", "use_ray", is_flag=True,
              help="Read, clean and parse on Ray (the ray extra), --workers actors; this process stores. "
                   "Alone, it starts a Ray on this machine.")
@click.option("--ray-address", metavar="ADDRESS", default=None,
              help="The Ray to use (implies --ray): `local` (a Ray on this machine), `auto` (the cluster this "
                   "machine is part of) or `ray://HEAD:10001`.")
@silent_option("No progress bar and no summary.")
@click.pass_context
def ingest(ctx, paths, outlet, url, published, columns, workers, device, use_ray, ray_address, silent):
    """Read articles (.txt, .html, .jsonl, .json, .csv, .tsv; folders recursively; - for stdin), find and store their quotes.

    Example: quotes ingest seeds/ more/article.html
    """
    from .distributed import RayError, require_ray
    from .ingest import Overrides, default_workers, ingest_paths
    from .parse import ModelsMissing

    if use_ray and not ray_address:
        ray_address = "local"
    if ray_address:
        try:
            require_ray()
        except RayError as e:
            raise click.ClickException(str(e)) from e
    db = open_db(ctx)
    progress = None
    if not silent:
        from tqdm import tqdm

        progress = lambda: tqdm(unit="article", file=sys.stderr, leave=False)  # noqa: E731
    try:
        report = ingest_paths(db, list(paths), overrides=Overrides(outlet, url, published), models=ctx.obj["models"],
                              progress=progress, workers=workers or (None if ray_address else default_workers()),
                              device=device, ray_address=ray_address, columns=_column_map(columns))
    except (ModelsMissing, RayError) as e:
        raise click.ClickException(str(e)) from e
    finally:
        db.close()
    for path, note in report.warnings:
        echo(f"warning: {path}: {note}", err=True)
    for path, reason in report.failed:
        echo(f"error: {path}: {reason}", err=True)
    if not silent:
        echo(f"articles: {report.new} new, {report.skipped} already stored; quotes: {report.quotes}; "
                   f"new speakers: {report.speakers}" + (f"; failed: {len(report.failed)}" if report.failed else "")
             + (f"; grouped {report.resumed} articles an interrupted run had stored" if report.resumed else ""), err=True)
    if report.failed:
        ctx.exit(1)


@cli.command()
@click.option("--article", "article_ids", type=click.IntRange(1, SQL_INT_MAX), multiple=True,
              help="Only this article id (repeatable).")
@click.option("--outlet", help="Only articles of this outlet.")
@click.option("--since", help="Only articles published on or after this date (ISO 8601).")
@click.option("--until", help="Only articles published on or before this date (ISO 8601).")
@click.option("--behind", is_flag=True, help="Only articles not made by the installed extractor (see `quotes db status`).")
@click.option("--reparse", is_flag=True,
              help="Parse again the articles whose stored parse came from other parser models (loads the parser).")
@silent_option("No progress bar and no summary.")
@click.pass_context
def reextract(ctx, article_ids, outlet, since, until, behind, reparse, silent):
    """Extract stored articles again from their stored parses, with the installed extractor: new
    quotes, speakers and groups without parsing again. Quotes that stay the same keep their ids;
    speaker corrections are replayed.

    Example: quotes reextract --behind
    """
    from .parse import ModelsMissing
    from .reextract import reextract as run
    from .reextract import select_articles

    db = open_db(ctx)
    try:
        ids = select_articles(db, ids=list(article_ids), outlet=outlet, since=since, until=until, behind=behind)
        progress = None
        if not silent:
            from tqdm import tqdm

            progress = lambda: tqdm(total=len(ids), unit="article", file=sys.stderr, leave=False)  # noqa: E731
        report = run(db, ids, reparse=reparse, models=ctx.obj["models"], progress=progress)
    except ModelsMissing as e:
        raise click.ClickException(str(e)) from e
    finally:
        db.close()
    for source, reason in report.failed:
        echo(f"error: {source}: {reason}", err=True)
    if not silent:
        echo(f"articles: {report.articles} re-extracted, {report.changed} changed"
                   + (f", {report.reparsed} parsed again" if report.reparsed else "")
                   + f"; quotes: {report.kept} kept, {report.added} added, {report.removed} removed; "
                   f"speakers removed: {report.speakers_removed}"
                   + (f"; failed: {len(report.failed)}" if report.failed else "")
                   + (f"; grouped {report.resumed} articles an interrupted run had left" if report.resumed else ""), err=True)
    if report.failed:
        ctx.exit(1)


# -- who-said / export ----------------------------------------------------------------------------
QUOTE_TABLE = ["quote_id", "speaker", "type", "cue_text", "outlet", "article", "text"]
QUOTE_WIDTHS = {"text": 70, "article": 24, "outlet": 16, "speaker": 28}


@cli.command("who-said")
@click.argument("text")
@filter_options()
@output_options()
@with_db
def who_said(db, text, filters, fmt):
    """Full-text search over quote text: every hit with its speaker, outlet, article, cue and type.

    Every word of TEXT must be in the quote or in its speaker's name as the article wrote it (so
    `who-said Zelensky` also finds what he is quoted saying), in any order, any case, accents
    ignored; a word matches whole words only. Quotation marks, OR, NOT, * and other punctuation are
    read as plain words, never as search syntax: "north korean" finds both words anywhere.

    Example: quotes who-said "Geneva" --speaker Zelensky --type direct
    """
    from .search import COLUMNS
    from .search import who_said as search

    with db.engine.connect() as conn:
        rows = search(conn, text, filters=filters)
    if not rows and fmt == "table":
        echo(f"no quote matches {text!r}", err=True)
        return
    render(rows, fmt, columns=QUOTE_TABLE if fmt == "table" else [c.strip('"') for c in COLUMNS], widths=QUOTE_WIDTHS)


# the fields every command names the same way (quote_view's columns); export keeps "cue" and "variant",
# its older names for cue_lemma and variant_id, for the scripts that read them
EXPORT_COLUMNS = ["article", "outlet", "url", "published", "type", "text", "speaker", "speaker_mention", "cue", "cue_text",
                  "start", "end", "variant", "confidence", "quote_id", "speaker_id", "article_id", "cue_lemma", "variant_id"]


@cli.command()
@filter_options()
@output_options(default="nl", views=())
@with_db
def export(db, filters, fmt):
    """Every stored occurrence, one record each (article, outlet, type, text, speaker, cue, offsets, variant).

    Example: quotes export --csv --outlet Reuters --since 2025-01-01 > quotes.csv
    """
    from .search import export_rows

    with db.engine.connect() as conn:
        rows = ({**r, "cue": r["cue_lemma"], "variant": r["variant_id"]} for r in export_rows(conn, filters))
        render(({c: r.get(c) for c in EXPORT_COLUMNS} for r in rows), fmt, columns=EXPORT_COLUMNS)


# -- articles ------------------------------------------------------------------------------------
ARTICLE_TABLE = ["article_id", "published", "outlet", "article", "n_quotes", "n_speakers", "title"]
TYPE_COLOURS = {"direct": "green", "indirect": "cyan", "mixed": "yellow"}


@cli.group(invoke_without_command=True)
@filter_options()
@output_options()
@click.pass_context
def articles(ctx, filters, fmt):
    """The stored articles, newest first, with how many statements and speakers each holds; `show ID`
    prints one with its statements marked. --speaker and --type keep the articles holding such a
    statement; --outlet, --since and --until read the article's own outlet and date.

    Example: quotes articles --outlet Reuters --since 2025-01-01
    """
    if ctx.invoked_subcommand:
        return
    from .search import ARTICLE_COLUMNS, stored_articles

    db = open_db(ctx, write=False)
    try:
        with db.engine.connect() as conn:
            rows = stored_articles(conn, filters)
    finally:
        db.close()
    if not rows and fmt == "table":
        echo("no stored article matches", err=True)
        return
    render(rows, fmt, columns=ARTICLE_TABLE if fmt == "table" else ARTICLE_COLUMNS,
           widths={"article": 28, "title": 50, "outlet": 18})


@articles.command("show")
@click.argument("article_id", type=click.IntRange(1, SQL_INT_MAX))
@click.option("--color/--no-color", default=None, help="Colour the statements by type (default: when writing to a terminal).")
@output_options(default="text", views=("text",))
@click.pass_context
def articles_show(ctx, article_id, color, fmt):
    """One stored article's text with every statement marked [n ...] and, below, who each is
    credited to (type, cue, speaker as written, group). With --json, --nl, --csv or --tsv: its
    statements, one record each.

    Example: quotes articles show 1
    """
    from .search import COLUMNS, article_with_statements, marked_text

    db = open_db(ctx, write=False)
    try:
        with db.engine.connect() as conn:
            found = article_with_statements(conn, article_id)
    finally:
        db.close()
    if found is None:
        raise click.ClickException(f"no article {article_id}; see `quotes articles`")
    article, statements = found
    if fmt != "text":
        render(statements, fmt, columns=[c.strip('"') for c in COLUMNS])
        return
    colour = sys.stdout.isatty() if color is None else color

    def opening(n, st):
        return click.style(f"[{n} ", fg=TYPE_COLOURS.get(st["type"]), bold=True) if colour else f"[{n} "

    def closing(n, st):
        return click.style("]", fg=TYPE_COLOURS.get(st["type"]), bold=True) if colour else "]"

    meta = ", ".join(str(v) for v in (article["outlet"], article["published"], article["url"]) if v)
    echo(printable(f"article {article_id}: {article['source']}" + (f" ({meta})" if meta else "")))
    if article["wire"] or article["copy_of"]:
        echo(printable("carries " + (f"{article['wire']} copy" if article["wire"] else "")
                       + (f"; a copy of article {article['copy_of']}" if article["copy_of"] else "")))
    echo("")
    echo(marked_text(article["text"], statements, opening, closing, plain=printable))
    echo("")
    for n, st in enumerate(statements, 1):
        who = st["speaker"] or "(no speaker resolved)"
        written = f" as \"{st['speaker_mention']}\"" if st["speaker_mention"] and st["speaker_mention"] != st["speaker"] else ""
        group = f", group {st['variant_id']}" if st["variant_id"] else ""
        cue = f", {st['cue_text']}" if st["cue_text"] else ""
        echo(printable(f"[{n}] {st['type']}{cue}: {who}{written} (quote {st['quote_id']}{group})"))


# -- parse / models -------------------------------------------------------------------------------
@cli.command()
@click.argument("file")
@click.option("--format", "fmt", type=click.Choice(["conllu", "json"]), default="conllu", show_default=True)
@click.pass_context
def parse(ctx, file, fmt):
    """Print the dependency parse of raw text (FILE or - for stdin), for debugging attributions.

    Example: echo '"We will win," the mayor said.' | quotes parse -
    """
    from .parse import ModelsMissing, parse_text, to_conllu, to_json
    from .read import ReadError, decode, normalise, read_bytes

    try:
        text = normalise(decode(read_bytes(file)))
        doc = parse_text(text, models=ctx.obj["models"])
    except (ReadError, ModelsMissing) as e:
        raise click.ClickException(str(e)) from e
    if fmt == "json":
        click.echo(json.dumps(to_json(doc), ensure_ascii=False, indent=1))
    else:
        click.echo(to_conllu(doc), nl=False)


@cli.group()
def models():
    """The Stanza models in use: `info`, and `download` of Stanza's official ones."""


@models.command("info")
@output_options()
@silent_option("No note on stderr of the model folder and transformer.")
@click.pass_context
def models_info(ctx, fmt, silent):
    """Which models are in use, where, and their dev scores.

    Example: quotes models info
    """
    from .parse import ModelsMissing, find_models, model_card, models_dir

    directory = models_dir(ctx.obj["models"])
    try:
        ms = find_models(directory)
    except ModelsMissing as e:
        raise click.ClickException(str(e)) from e
    card = model_card(directory)
    rows = []
    for proc, path in (ms.paths or {p: "(Stanza resources.json)" for p in card.get("processors", {})}).items():
        info = card.get("processors", {}).get(proc, {})
        rows.append({"processor": proc, "path": path, "size_mb": info.get("size_mb"),
                     "dev_scores": ", ".join(f"{k} {v}" for k, v in info.get("dev", {}).items())})
    if not silent:
        echo(f"models: {directory} ({ms.kind})", err=True)
        for name, info in card.get("transformers", {}).items():
            echo(f"transformer: {name} from the installed {info.get('package')} wheel, used by "
                       f"{', '.join(info.get('used_by', []))}", err=True)
    render(rows, fmt, columns=["processor", "path", "size_mb", "dev_scores"], widths={"path": 70})


@models.command("download")
@click.option("--dir", "target", type=click.Path(), default=None, help="Where to put them (default: Stanza's ~/stanza_resources).")
@silent_option("No progress bar and no summary.")
def models_download(target, silent):
    """Opt in to Stanza's official English models (needs a network); use them with --models DIR.

    Example: quotes models download --dir ~/stanza_resources && quotes --models ~/stanza_resources ingest seeds/
    """
    import stanza

    try:
        stanza.download("en", model_dir=target or stanza.resources.common.DEFAULT_MODEL_DIR,
                        processors="tokenize,mwt,pos,lemma,depparse", verbose=False if silent else None)
    except Exception as e:
        raise click.ClickException(f"download failed (no network?): {str(e).splitlines()[0]}") from e
    if not silent:
        echo(f"downloaded; run quotes --models {target or stanza.resources.common.DEFAULT_MODEL_DIR} ...", err=True)


# -- speakers ---------------------------------------------------------------------------------------
SPEAKER_TABLE = ["id", "name", "kind", "quotes", "aliases"]
SPEAKER_QUOTE_COLUMNS = ["speaker_id", "speaker", "quote_id", "type", "cue_text", "outlet", "published", "article_id",
                         "article", "text"]

@cli.group(invoke_without_command=True)
@click.option("--kind", type=click.Choice(SPEAKER_KINDS))
@output_options()
@click.pass_context
def speakers(ctx, kind, fmt):
    """List canonical speakers with their quote counts and aliases; correct them with subcommands.

    Example: quotes speakers --kind person
    """
    if ctx.invoked_subcommand:
        return
    from .corrections import list_speakers

    db = open_db(ctx, write=False)
    try:
        with db.read() as s:
            rows = list_speakers(s, kind=kind)
    finally:
        db.close()
    render(rows, fmt, columns=SPEAKER_TABLE if fmt == "table" else [*SPEAKER_TABLE, "description"], widths={"aliases": 70})


def _raced(db, fn):
    """``fn(session)`` in one transaction holding the write lock from its first read
    (``Database.exclusive``): of two merges at once, the second reads what the first left and says
    in one line why it no longer applies. Should the database still answer with an integrity or a
    locking error (a writer outside ``quotes``), it runs once more on what is stored now."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in (1, 2):
        try:
            with db.exclusive() as s:
                return fn(s)
        except (IntegrityError, OperationalError) as e:
            if attempt == 2:
                from .workers import first_line

                raise click.ClickException("another command changed the same rows at the same time and this one "
                                           f"could not be applied ({first_line(e)}); run it again") from e


def _correct(ctx, fn, *args):
    from .corrections import CorrectionError

    def apply(s):
        sp = fn(s, *args)
        return {"id": sp.id, "name": sp.name, "kind": sp.kind}

    db = open_db(ctx)
    try:
        return _raced(db, apply)
    except CorrectionError as e:
        raise click.ClickException(str(e)) from e
    finally:
        db.close()


@speakers.command("show")
@click.argument("name")
@filter_options(speaker=False)
@output_options(default="text", views=("text",))
@click.pass_context
def speakers_show(ctx, name, filters, fmt):
    """One speaker: aliases with counts, the articles each came from, and what they said (with
    --json, --nl, --csv or --tsv: what they said, one record per quote).

    Example: quotes speakers show Zelensky
    """
    from .corrections import CorrectionError, find_speaker
    from .search import alias_articles, speaker_quotes

    db = open_db(ctx, write=False)
    try:
        with db.read() as s:
            try:
                sp = find_speaker(s, name)
            except CorrectionError as e:
                raise click.ClickException(str(e)) from e
            if fmt != "text":
                quotes = speaker_quotes(s.connection(), sp.id, filters)
                render(({"speaker_id": sp.id, "speaker": sp.name, **q._asdict()} for q in quotes), fmt,
                       columns=SPEAKER_QUOTE_COLUMNS)
                return
            echo(f"{sp.name}  [{sp.kind}, id {sp.id}]" + (f"  {sp.description}" if sp.description else ""))
            by_alias = alias_articles(s.connection(), sp.id)
            for al in sorted(sp.aliases, key=lambda a: -a.count):
                echo(f"  alias: {al.alias} ({al.count})  {by_alias.get(al.alias) or ''}")
            for q in speaker_quotes(s.connection(), sp.id, filters):
                echo(f"  - [{q.type}] {q.article} ({q.cue_text or '-'}): {shorten(q.text, 100)}")
    finally:
        db.close()


@speakers.command("merge")
@click.argument("source")
@click.argument("target")
@silent_option()
@click.pass_context
def speakers_merge(ctx, source, target, silent):
    """Merge speaker SOURCE into TARGET (names, aliases or ids); survives re-ingest.

    Example: quotes speakers merge "Kirby" "John Kirby"
    """
    from .corrections import merge

    r = _correct(ctx, merge, source, target)
    if not silent:
        echo(f"merged into {r['name']} (id {r['id']})", err=True)


@speakers.command("split")
@click.argument("name")
@click.argument("alias")
@click.option("--as", "new_name", help="Name of the new speaker (default: the alias).")
@silent_option()
@click.pass_context
def speakers_split(ctx, name, alias, new_name, silent):
    """Move the occurrences written as ALIAS off speaker NAME onto a new speaker.

    Example: quotes speakers split "Security Service of Ukraine" "the agency" --as "Ukrainian military"
    """
    from .corrections import split

    r = _correct(ctx, split, name, alias, new_name)
    if not silent:
        echo(f"split off {r['name']} (id {r['id']})", err=True)


@speakers.command("rename")
@click.argument("name")
@click.argument("new_name")
@silent_option()
@click.pass_context
def speakers_rename(ctx, name, new_name, silent):
    """Rename a speaker (the old name stays an alias; the new name is kept on re-ingest).

    Example: quotes speakers rename "Volodymyr Zelenskyy" "Volodymyr Zelensky"
    """
    from .corrections import rename

    r = _correct(ctx, rename, name, new_name)
    if not silent:
        echo(f"renamed to {r['name']} (id {r['id']})", err=True)


# -- variants ---------------------------------------------------------------------------------------
VARIANT_COLUMNS = ["variant_id", "n_outlets", "n_articles", "n_reports", "wording_differs", "framing_differs", "speakers_differ",
                   "canonical_text", "speakers", "types"]

@cli.group(invoke_without_command=True)
@click.option("--min-outlets", type=click.IntRange(1, SQL_INT_MAX), default=1, show_default=True, help="Only groups carried by at least N outlets.")
@click.option("--conflicts", is_flag=True, help="Only groups attributed to different speakers.")
@filter_options()
@output_options()
@click.pass_context
def variants(ctx, min_outlets, conflicts, filters, fmt):
    """Statements reported by several articles, with their wording, framing and attribution flags;
    correct the groups with subcommands (merge, split, detach, regroup). The filters keep the groups
    with at least one member they keep.

    Example: quotes variants --min-outlets 2 --speaker Zelensky --since 2025-01-01
    """
    if ctx.invoked_subcommand:
        return
    from .search import variant_groups

    db = open_db(ctx, write=False)
    try:
        with db.engine.connect() as conn:
            rows = variant_groups(conn, min_outlets=min_outlets, conflicts=conflicts, filters=filters)
    finally:
        db.close()
    if fmt == "table":
        for r in rows:
            r["flags"] = ",".join(f for f, on in (("wording", r["wording_differs"]), ("framing", r["framing_differs"]),
                                                   ("SPEAKERS", r["speakers_differ"])) if on)
        if not rows:
            echo("no variant groups", err=True)
            return
        render(rows, fmt, columns=["variant_id", "n_outlets", "n_reports", "types", "speakers", "flags", "canonical_text"],
               widths={"canonical_text": 60, "speakers": 40})
    else:
        render(rows, fmt, columns=VARIANT_COLUMNS)




def _correct_group(ctx, fn, *args):
    from .grouping.corrections import GroupCorrectionError

    db = open_db(ctx)
    try:
        return _raced(db, lambda s: fn(s, *args))
    except GroupCorrectionError as e:
        raise click.ClickException(str(e)) from e
    finally:
        db.close()


@variants.command("merge")
@click.argument("target", type=click.IntRange(1, SQL_INT_MAX))
@click.argument("source", type=click.IntRange(1, SQL_INT_MAX))
@silent_option()
@click.pass_context
def variants_merge(ctx, target, source, silent):
    """Merge group SOURCE into group TARGET (variant ids); survives re-ingest and reextract.

    Example: quotes variants merge 3 7
    """
    from .grouping.corrections import merge

    gid = _correct_group(ctx, lambda s, *a: merge(s, *a).id, target, source)
    if not silent:
        echo(f"merged group {source} into group {gid}", err=True)


@variants.command("split")
@click.argument("quote_ids", nargs=-1, required=True, type=click.IntRange(1, SQL_INT_MAX))
@silent_option()
@click.pass_context
def variants_split(ctx, quote_ids, silent):
    """Move QUOTE_IDS out of their group into a new group of their own; survives re-ingest.

    Example: quotes variants split 31 55
    """
    from .grouping.corrections import split

    gid = _correct_group(ctx, lambda s, *a: split(s, list(a)).id, *quote_ids)
    if not silent:
        echo(f"split into group {gid}", err=True)


@variants.command("detach")
@click.argument("quote_id", type=click.IntRange(1, SQL_INT_MAX))
@silent_option()
@click.pass_context
def variants_detach(ctx, quote_id, silent):
    """Take quote QUOTE_ID out of its group (it joins none again on its own); survives re-ingest.

    Example: quotes variants detach 55
    """
    from .grouping.corrections import detach

    left = _correct_group(ctx, detach, quote_id)
    if not silent:
        echo(f"quote {quote_id} left group {left}", err=True)


@variants.command("regroup")
@silent_option()
@click.pass_context
def variants_regroup(ctx, silent):
    """Make every statement group again from scratch, as one ingest of everything stored would.

    Groups do not depend on the order articles come in within one run; across runs, groups no new
    article reaches keep the word statistics of their day. Corrections made by hand are replayed.

    Example: quotes variants regroup
    """
    from .grouping.groups import regroup_all

    db = open_db(ctx)
    try:
        n = regroup_all(db)
    finally:
        db.close()
    if not silent:
        echo(f"regrouped the quotes of {n} articles", err=True)


@cli.command()
@click.argument("variant_id", type=click.IntRange(1, SQL_INT_MAX))
@click.option("--color/--no-color", default=None, help="Highlight the diff (default: when writing to a terminal).")
@filter_options()
@output_options(default="text", views=("text",), format_aliases={"json": "group"})
@with_db
def compare(db, variant_id, color, filters, fmt):
    """One statement side by side across outlets, each version diffed word by word against the canonical form,
    then the related statements of other speakers (confirming, repeating or answering it).
    With --json, --nl, --csv or --tsv: one record per occurrence, `relation` saying which is the
    canonical one, the members and the related statements; `--format json` keeps its older shape,
    one object with the occurrences inside (and `related`).

    The filters keep some of the versions; the canonical form is the group's whichever they keep.

    Example: quotes compare 1 --outlet Reuters
    """
    from .grouping.pairs import word_diff
    from .search import canonical_member, related_statements, report_sources, variant_members

    with db.engine.connect() as conn:
        members = variant_members(conn, variant_id)
        related = related_statements(conn, variant_id)
        if not members:
            raise click.ClickException(f"no variant group {variant_id}; see `quotes variants`")
        canonical = canonical_member(conn, variant_id, members)
        if filters or filters.limit:
            members = variant_members(conn, variant_id, filters)
        counts, copies = report_sources(conn, variant_id)
    for m in members:
        m["diff"] = word_diff(canonical["text"], m["text"])
    if fmt == "group":  # the shape `--format json` printed before the shared output options
        click.echo(json.dumps({"variant_id": variant_id, "canonical": canonical["text"], "occurrences": members,
                               "related": related}, ensure_ascii=False, indent=2, default=str))
        return
    if fmt != "text":
        for m in members:
            m["relation"] = "canonical" if m is canonical else "member"
            if fmt in ("csv", "tsv"):
                m["diff"] = " ".join(_diff_piece(op, t, False) for op, t in m["diff"])
        for r in related:
            r.update(relation="related", diff=None if fmt in ("csv", "tsv") else [])
        rows = members + [{c: r.get(c) for c in members[0]} for r in related]
        render(rows, fmt, columns=[*members[0]])
        return
    color = sys.stdout.isatty() if color is None else color
    echo(f"variant {variant_id}: {canonical['text']}")
    echo(f"carried by {counts.get('n_outlets')} outlets in {counts.get('n_articles')} articles: "
         f"{counts.get('n_reports')} original reports (one agency's copies count once)\n")
    for m in members:
        copy = f" | {copies[m['article_id']]}" if m.get("article_id") in copies else ""
        echo(f"{m['outlet'] or '(unknown outlet)'} | {m['article']}{copy} | {m['type']} | {m['speaker'] or '?'} "
                   f"({m['speaker_mention'] or '-'}) | cue: {m['cue_text'] or '-'}")
        click.echo("  " + " ".join(_diff_piece(op, printable(t), color) for op, t in m["diff"]) + "\n")
    if related:
        echo("related statements (other speakers confirming, repeating or answering it):\n")
    for r in related:
        group = f" | variant {r['variant_id']}" if r["variant_id"] else ""
        echo(f"{r['outlet'] or '(unknown outlet)'} | {r['article']} | {r['type']} | {r['speaker'] or '?'}{group}")
        echo(f"  {r['text']}\n")


def _diff_piece(op, text, color):
    if op == "equal":
        return text
    if color:
        return click.style(text, fg="red" if op == "delete" else "green", strikethrough=op == "delete")
    return f"[-{text}-]" if op == "delete" else f"{{+{text}+}}"


# -- serve ----------------------------------------------------------------------------------------------
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="Port to listen on.")
@click.pass_context
def serve(ctx, host, port):
    """Browse the database in a web browser, read-only (Datasette; the web extra): search with facets,
    a page per speaker and per statement group, canned queries for the common questions.

    Example: quotes serve --port 8001
    """
    from .db import db_url

    try:
        from .web.serve import ServeError, make_datasette, run, sqlite_path
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] != "datasette":
            raise
        raise click.ClickException("quotes serve needs Datasette: pip install 'quotes[web]'") from e
    try:
        path = sqlite_path(db_url(ctx.obj["db"]))  # Datasette reads SQLite only
        open_db(ctx, write=False).close()  # it exists, at this schema: nothing is created or migrated
        datasette = make_datasette(path)
    except ServeError as e:
        raise click.ClickException(str(e)) from e
    echo(f"serving {path} read-only at http://{host}:{port}/ (Ctrl+C stops)", err=True)
    run(datasette, host=host, port=port)


# -- db -------------------------------------------------------------------------------------------------
@cli.group("db")
def db_group():
    """Schema migrations: upgrade, downgrade, current, history."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@silent_option()
@click.pass_context
def db_upgrade(ctx, revision, silent):
    """Migrate the database up to REVISION (default: head).

    Example: quotes db upgrade
    """
    from .db import SchemaError, current_schema, db_url, migration_lock, upgrade

    url = db_url(ctx.obj["db"])
    with migration_lock(url):  # not while an ingest is migrating the same database
        try:
            before = current_schema(url)  # ours, and not from a newer quotes
        except SchemaError as e:
            raise click.ClickException(str(e)) from e
        upgrade(url, revision)
    if revision == "head":  # vectors and related statements are derived data, left to the package by the migrations
        from .db import Database
        from .grouping.groups import rebuild_after_upgrade
        from .store import embed_missing

        db = Database(url, migrate=False)
        try:
            embed_missing(db)
            rebuild_after_upgrade(db, before)
        finally:
            db.close()
    if not silent:
        echo(f"upgraded to {revision}", err=True)


@db_group.command("downgrade", context_settings={"ignore_unknown_options": True})
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask before dropping every table (a downgrade to base).")
@silent_option()
@click.pass_context
def db_downgrade(ctx, revision, yes, silent):
    """Migrate the database down to REVISION (e.g. -1, or base). Rows of the tables that remain are kept;
    a downgrade to base drops every table and asks first.

    Example: quotes db downgrade -1
    """
    from .db import db_url, downgrade, downgrade_reaches_base, migration_lock

    url = db_url(ctx.obj["db"])
    try:
        to_base = downgrade_reaches_base(url, revision)
    except ValueError as e:
        raise click.ClickException(str(e)) from e
    if to_base and not yes:
        click.confirm("This drops every table of the database, with all its quotes. Go on?", abort=True, err=True)
    with migration_lock(url):
        downgrade(url, revision)
    if not silent:
        echo(f"downgraded to {revision}", err=True)


@db_group.command("current")
@click.pass_context
def db_current(ctx):
    """Print the database's schema revision.

    Example: quotes db current
    """
    from .db import current_revision, db_url, make_engine

    engine = make_engine(db_url(ctx.obj["db"]))
    echo(current_revision(engine) or "(empty: run `quotes db upgrade`)")
    engine.dispose()


@db_group.command("status")
@output_options(default="text", views=("text",), format_aliases={"table": "text"})
@with_db
def db_status(db, fmt):
    """How many stored articles the installed parser models and extractor made, and what brings
    the others up to date.

    Example: quotes db status
    """
    from .extraction.analyse import extractor_version
    from .parse import find_models, models_dir
    from .search import provenance

    parser = find_models(models_dir(None)).version
    with db.engine.connect() as conn:
        rows = provenance(conn, parser=parser, extractor=extractor_version())
    if fmt != "text":
        render(rows, fmt, columns=["what", "installed", "articles", "current", "fix"])
        return
    for r in rows:
        echo(f"{r['what']}: {r['current']} of {r['articles']} articles made by the installed one ({r['installed']})"
                   + (f"; {r['articles'] - r['current']} behind: run `{r['fix']}`" if r["articles"] > r["current"] else ""))


@db_group.command("history")
@output_options(default="text", views=("text",))
@click.pass_context
def db_history(ctx, fmt):
    """List the schema revisions, oldest first.

    Example: quotes db history
    """
    from alembic.script import ScriptDirectory

    from .db import alembic_config, db_url

    script = ScriptDirectory.from_config(alembic_config(db_url(ctx.obj["db"])))
    revisions = list(reversed(list(script.walk_revisions())))
    if fmt != "text":
        columns = ["revision", "down_revision", "description"]
        render(({"revision": rev.revision, "down_revision": rev.down_revision,
                 "description": " ".join((rev.doc or "").split())} for rev in revisions), fmt, columns=columns)
        return
    for rev in revisions:
        echo(f"{rev.revision}  {(rev.doc or '').splitlines()[0]}")


def _terminated(signum, _frame) -> None:
    """SIGTERM ends the command as Ctrl-C does: what runs unwinds (an ingest stops its workers, an
    article's transaction rolls back), and the exit status is 128 + the signal's number."""
    raise SystemExit(128 + signum)


def main():
    """The console script: click's own handling, with every message passed through ``mask_secrets``
    and an unexpected error shown as one line (QUOTES_DEBUG=1 shows the traceback)."""
    import os

    from .db import mask_secrets

    obj: dict = {}
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = cli.main(obj=obj, standalone_mode=False)
    except click.exceptions.Abort as e:
        echo("Aborted!", err=True)
        sys.exit(130 if isinstance(e.__cause__, KeyboardInterrupt) else 1)  # 128 + SIGINT, as a shell reports it
    except click.ClickException as e:
        e.message = mask_secrets(e.message)
        e.show()
        sys.exit(e.exit_code)
    except Exception as e:
        if os.environ.get("QUOTES_DEBUG"):
            raise
        from sqlalchemy.exc import DBAPIError

        from .db import DatabaseURLError, db_url, explain

        if isinstance(e, DatabaseURLError):
            echo(f"Error: {e}", err=True)
            sys.exit(1)
        reason = explain(db_url(obj.get("db")), e) if isinstance(e, (OSError, DBAPIError)) else None
        if reason:
            echo(mask_secrets(f"Error: {reason}"), err=True)
            sys.exit(1)
        first = str(e).splitlines()[0] if str(e) else ""
        echo(mask_secrets(f"Error: {type(e).__name__}: {first} (QUOTES_DEBUG=1 shows where)"), err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
