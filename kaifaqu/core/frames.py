"""Reading a queryset's rows into a polars frame at database speed, on the request's connection.

The ORM turns every value into a Python object (a Decimal, a date) and then a model or a tuple;
for the millions of rows a province's review or roll-up reads, that costs more than the query.
Here the rows travel raw:

- PostgreSQL: the server writes the rows as one CSV text (`string_agg`), parsed by polars with the
  asked types (COPY TO STDOUT would be the obvious way, but psycopg hands its rows to Python one
  at a time: three times slower for millions of rows);
- SQLite: each column is selected through a CAST, so the driver applies none of the converters
  Django registers for declared types (`decimal`, `date`), and the tuples go straight to polars.

Both run on Django's connection, inside the caller's transaction: rows written moments before by
the same transaction are read back.

`binary_cursor` gives PostgreSQL's bytea as bytes both ways (the return ledger's blocks).

`insert_frame` is the other direction: a frame appended to a model's table, PostgreSQL through
`COPY … FROM STDIN`, SQLite through `executemany`. It bypasses the ORM's validation, signals and
audit log: for rows the platform derives itself (review findings) or generates (the synthetic
province), never for a person's data.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import polars as pl
from django.db import connection, models
from django.db.models import F, FloatField, IntegerField, TextField
from django.db.models.functions import Cast

# Column spec: name in the frame → (ORM lookup or expression, polars type).
Columns = dict[str, tuple[Any, Any]]

_SQLITE_CAST = {
    pl.Float64: FloatField,
    pl.Int64: IntegerField,
    pl.Int32: IntegerField,
    pl.Boolean: IntegerField,
}


def queryset_frame(queryset: models.QuerySet[Any], columns: Columns) -> pl.DataFrame:
    """The queryset's rows as a frame with the given columns and types (order not kept)."""
    schema = {name: dtype for name, (_lookup, dtype) in columns.items()}
    queryset = queryset.order_by()
    if connection.vendor == "postgresql":
        return _by_text(queryset, columns, schema)
    return _by_cursor(queryset, columns, schema)


def _expression(lookup: Any) -> Any:
    return F(lookup) if isinstance(lookup, str) else lookup


def _by_text(
    queryset: models.QuerySet[Any], columns: Columns, schema: dict[str, Any]
) -> pl.DataFrame:
    aliased = queryset.annotate(
        **{f"kfq_{name}": _expression(lookup) for name, (lookup, _dtype) in columns.items()}
    ).values_list(*(f"kfq_{name}" for name in columns))
    sql, params = aliased.query.sql_with_params()

    def field(name: str, dtype: Any) -> str:
        column = connection.ops.quote_name(f"kfq_{name}")
        if dtype == pl.Utf8:
            return f"""coalesce('"' || replace({column}::text, '"', '""') || '"', '')"""
        return f"coalesce({column}::text, '')"

    fields = ", ".join(field(name, dtype) for name, dtype in schema.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT string_agg(concat_ws(',', {fields}), E'\\n') FROM ({sql}) AS kfq", params
        )
        row = cursor.fetchone()
    text = row[0] if row else None
    if text is None:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(io.BytesIO(text.encode()), has_header=False, schema=schema)


def _by_cursor(
    queryset: models.QuerySet[Any], columns: Columns, schema: dict[str, Any]
) -> pl.DataFrame:
    def cast(lookup: Any, dtype: Any) -> Any:
        target = _SQLITE_CAST.get(dtype, TextField)
        return Cast(_expression(lookup), output_field=target())

    aliased = queryset.annotate(
        **{f"kfq_{name}": cast(lookup, dtype) for name, (lookup, dtype) in columns.items()}
    ).values_list(*(f"kfq_{name}" for name in columns))
    sql, params = aliased.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # SQLite keeps dates as text and booleans as 0/1: read as such, converted below.
    text_schema = {
        name: (
            pl.Utf8
            if dtype in (pl.Date, pl.Datetime)
            else pl.Int64
            if dtype == pl.Boolean
            else dtype
        )
        for name, dtype in schema.items()
    }
    frame = pl.DataFrame(rows, schema=text_schema, orient="row")
    dates = [name for name, dtype in schema.items() if dtype == pl.Date]
    # SQLite keeps dates as 'YYYY-MM-DD' text (a datetime column as 'YYYY-MM-DD HH:MM:SS').
    flags = [name for name, dtype in schema.items() if dtype == pl.Boolean]
    return frame.with_columns(
        *(pl.col(name).str.slice(0, 10).str.to_date("%Y-%m-%d") for name in dates),
        *(pl.col(name).cast(pl.Boolean) for name in flags),
    )


@contextmanager
def binary_cursor() -> Iterator[Any]:
    """PostgreSQL: a psycopg cursor that binds parameters on the server, on Django's connection
    and inside its transaction, so that bytea travels as its bytes (`execute(…, binary=True)`
    for rows, `%b` for parameters). Django's own cursor binds on the client: every value would
    be written into the statement, and read back, as hexadecimal text."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def timestamp(now: Any) -> pl.Expr:
    """A datetime (UTC) as the literal the database's column takes from text."""
    return pl.lit(
        now.strftime("%Y-%m-%d %H:%M:%S") + ("+00:00" if connection.vendor == "postgresql" else "")
    )


def timestamps(now: Any) -> list[pl.Expr]:
    return [timestamp(now).alias("created_at"), timestamp(now).alias("updated_at")]


def insert_frame(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Append the frame (columns named as the table's) to the model's table; give rows written."""
    frame = _complete(model, frame)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False, null_value="\\N")
            sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                copy.write(buffer.getvalue())
        else:
            rows = frame.with_columns(
                pl.col(pl.Date).dt.strftime("%Y-%m-%d"), pl.col(pl.Boolean).cast(pl.Int8)
            ).iter_rows()
            marks = ", ".join("%s" for _ in frame.columns)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            # A generator, not a list: the rows are never all in memory at once.
            cursor.executemany(sql, cast(Any, rows))
    return frame.height


def _complete(model: type[models.Model], frame: pl.DataFrame) -> pl.DataFrame:
    """Add the model's other columns with their defaults (a column added later stays valid)."""
    missing = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.column not in frame.columns
    ]
    for field in missing:
        default = field.get_default()
        if default is None and not field.null:
            raise ValueError(f"{model.__name__}.{field.name} has no default to generate")
        frame = frame.with_columns(pl.lit(default).alias(field.column))
    return frame
