"""The case list: today's, open or overdue cases (or all), by kind, searched by tracking code,
USCC, company name (partial, Chinese) or token serial; Enter opens the selected case."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select

from data.models import Case, CaseKind
from kiosk.errors import KioskError
from kiosk.services.case_search import SCOPES, CaseRow, Scope, search_cases
from screens.base import KioskScreen
from screens.plain import Input, Static, plain
from screens.widgets.status_bar import StatusBar

LIMIT = 100
ALL_KINDS = "all"


class CasesScreen(KioskScreen):
    """Type or scan in the search box and press Enter; pick a list and a kind; Enter on a
    row opens the case."""

    CSS_PATH = "cases.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("f3", "focus_search", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F3", "screen.focus_search", "keybar.search"),
        ("Enter", "", "keybar.open_case"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    def __init__(self, scope: Scope = "open") -> None:
        super().__init__()
        self.scope: Scope = scope
        self.kind: CaseKind | None = None
        self.text = ""
        self._cases: dict[str, Case] = {}

    def compose(self) -> ComposeResult:
        """Search box and filters, the results, and a line saying how many."""
        yield StatusBar()
        with Vertical(id="cases-body"):
            yield Static(self.t("cases.title"), id="cases-title")
            with Horizontal(id="cases-filters"):
                yield Input(
                    value=self.text,
                    placeholder=self.t("cases.search_placeholder"),
                    id="cases-search",
                    max_length=200,
                    select_on_focus=False,
                )
                yield Select(
                    [(self.t(f"cases.scope_{scope}"), scope) for scope in SCOPES],
                    value=self.scope,
                    allow_blank=False,
                    id="cases-scope",
                )
                yield Select(
                    [(self.t("cases.kind_all"), ALL_KINDS)]
                    + [(self.t(f"casekind.{kind.value}"), kind.value) for kind in CaseKind],
                    value=self.kind.value if self.kind else ALL_KINDS,
                    allow_blank=False,
                    id="cases-kind",
                )
            yield DataTable(id="cases-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="cases-message")
        yield self.key_bar()

    def on_mount(self) -> None:
        """List the chosen scope and put the cursor in the search box."""
        self.kiosk.refresh_status()
        self.refresh_results()
        self.query_one("#cases-search", Input).focus()

    def on_screen_resume(self) -> None:
        """Back from a case: its state or rating may have changed."""
        self.refresh_results()

    async def relabel(self) -> None:
        """Redraw in the new language, keeping the search and filters."""
        await super().relabel()
        self.refresh_results()

    def action_focus_search(self) -> None:
        """Back to the search box (F3)."""
        self.query_one("#cases-search", Input).focus()

    @on(Input.Submitted, "#cases-search")
    def _searched(self, event: Input.Submitted) -> None:
        self.text = event.value.strip()
        self.refresh_results()
        table = self.query_one("#cases-table", DataTable)
        if table.row_count:
            table.focus()

    @on(Select.Changed, "#cases-scope")
    def _scope_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value in SCOPES and event.value != self.scope:
            self.scope = event.value  # type: ignore[assignment]
            self.refresh_results()

    @on(Select.Changed, "#cases-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        kind = None if event.value == ALL_KINDS else CaseKind(str(event.value))
        if kind != self.kind:
            self.kind = kind
            self.refresh_results()

    def refresh_results(self) -> None:
        """Run the search (each is an indexed query of a few milliseconds) and fill the table."""
        message = self.query_one("#cases-message", Static)
        try:
            rows = search_cases(
                self.context.store,
                text=self.text,
                kind=self.kind,
                scope=self.scope,
                today=self.context.clock().date(),
                limit=LIMIT,
            )
        except KioskError as error:
            self._fill([])
            message.update(plain(error.message(self.context.translator.language)))
            return
        self._fill(rows)
        if not rows:
            message.update(self.t("cases.none"))
        elif len(rows) >= LIMIT:
            message.update(self.t("cases.more", limit=LIMIT))
        else:
            message.update(self.t("cases.count", count=len(rows)))

    def _fill(self, rows: list[CaseRow]) -> None:
        table = self.query_one("#cases-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            *(
                self.t(f"cases.col_{name}")
                for name in ("code", "kind", "enterprise", "opened", "due", "state")
            )
        )
        self._cases = {}
        for row in rows:
            case = row.case
            self._cases[str(case.id)] = case
            table.add_row(
                case.tracking_code,
                self.t(f"casekind.{case.kind.value}"),
                plain(row.enterprise_name or "—"),
                case.opened_at.strftime("%Y-%m-%d %H:%M"),
                self._due(case),
                self.t(f"casestate.{case.state.value}"),
                key=str(case.id),
            )

    def _due(self, case: Case) -> Text:
        if case.due_on is None:
            return plain("—")
        due = case.due_on.isoformat()
        if case.state.value == "closed":
            return plain(due)
        left = self.context.calendar.workdays_left(self.context.clock().date(), case.due_on)
        if left < 0:
            return plain(self.t("cases.due_overdue", due=due, days=-left), style="bold red")
        if left == 0:
            return plain(self.t("cases.due_today", due=due), style="bold yellow")
        return plain(self.t("cases.due_left", due=due, days=left))

    @on(DataTable.RowSelected, "#cases-table")
    def _opened(self, event: DataTable.RowSelected) -> None:
        from screens.case import CaseScreen

        case = self._cases.get(str(event.row_key.value))
        if case is not None:
            self.app.push_screen(CaseScreen(case))
