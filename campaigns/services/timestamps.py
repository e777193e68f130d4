"""SQL expressions that format UTC timestamps in the database, on either dialect."""

from datetime import datetime

from sqlalchemy import ColumnElement, func

from campaigns.extensions import db

_POSTGRES_FORMATS = {10: "YYYY-MM-DD", 19: "YYYY-MM-DD HH24:MI:SS"}


def utc_text(column: ColumnElement[datetime], length: int = 19) -> ColumnElement[str]:
    """A timestamp as "YYYY-MM-DD HH:MM:SS" (length 19) or "YYYY-MM-DD" (10), in UTC.

    Formatting in SQL keeps a million rows from costing millions of Python datetime
    conversions; SQLite already stores UTC text in this shape.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), _POSTGRES_FORMATS[length])
    return func.substr(column, 1, length)
