"""The ``kiosk`` command: init, run, doctor, audit verify, operator, demo."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from data.audit import verify_chain
from data.i18n import translate
from data.models import Role
from data.store import open_store
from kiosk.clock import china_now
from kiosk.config import EXAMPLE_CONFIG, Settings, load_settings
from kiosk.errors import KioskError
from kiosk.hash_key import create_hash_key

if TYPE_CHECKING:
    from kiosk.services.report import DailyReport

INIT_PASSWORD_ENV = "KIOSK_INIT_PASSWORD"
OPERATOR_PASSWORD_ENV = "KIOSK_OPERATOR_PASSWORD"
ADMIN_PASSWORD_ENV = "KIOSK_ADMIN_PASSWORD"


def cli_language() -> str:
    """The language of command-line messages: KIOSK_LANG (zh or en), Chinese by default."""
    return "en" if os.environ.get("KIOSK_LANG", "zh").lower().startswith("en") else "zh"


def say(key: str, **params: object) -> None:
    """Print a catalog message in the command-line language."""
    print(translate(key, cli_language(), **params))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Counter kiosk for enterprise CA electronic keys (电子钥匙柜台).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = commands.add_parser("init", help="create the database and the first account")
    _config_argument(init)
    init.add_argument("--office", help="office code for a new configuration file, e.g. BJ")
    init.add_argument("--username", default="admin", help="first account's login name")
    init.add_argument("--display-name", default="", help="first account's full name")
    init.set_defaults(handler=command_init)

    run = commands.add_parser("run", help="start the kiosk")
    _config_argument(run)
    run.set_defaults(handler=command_run)

    doctor = commands.add_parser("doctor", help="check configuration, database and devices")
    _config_argument(doctor)
    doctor.set_defaults(handler=command_doctor)

    audit = commands.add_parser("audit", help="audit trail tools")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_commands.add_parser("verify", help="walk the event hash chain")
    _config_argument(verify)
    verify.set_defaults(handler=command_audit_verify)

    sync = commands.add_parser("sync", help="send the outbox to the centre, fetch its changes")
    _config_argument(sync)
    mode = sync.add_mutually_exclusive_group()
    mode.add_argument(
        "--once", action="store_true", help="one pass; exit 0 when all went, 1 otherwise"
    )
    mode.add_argument("--status", action="store_true", help="show the backlog and refused events")
    sync.set_defaults(handler=command_sync)

    operator = commands.add_parser("operator", help="list or add operator accounts")
    operator_commands = operator.add_subparsers(
        dest="operator_command", metavar="ACTION", required=True
    )
    listing = operator_commands.add_parser("list", help="list accounts")
    _config_argument(listing)
    listing.set_defaults(handler=command_operator_list)
    add = operator_commands.add_parser(
        "add", help=f"add an account (the admin's password from {ADMIN_PASSWORD_ENV} or asked)"
    )
    _config_argument(add)
    add.add_argument("--admin", required=True, help="your admin login name")
    add.add_argument("--username", required=True)
    add.add_argument("--display-name", default="")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value)
    add.set_defaults(handler=command_operator_add)

    tokens = commands.add_parser("tokens", help="list the keys present and their certificates")
    tokens.add_argument("--module", type=Path, required=True, help="PKCS#11 module (.so)")
    tokens.add_argument("--json", action="store_true", help="print JSON for scripts")
    tokens.add_argument("--timeout", type=float, default=10.0, help="seconds per call")
    tokens.set_defaults(handler=command_tokens)

    print_test = commands.add_parser(
        "print-test", help="print a test receipt (Chinese text, QR, cut) and report the outcome"
    )
    print_test.add_argument(
        "--printer",
        required=True,
        metavar="SPEC",
        help="as in the configuration: none, file:PATH, usb:VID:PID, serial:DEV[:BAUD],"
        " network:HOST[:PORT] or tcp://HOST:PORT",
    )
    print_test.add_argument("--paper", type=int, choices=(58, 80), default=80)
    print_test.add_argument("--image-qr", action="store_true", help="QR as an image")
    print_test.add_argument("--timeout", type=float, default=5.0, help="seconds")
    print_test.set_defaults(handler=command_print_test)

    receipt = commands.add_parser("receipt", help="stored receipts")
    receipt_commands = receipt.add_subparsers(
        dest="receipt_command", metavar="ACTION", required=True
    )
    render = receipt_commands.add_parser(
        "render", help="draw a case's receipt as a PNG from the bytes sent to the printer"
    )
    _config_argument(render)
    render.add_argument("--case", required=True, help="the tracking code (typed or scanned)")
    render.add_argument("--png", type=Path, required=True, help="the image file to write")
    render.add_argument("--receipt", type=int, help="which receipt of the case (default: last)")
    render.set_defaults(handler=command_receipt_render)

    report = commands.add_parser("report", help="office reports")
    report_commands = report.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    daily = report_commands.add_parser(
        "daily", help="a day's cases by kind and outcome, deadlines met and missed, ratings"
    )
    _config_argument(daily)
    daily.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the day")
    daily.add_argument("--csv", action="store_true", help="print CSV to stdout")
    daily.add_argument("--print", action="store_true", help="also print the daily summary receipt")
    daily.set_defaults(handler=command_report_daily)

    central = commands.add_parser("central", help="the reference central API")
    central_commands = central.add_subparsers(
        dest="central_command", metavar="ACTION", required=True
    )
    serve = central_commands.add_parser("serve", help="run the central API")
    db_help = "the central SQLite file, or a postgresql:// URL"
    serve.add_argument("--db", required=True, help=db_help)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.set_defaults(handler=command_central_serve)
    add_counter = central_commands.add_parser(
        "add-counter", help="register a counter and print its token (shown once)"
    )
    add_counter.add_argument("--db", required=True, help=db_help)
    add_counter.add_argument("office", help="office code, e.g. BJ")
    add_counter.add_argument("counter", type=int, help="counter number, 1-99")
    add_counter.set_defaults(handler=command_central_add_counter)
    add_provider = central_commands.add_parser(
        "add-provider", help="register the key provider's side and print its token (shown once)"
    )
    add_provider.add_argument("--db", required=True, help=db_help)
    add_provider.add_argument("name", help="a name for the provider, e.g. ca-provider")
    add_provider.set_defaults(handler=command_central_add_provider)
    refused = central_commands.add_parser(
        "refused", help="list the events the centre took as refused, with the reason"
    )
    refused.add_argument("--db", required=True, help=db_help)
    refused.add_argument("--office", help="only this office")
    refused.set_defaults(handler=command_central_refused)

    demo = commands.add_parser("demo", help="seed a demo counter and start it")
    demo.add_argument("--dir", type=Path, default=Path("var/demo"), help="demo folder")
    demo.add_argument("--reset", action="store_true", help="start again from a fresh seed")
    demo.add_argument("--seed-only", action="store_true", help="seed, print the config path")
    demo.set_defaults(handler=command_demo)
    return parser


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, required=True, help="the kiosk's TOML file")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except KioskError as error:
        print(error.message(cli_language()), file=sys.stderr)
        return 1
    except OSError as error:  # e.g. no permission to write the config or key file
        print(translate("cli.file_error", cli_language(), problem=str(error)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # one clear line, never a traceback (KIOSK_DEBUG=1 shows it)
        if os.environ.get("KIOSK_DEBUG"):
            raise
        problem = f"{type(error).__name__}: {error}"
        print(translate("cli.unexpected", cli_language(), problem=problem), file=sys.stderr)
        return 1


def _ask_password(env_name: str, prompt_key: str, confirm: bool) -> str:
    from_env = os.environ.get(env_name)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise KioskError("cli.password_needed", env=env_name)
    language = cli_language()
    password = getpass.getpass(translate(prompt_key, language) + " ")
    if confirm and getpass.getpass(translate("cli.password_again", language) + " ") != password:
        raise KioskError("cli.password_mismatch")
    return password


def command_init(args: argparse.Namespace) -> int:
    """Create the config (if asked), the hash key, the database and the first admin."""
    from kiosk.services.operators import count_operators, create_operator

    config_path: Path = args.config
    if not config_path.exists() and args.office:
        from data.offices import find_office

        office = find_office(args.office)
        if office is None:
            raise KioskError("cli.unknown_office", office=args.office)
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(EXAMPLE_CONFIG.format(office=office.code, counter_id=1), "utf-8")
        say("cli.config_written", path=str(config_path))
    settings = load_settings(config_path)
    key_file = settings.database.id_hash_key_file
    if not key_file.exists():
        create_hash_key(key_file)
        say("cli.hash_key_written", path=str(key_file))
    store = open_store(settings.database.path, settings.database.busy_timeout_ms)
    try:
        if count_operators(store) > 0:
            say("cli.already_initialised", path=str(settings.database.path))
            return 0
        password = _ask_password(INIT_PASSWORD_ENV, "cli.password_prompt", confirm=True)
        operator = create_operator(
            store,
            username=args.username,
            display_name=args.display_name or args.username,
            role=Role.ADMIN,
            password=password,
            created_by=None,
            now=china_now(),
        )
        say("cli.initialised", path=str(settings.database.path), username=operator.username)
        return 0
    finally:
        store.close()


def command_run(args: argparse.Namespace) -> int:
    """Start the Textual kiosk on the configuration."""
    settings = load_settings(args.config)
    return run_app(settings)


def run_app(settings: Settings) -> int:
    """Build the context and run the app until it quits."""
    from kiosk.app import KioskApp
    from kiosk.context import build_context
    from kiosk.services.operators import count_operators

    context = build_context(settings)
    try:
        if count_operators(context.store) == 0:
            raise KioskError("cli.no_operators", path=str(settings.database.path))
        KioskApp(context).run()
    finally:
        context.close()
    return 0


def command_doctor(args: argparse.Namespace) -> int:
    """Print one line per check; exit 1 if any check found a problem."""
    from kiosk.doctor import print_report, run_checks

    results = run_checks(args.config)
    print_report(results, cli_language())
    return 1 if any(result.status == "problem" for result in results) else 0


def command_audit_verify(args: argparse.Namespace) -> int:
    """Walk the hash chain; exit 1 naming the first event that does not match."""
    settings = load_settings(args.config)
    store = open_store(settings.database.path, settings.database.busy_timeout_ms)
    try:
        report = verify_chain(store.conn)
    finally:
        store.close()
    if report.ok:
        say("audit.verify_ok", count=report.checked)
        return 0
    say("audit.verify_broken", seq=report.bad_seq, problem=report.problem)
    return 1


def command_sync(args: argparse.Namespace) -> int:
    """Sync once (``--once``), show the state (``--status``), or keep syncing until Ctrl+C."""
    from data.sync import refused_events, sync_pass, sync_status
    from kiosk.services.sync_apply import change_applier
    from kiosk.sync_setup import backoff_of, client_of, plan_of

    settings = load_settings(args.config)
    store = open_store(settings.database.path, settings.database.busy_timeout_ms)
    language = cli_language()
    try:
        if args.status:
            status = store.read(sync_status)
            problem = (
                translate(status.last_error[0], language, **status.last_error[1])
                if status.last_error
                else translate("sync.none", language)
            )
            say(
                "sync.status_line",
                backlog=status.backlog,
                refused=status.refused,
                last=status.last_success or translate("sync.none", language),
                problem=problem,
            )
            for event in store.read(refused_events):
                say(
                    "sync.refused_line",
                    seq=event.seq,
                    at=event.at,
                    kind=event.kind,
                    reason=event.reason,
                )
            return 0
        plan, backoff = plan_of(settings), backoff_of(settings)
        with client_of(settings) as client:
            apply = change_applier(store, china_now)
            while True:
                report = sync_pass(
                    store,
                    client,
                    plan,
                    apply,
                    china_now,
                    retries=settings.central.retries,
                    backoff=backoff,
                )
                if report.problem is None:
                    say(
                        "sync.done",
                        pushed=report.pushed,
                        refused=report.refused,
                        pulled=report.pulled,
                        backlog=report.backlog,
                    )
                else:
                    print(
                        translate(
                            "sync.failed",
                            language,
                            problem=report.problem.message(language),
                            backlog=report.backlog,
                        ),
                        file=sys.stderr,
                    )
                if args.once:
                    return 0 if report.ok else 1
                time.sleep(settings.central.interval_s)
    except KeyboardInterrupt:
        return 0
    finally:
        store.close()


def command_operator_list(args: argparse.Namespace) -> int:
    """List the accounts with their roles and lock state."""
    from kiosk.services.operators import list_operators

    settings = load_settings(args.config)
    store = open_store(settings.database.path, settings.database.busy_timeout_ms)
    try:
        for operator in list_operators(store):
            locked = " (locked)" if operator.locked_until else ""
            print(f"{operator.username}\t{operator.role.value}\t{operator.display_name}{locked}")
    finally:
        store.close()
    return 0


def command_operator_add(args: argparse.Namespace) -> int:
    """Add an account after checking the admin's own password."""
    from kiosk.services.operators import LockoutPolicy, authenticate, create_operator

    settings = load_settings(args.config)
    store = open_store(settings.database.path, settings.database.busy_timeout_ms)
    try:
        admin_password = _ask_password(ADMIN_PASSWORD_ENV, "cli.admin_password_prompt", False)
        security = settings.security
        admin = authenticate(
            store,
            args.admin,
            admin_password,
            now=china_now(),
            policy=LockoutPolicy(security.lockout_failures, security.lockout_minutes),
        )
        password = _ask_password(OPERATOR_PASSWORD_ENV, "cli.password_prompt", confirm=True)
        operator = create_operator(
            store,
            username=args.username,
            display_name=args.display_name or args.username,
            role=Role(args.role),
            password=password,
            created_by=admin,
            now=china_now(),
        )
        say("cli.operator_added", username=operator.username, role=operator.role.value)
    finally:
        store.close()
    return 0


def command_tokens(args: argparse.Namespace) -> int:
    """Print the keys present; exit 2 with one line when the module cannot be used."""
    import json

    from devices.pkcs11_reader import Pkcs11Reader
    from devices.token import TokenError
    from kiosk.token_listing import list_tokens_json

    reader = Pkcs11Reader(args.module, call_timeout_s=args.timeout)
    try:
        listed = list_tokens_json(reader, china_now())
    except TokenError as error:
        print(
            translate(
                f"cli.tokens_{error.reason}",
                cli_language(),
                path=str(args.module),
                problem=error.detail,
            ),
            file=sys.stderr,
        )
        return 2
    finally:
        reader.close()
    if args.json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return 0
    for token in listed:
        print(f"{token['label']}\t{token['serial']}\t{token['pin_state']}")
        for certificate in token["certificates"]:
            if "error" in certificate:
                print(f"  {certificate['label']}: {certificate['error']}")
            else:
                print(
                    f"  {certificate['label']}: O={certificate['subject_o'] or '-'}"
                    f" until {certificate['not_after'][:10]} {certificate['key_algorithm']}"
                )
    return 0


def command_print_test(args: argparse.Namespace) -> int:
    """Print the test receipt; exit 0 when the printer took it, 1 naming the failure."""
    from devices.printer import PrinterError, printer_for
    from devices.printer_spec import parse_printer_spec
    from kiosk.receipts import print_test_receipt

    try:
        spec = parse_printer_spec(args.printer)
    except ValueError as error:
        print(translate("cli.print_bad_spec", cli_language(), problem=str(error)), file=sys.stderr)
        return 1
    data = print_test_receipt(
        "", "https://www.licence.org.cn/", args.paper, native_qr=not args.image_qr
    ).data
    try:
        printer_for(spec, args.timeout).send(data)
    except PrinterError as error:
        print(
            translate(f"print.failed_{error.reason}", cli_language(), spec=str(spec))
            + (f" ({' '.join(error.detail.split())})" if error.detail else ""),
            file=sys.stderr,
        )
        return 1
    say("cli.print_ok", spec=str(spec), bytes=len(data))
    return 0


def command_receipt_render(args: argparse.Namespace) -> int:
    """Write the PNG of a case's stored receipt."""
    from devices.escpos_render import render_receipt_png
    from devices.receipt_builder import COLUMNS
    from kiosk.services.cases import find_case_by_code
    from kiosk.services.receipts import receipts_of_case

    settings = load_settings(args.config)
    store = open_store(settings.database.path, settings.database.busy_timeout_ms)
    try:
        case = find_case_by_code(store, args.case)
        receipts = receipts_of_case(store, case.id)
    finally:
        store.close()
    chosen = [r for r in receipts if args.receipt is None or r.id == args.receipt]
    if not chosen:
        raise KioskError("cli.no_receipt", code=case.tracking_code)
    render_receipt_png(
        chosen[-1].escpos, args.png, columns=COLUMNS[settings.printer.paper_width_mm]
    )
    say("cli.receipt_rendered", path=str(args.png), code=case.tracking_code)
    return 0


def command_report_daily(args: argparse.Namespace) -> int:
    """Print the day's report (or its CSV); with --print, also the summary receipt."""
    from datetime import date

    from kiosk.rules.workdays import WorkCalendar, load_local_calendar
    from kiosk.services.report import daily_report, report_csv

    try:
        day = date.fromisoformat(args.date.strip())
    except ValueError:
        raise KioskError("cli.report_bad_date", value=args.date) from None
    settings = load_settings(args.config)
    calendar = WorkCalendar(load_local_calendar(settings.rules.holidays_file))
    store = open_store(settings.database.path, settings.database.busy_timeout_ms)
    try:
        report = daily_report(store, day, calendar)
    finally:
        store.close()
    language = cli_language()
    if args.csv:
        sys.stdout.write(report_csv(report))
    else:
        say("report.title", day=day.isoformat(), office=settings.office.name_zh)
        say("report.opened", count=report.total_opened)
        for line in report.opened:
            outcome = translate(f"report.outcome_{line.outcome}", language)
            if outcome.startswith("report.outcome_"):
                outcome = line.outcome
            kind = translate(f"casekind.{line.kind}", language)
            say("report.opened_line", kind=kind, outcome=outcome, count=line.count)
        say("report.closed", count=report.closed, met=report.met, missed=report.missed)
        for missed in report.missed_cases:
            say(
                "report.missed_line",
                code=missed.tracking_code,
                due=missed.due_on.isoformat(),
                days=missed.workdays_late,
            )
        say("report.open_overdue", count=report.open_overdue)
        for rating, count in report.ratings.items():
            say("report.rating_line", rating=translate(f"rating.{rating}", language), count=count)
        if report.flagged:
            say("report.flagged", codes=", ".join(report.flagged))
    if args.print:
        return _print_daily_summary(settings, report)
    return 0


def _print_daily_summary(settings: Settings, report: DailyReport) -> int:
    """Send the daily summary receipt straight to the printer (it belongs to no case, so it
    is not stored for a reprint: run the command again)."""
    from devices.printer import PrinterError, printer_for
    from kiosk.receipts import ReceiptFacts, daily_summary

    now = china_now()
    header = ReceiptFacts(
        office_name=settings.office.name_zh,
        counter_id=settings.counter.counter_id,
        operator_name="",
        printed_at=now,
        tracking_code=report.day.isoformat(),
        tracking_url=settings.central.tracking_url,
    )
    built = daily_summary(
        header,
        report.day,
        report.opened_by_kind(),
        report.met,
        report.missed,
        report.open_overdue,
        settings.printer.paper_width_mm,
        settings.printer.native_qr,
    )
    spec = settings.printer.connection
    try:
        printer_for(spec, settings.printer.timeout_s, settings.printer.query_status).send(
            built.data
        )
    except PrinterError as error:
        print(
            translate(f"print.failed_{error.reason}", cli_language(), spec=str(spec))
            + (f" ({' '.join(error.detail.split())})" if error.detail else ""),
            file=sys.stderr,
        )
        return 1
    say("report.printed", spec=str(spec), bytes=len(built.data))
    return 0


def command_central_serve(args: argparse.Namespace) -> int:
    """Serve the reference central API until interrupted."""
    from central.cli import serve

    serve(args.db, args.host, args.port)
    return 0


def command_central_add_counter(args: argparse.Namespace) -> int:
    """Register a counter; its bearer token is printed once and stored only as a hash."""
    from central.cli import CounterExistsError, add_counter
    from data.offices import find_office

    office = find_office(args.office)
    if office is None:
        raise KioskError("cli.unknown_office", office=args.office)
    if not 1 <= args.counter <= 99:
        raise KioskError("cli.bad_counter", counter=args.counter)
    try:
        token = add_counter(args.db, office.code, args.counter)
    except CounterExistsError:
        raise KioskError("cli.counter_exists", office=office.code, counter=args.counter) from None
    print(token)
    return 0


def command_central_add_provider(args: argparse.Namespace) -> int:
    """Register the provider side; its bearer token is printed once."""
    from central.cli import CounterExistsError, add_provider

    try:
        token = add_provider(args.db, args.name.strip())
    except ValueError:
        raise KioskError("cli.provider_name_required") from None
    except CounterExistsError:
        raise KioskError("cli.provider_exists", name=args.name) from None
    print(token)
    return 0


def command_central_refused(args: argparse.Namespace) -> int:
    """Print the events the centre holds as refused, one per line, oldest first."""
    from central.app import refused_events
    from central.db import init_db, make_engine

    engine = make_engine(args.db)
    try:
        init_db(engine)
        listed = refused_events(engine, args.office)
    finally:
        engine.dispose()
    for event in listed:
        print(
            f"{event.received_at}  {event.office}-{event.counter_id:02d} #{event.seq}"
            f"  {event.kind}  {event.reason}"
        )
    say("cli.refused_count", count=len(listed))
    return 0


def command_demo(args: argparse.Namespace) -> int:
    """Seed the demo folder (once, or again with --reset) and start the kiosk on it."""
    from kiosk.demo import seed_demo

    config_path = seed_demo(args.dir, reset=args.reset)
    if args.seed_only:
        print(config_path)
        return 0
    from kiosk.demo_central import start_demo_central, with_demo_central
    from kiosk.hash_key import load_hash_key

    settings = load_settings(config_path)
    hash_key = load_hash_key(settings.database.id_hash_key_file)
    server = start_demo_central(args.dir, settings, hash_key)
    try:
        return run_app(with_demo_central(settings, args.dir, server))
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
