"""The throwaway PostgreSQL server of the tests starts, keeps UTF-8 text, and goes away."""

from __future__ import annotations

import psycopg
from sqlalchemy import create_engine, text

from tests.support.pg_fixture import postgres_url  # noqa: F401


def psycopg_dsn(url: str) -> str:
    """psycopg does not know SQLAlchemy's `+psycopg` driver suffix."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_url_names_the_test_database_on_loopback(postgres_url: str) -> None:  # noqa: F811
    assert postgres_url.startswith("postgresql+psycopg://kiosk@127.0.0.1:")
    assert postgres_url.endswith("/central_test")


def test_table_keeps_chinese_text(postgres_url: str) -> None:  # noqa: F811
    name = "北京市某某科技有限公司（测试）"
    with psycopg.connect(psycopg_dsn(postgres_url)) as connection:
        connection.execute("CREATE TABLE companies (id serial PRIMARY KEY, name text NOT NULL)")
        connection.execute("INSERT INTO companies (name) VALUES (%s)", (name,))
        row = connection.execute("SELECT name, length(name) FROM companies").fetchone()
        assert row == (name, len(name))
        encoding = connection.execute("SHOW server_encoding").fetchone()
        assert encoding == ("UTF8",)
        connection.execute("DROP TABLE companies")


def test_sqlalchemy_takes_the_url_as_is(postgres_url: str) -> None:  # noqa: F811
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT current_database()")).scalar() == "central_test"
            assert connection.execute(text("SELECT 'ÿ中文'")).scalar() == "ÿ中文"
    finally:
        engine.dispose()
