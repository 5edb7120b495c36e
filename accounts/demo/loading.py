"""How every demo step writes its rows: COPY on PostgreSQL, bulk_create elsewhere (SQLite).

COPY is several times cheaper than multi-row INSERTs for the millions of rows a large demo has,
but it cannot hand ids back. So the ids are taken from the table's sequence first (one `nextval`
per row, in one statement) and set on the objects, which then look as bulk_create leaves them:
with their pk, so the rows hanging off them can point at them.

Only for the demo: no signals and no simple-history rows (bulk_create skips them too); the rows
are written as the model instances hold them, defaults and auto_now included."""

from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import F, Model

from accounts.demo.context import INSERT_BATCH


def insert(model: type[Model], objs: Iterable[Model], *, batch_size: int = INSERT_BATCH) -> list:
    """Write `objs` (new instances of `model`) and give each its pk, as bulk_create does.
    Returns them as a list."""
    objs = list(objs)
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=batch_size)
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    for start in range(0, len(objs), batch_size):
        _copy(model, fields, objs[start : start + batch_size])
    return objs


def update(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[tuple],
    *,
    bump: str | None = None,
) -> None:
    """Set `fields` of many rows: `rows` are (pk, value of each field). `bump` names an integer
    field to add one to in each row (an optimistic-locking version). On PostgreSQL the values go
    in with COPY into a temporary table and one UPDATE joins it: bulk_update's CASE over every
    row costs seconds per thousand rows."""
    if not rows:
        return
    opts = model._meta
    if connection.vendor != "postgresql":
        changes = {bump: F(bump) + 1} if bump else {}
        objs = [
            model(pk=pk, **dict(zip(fields, values, strict=True)), **changes)
            for pk, *values in rows
        ]
        model.objects.bulk_update(objs, [*fields, *([bump] if bump else [])], batch_size=1000)
        return
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    pk = quote(opts.pk.column)
    columns = [quote(opts.get_field(name).column) for name in fields]
    sets = [f"{column} = changed.{column}" for column in columns]
    if bump:
        column = quote(opts.get_field(bump).column)
        sets.append(f"{column} = {table}.{column} + 1")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE demo_changed ON COMMIT DROP AS "
            f"SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.connection.cursor().copy(
            f"COPY demo_changed ({pk}, {', '.join(columns)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {table} SET {', '.join(sets)} FROM demo_changed AS changed "
            f"WHERE {table}.{pk} = changed.{pk}"
        )
        cursor.execute("DROP TABLE demo_changed")


# Fields whose value psycopg writes as it is: preparing each value the way Django does
# (get_db_prep_save) cost more than the COPY itself. The rest (JSON, arrays, date-times that
# stamp themselves) go through Django's preparation.
PLAIN_FIELDS = {
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DecimalField,
    models.EmailField,
    models.ForeignKey,
    models.IntegerField,
    models.OneToOneField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
    models.URLField,
}


def _row_maker(fields: list) -> Callable[[Model], list]:
    """A function giving an object's row: its attributes, prepared by Django where needed."""
    values = attrgetter(*(field.attname for field in fields))
    prepared = [
        (position, field)
        for position, field in enumerate(fields)
        if type(field) not in PLAIN_FIELDS
        or (type(field) is models.DateField and (field.auto_now or field.auto_now_add))
    ]

    # The connection itself, not django.db.connection's per-context proxy: a lookup per value.
    database = connections[DEFAULT_DB_ALIAS]

    def make_row(obj: Model) -> list:
        row = list(values(obj))
        for position, field in prepared:
            row[position] = field.get_db_prep_save(field.pre_save(obj, True), database)
        return row

    return make_row


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh ids from the sequence behind `model`'s primary key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[Model], fields: list, objs: list[Model]) -> None:
    for obj in objs:
        # A foreign key set to an object saved since (a stakeholder's manager, an objective's
        # plan) takes that object's pk, as bulk_create does it.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    missing = [obj for obj in objs if obj.pk is None]
    if missing:
        for obj, pk in zip(missing, reserve_ids(model, len(missing)), strict=True):
            obj.pk = pk
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    make_row = _row_maker(fields)
    with connection.cursor() as cursor, cursor.connection.cursor().copy(statement) as copy:
        # A value psycopg cannot write (an F() expression, say) fails the COPY loudly.
        for obj in objs:
            copy.write_row(make_row(obj))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
