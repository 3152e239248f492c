//! Small pieces every screen shares: failures (announced, with "reload" on a version conflict),
//! field errors beside their field, save progress, search boxes, paging, loading and empty
//! states, and UTC dates.

use leptos::prelude::*;
use precinct_core::api::Page;

use crate::api::{ApiFailure, ApiResult, Call, ListQuery, Request};
use crate::i18n::{use_i18n, I18n, Text, K};
pub use crate::loaded::{computed, load, Loaded};

/// A failed call, announced to screen readers. Given a way to load again, a version conflict
/// offers to reload the record, and a call that never got Precinct's answer offers to try again.
pub fn failure_view(i: I18n, failure: ApiFailure, again: Option<Callback<()>>) -> AnyView {
    let conflict = failure.is_conflict();
    let again = again.filter(|_| conflict || failure.is_lost_on_the_way());
    let message = move || i.failure(&failure);
    view! {
        <div class="error" role="alert" data-test="failure">
            <p>{message}</p>
            {again.map(|again| view! {
                <button type="button" on:click=move |_| again.run(())>
                    {i.s(if conflict { K::Reload } else { K::TryAgain })}
                </button>
            })}
        </div>
    }
    .into_any()
}

pub fn loading_view(i: I18n) -> AnyView {
    view! { <p class="loading" role="status">{i.s(K::Loading)}</p> }.into_any()
}

/// The server's error for one field, shown under that field.
#[component]
pub fn FieldError(field: &'static str, failure: Signal<Option<ApiFailure>>) -> impl IntoView {
    let i = use_i18n();
    move || {
        failure
            .get()
            .and_then(|failure| failure.of_field(field))
            .map(|failure| {
                view! {
                    <p class="field-error" id=format!("{field}-error") role="alert">
                        {i.failure(&failure)}
                    </p>
                }
            })
    }
}

/// The save button's companion: progress, success, or what went wrong (errors that name a field
/// are shown beside it, the rest here).
#[component]
pub fn SaveStatus(
    pending: Signal<bool>,
    saved: Signal<bool>,
    failure: Signal<Option<ApiFailure>>,
    #[prop(optional)] reload: Option<Callback<()>>,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="save-status" aria-live="polite">
            {move || {
                if pending.get() {
                    view! { <p class="pending" role="status">{i.s(K::Saving)}</p> }.into_any()
                } else if let Some(failure) = failure.get() {
                    if failure.status() == 401 {
                        // Nothing was saved; the edits stay in the form's draft for after signing in.
                        view! {
                            <div class="error" role="alert" data-test="session-ended">
                                <p>{i.s(K::SessionEndedEdits)}</p>
                                <a href="/" data-keep-edits="" on:click=|_| crate::pages::come_back_here()>
                                    {i.s(K::SignInAgain)}
                                </a>
                            </div>
                        }.into_any()
                    } else if failure.field().is_some() && !failure.is_conflict() {
                        view! { <p class="error" role="alert">{i.s(K::FixField)}</p> }.into_any()
                    } else {
                        // Reloading the record would lose the edits: only for a conflict, and
                        // then they are meant to go (their draft too).
                        let conflict = failure.is_conflict();
                        let reload = reload.filter(|_| conflict).map(|reload| {
                            Callback::new(move |_| {
                                forget_draft();
                                reload.run(());
                            })
                        });
                        failure_view(i, failure, reload)
                    }
                } else if saved.get() {
                    view! { <p class="ok" role="status" data-test="saved">{i.s(K::Saved)}</p> }.into_any()
                } else {
                    ().into_any()
                }
            }}
        </div>
    }
}

/// The items of a full page: the worker's default.
const PAGE_SIZE: usize = 50;

/// The cursor and the position of each page seen so far, so "Previous" goes back (keyset
/// pagination only knows the way forward) and the pager can say "51–100 of 137".
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub cursor: RwSignal<Option<String>>,
    /// Each earlier page's cursor and how many items came before it.
    earlier: RwSignal<Vec<(Option<String>, usize)>>,
    /// How many items come before this page.
    before: RwSignal<usize>,
}

impl Default for Paging {
    fn default() -> Self {
        Self::new()
    }
}

impl Paging {
    pub fn new() -> Self {
        Paging {
            cursor: RwSignal::new(None),
            earlier: RwSignal::new(Vec::new()),
            before: RwSignal::new(0),
        }
    }

    pub fn reset(self) {
        self.earlier.set(Vec::new());
        self.before.set(0);
        self.cursor.set(None);
    }

    /// The page for the address: the cursors of the pages after the first, up to this one,
    /// joined by dots (a cursor has none), or nothing on the first page.
    fn address(self) -> String {
        let earlier = self.earlier.get();
        let current = self.cursor.get();
        earlier
            .into_iter()
            .filter_map(|(cursor, _)| cursor)
            .chain(current)
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Goes to the page an address names (see `address`): every page before it was full.
    fn go_to_address(self, page: &str) {
        let cursors: Vec<String> = page
            .split('.')
            .filter(|cursor| !cursor.is_empty())
            .map(str::to_string)
            .collect();
        let mut earlier = Vec::new();
        let mut cursor = None;
        for (number, next) in cursors.into_iter().enumerate() {
            earlier.push((cursor.take(), number * PAGE_SIZE));
            cursor = Some(next);
        }
        self.before.set(earlier.len() * PAGE_SIZE);
        self.earlier.set(earlier);
        self.cursor.set(cursor);
    }

    /// Goes to the page after this one, whose `shown` items are then behind.
    fn next(self, next: String, shown: usize) {
        let current = self.cursor.get_untracked();
        let before = self.before.get_untracked();
        self.earlier
            .update(|earlier| earlier.push((current, before)));
        self.before.set(before + shown);
        self.cursor.set(Some(next));
    }

    fn previous(self) {
        let mut back = None;
        self.earlier.update(|earlier| back = earlier.pop());
        if let Some((cursor, before)) = back {
            self.before.set(before);
            self.cursor.set(cursor);
        }
    }
}

/// A search box and paging for one list: the query a list resource reads.
#[derive(Debug, Clone, Copy)]
pub struct ListState {
    pub q: RwSignal<String>,
    /// The order asked for (`code`, `-code`), empty for the list's usual one.
    pub sort: RwSignal<String>,
    pub paging: Paging,
    /// Asks for the same page again (after a failed load).
    again: Trigger,
}

impl Default for ListState {
    fn default() -> Self {
        Self::new()
    }
}

impl ListState {
    pub fn new() -> Self {
        ListState {
            q: RwSignal::new(String::new()),
            sort: RwSignal::new(String::new()),
            paging: Paging::new(),
            again: Trigger::new(),
        }
    }

    /// The query for the list resource (reading it tracks search, page and "try again").
    pub fn query(self, filters: Vec<(&'static str, String)>) -> ListQuery {
        self.again.track();
        ListQuery {
            q: self.q.get(),
            cursor: self.paging.cursor.get(),
            filters,
            limit: None,
            sort: self.sort.get(),
        }
    }
}

/// The labelled search box of a list; typing restarts the list at its first page.
#[component]
pub fn SearchBox(state: ListState, id: &'static str) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field search">
            <label for=id>{i.s(K::Search)}</label>
            <input id=id type="search" placeholder=i.s(K::SearchHint) autocomplete="off"
                prop:value=move || state.q.get()
                on:input=move |event| {
                    state.q.set(event_target_value(&event));
                    state.paging.reset();
                }/>
        </div>
    }
}

/// Loading, failure, empty, or the rows and the pager: every list's states in one place.
pub fn list_view<T: Clone + 'static>(
    i: I18n,
    state: ListState,
    result: Option<ApiResult<Page<T>>>,
    rows: impl FnOnce(Vec<T>) -> AnyView,
) -> AnyView {
    match result {
        None => loading_view(i),
        Some(Err(failure)) => {
            let again = Callback::new(move |_| state.again.notify());
            failure_view(i, failure, Some(again))
        }
        Some(Ok(page)) if page.items.is_empty() => {
            let searching = !state.q.get_untracked().trim().is_empty();
            view! {
                <p class="empty" role="status" data-test="empty">
                    {i.s(if searching { K::NothingMatches } else { K::NothingFound })}
                </p>
                {pager(i, state.paging, None, 0, 0)}
            }
            .into_any()
        }
        Some(Ok(page)) => {
            let shown = page.items.len();
            view! {
                {rows(page.items)}
                {pager(i, state.paging, page.next_cursor, shown, page.total)}
            }
            .into_any()
        }
    }
}

fn pager(i: I18n, paging: Paging, next: Option<String>, shown: usize, total: i64) -> AnyView {
    let has_previous = move || !paging.earlier.get().is_empty();
    let has_next = next.is_some();
    if shown == 0 && !has_previous() {
        return ().into_any();
    }
    view! {
        <nav class="pager" aria-label=i.s(K::Pages)>
            <span role="status" data-test="range">
                {move || {
                    let first = paging.before.get() + 1;
                    (shown > 0).then(|| i.range_of(first, first + shown - 1, total))
                }}
            </span>
            <button type="button" disabled=move || !has_previous() on:click=move |_| paging.previous()>
                {i.s(K::Previous)}
            </button>
            <button type="button" disabled=!has_next on:click=move |_| {
                if let Some(next) = next.clone() {
                    paging.next(next, shown);
                }
            }>{i.s(K::Next)}</button>
        </nav>
    }
    .into_any()
}

/// A UTC time from milliseconds since the epoch: `2026-11-25 05:48 UTC`.
pub fn utc(ms: i64) -> String {
    let iso = String::from(js_sys::Date::new(&(ms as f64).into()).to_iso_string());
    let date = iso.get(..10).unwrap_or_default();
    let time = iso.get(11..16).unwrap_or_default();
    format!("{date} {time} UTC")
}

/// The first millisecond (UTC) of a `YYYY-MM-DD` date from a date input.
pub fn day_start_ms(date: &str) -> Option<i64> {
    if date.len() != 10 {
        return None;
    }
    let ms = js_sys::Date::parse(&format!("{date}T00:00:00Z"));
    (!ms.is_nan()).then_some(ms as i64)
}

/// An id from a route parameter or a select's value.
pub fn parse_id(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|id| *id > 0)
}

/// Leaves for `path` with a full page load (the other bundle's pages, or after signing out).
pub fn leave_to(path: &str) {
    if let Some(window) = web_sys::window() {
        // If the browser refuses, the person stays where they are and can follow a link.
        let _ = window.location().assign(path);
    }
}

/// Asks before an irreversible action.
pub fn confirm(i: I18n) -> bool {
    confirm_that(i, K::ConfirmDelete)
}

/// Asks `question` before an irreversible action.
pub fn confirm_that(i: I18n, question: impl crate::i18n::Text) -> bool {
    web_sys::window()
        .and_then(|window| window.confirm_with_message(i.t(question)).ok())
        .unwrap_or(false)
}

/// A call that, once answered, hands back what to do with the answer.
type DoneFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = ApiResult<Box<dyn FnOnce()>>>>>;

type Finish = Box<dyn FnOnce(String) -> ApiResult<Box<dyn FnOnce()>>>;

/// Sends a request, then reads its answer: not generic, compiled once.
fn send_then(request: Request, finish: Finish) -> DoneFuture {
    Box::pin(async move {
        let text = request.send().await?;
        finish(text)
    })
}

/// The state of one save (or delete, enable, ...): in progress, done, or refused. Setting it
/// from a finished call is all a screen does; `SaveStatus` shows it.
#[derive(Debug, Clone, Copy)]
pub struct Busy {
    pub pending: RwSignal<bool>,
    pub saved: RwSignal<bool>,
    pub failure: RwSignal<Option<ApiFailure>>,
}

impl Default for Busy {
    fn default() -> Self {
        Self::new()
    }
}

impl Busy {
    pub fn new() -> Self {
        Busy {
            pending: RwSignal::new(false),
            saved: RwSignal::new(false),
            failure: RwSignal::new(None),
        }
    }

    pub fn failure_signal(self) -> Signal<Option<ApiFailure>> {
        self.failure.into()
    }

    /// Runs one call; `done` gets its answer when it succeeds.
    pub fn run<T: 'static>(self, call: Call<T>, done: impl FnOnce(T) + 'static) {
        let (request, read) = call.into_parts();
        self.start(send_then(
            request,
            Box::new(move |text| {
                let value = read(text)?;
                Ok(Box::new(move || done(value)) as Box<dyn FnOnce()>)
            }),
        ));
    }

    /// Runs several calls one after the other (a screen's own async steps).
    pub fn run_steps<T: 'static>(
        self,
        steps: impl std::future::Future<Output = ApiResult<T>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.start(Box::pin(async move {
            let value = steps.await?;
            Ok(Box::new(move || done(value)) as Box<dyn FnOnce()>)
        }));
    }

    /// The part shared by every call, compiled once.
    fn start(self, call: DoneFuture) {
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        self.saved.set(false);
        self.failure.set(None);
        leptos::task::spawn_local(async move {
            let result = call.await;
            self.pending.try_set(false);
            match result {
                Ok(done) => {
                    self.saved.try_set(true);
                    done();
                }
                Err(failure) => {
                    self.failure.try_set(Some(failure));
                }
            }
        });
    }

    pub fn status(self, reload: Option<Callback<()>>) -> impl IntoView {
        match reload {
            Some(reload) => view! {
                <SaveStatus pending=self.pending.into() saved=self.saved.into()
                    failure=self.failure.into() reload/>
            }
            .into_any(),
            None => view! {
                <SaveStatus pending=self.pending.into() saved=self.saved.into()
                    failure=self.failure.into()/>
            }
            .into_any(),
        }
    }
}

/// A labelled select whose options come from a list call: `(value, text)` pairs, with a first
/// "any"/"none" choice when `empty` is given.
#[component]
pub fn LoadedSelect(
    id: &'static str,
    label: K,
    value: RwSignal<String>,
    choices: Loaded<Vec<(String, String)>>,
    #[prop(optional)] empty: Option<K>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] on_change: Option<Callback<()>>,
    #[prop(optional)] failure: Option<Signal<Option<ApiFailure>>>,
) -> impl IntoView {
    let i = use_i18n();
    let failure = failure.unwrap_or_else(|| Signal::derive(|| None));
    view! {
        <div class="field">
            <label for=id>{i.s(label)}</label>
            <select id=id disabled=move || disabled.get()
                aria-describedby=format!("{id}-error")
                on:change=move |event| {
                    value.set(event_target_value(&event));
                    if let Some(on_change) = on_change {
                        on_change.run(());
                    }
                }>
                {empty.map(|empty| view! {
                    <option value="" selected=move || value.get().is_empty()>{i.s(empty)}</option>
                })}
                {move || match choices.get() {
                    Some(Ok(list)) => list.into_iter().map(|(key, text)| {
                        let selected_key = key.clone();
                        view! {
                            <option value=key selected=move || value.get() == selected_key>{text}</option>
                        }
                    }).collect_view().into_any(),
                    // Keeps the current value selectable while the list loads or if it failed.
                    _ => {
                        let current = value.get_untracked();
                        (!current.is_empty()).then(|| view! { <option value=current.clone() selected>{current.clone()}</option> }).into_any()
                    }
                }}
            </select>
            {move || match choices.get() {
                Some(Err(failure)) => failure_view(i, failure, None),
                _ => ().into_any(),
            }}
            <FieldError field=id failure/>
        </div>
    }
}

/// A first page of up to 200 records as select choices.
pub fn choices<T: 'static>(
    call: Call<Page<T>>,
    pair: impl Fn(T) -> (String, String) + 'static,
) -> Call<Vec<(String, String)>> {
    call.map(move |page| page.items.into_iter().map(pair).collect())
}

pub fn first_200() -> ListQuery {
    ListQuery {
        limit: Some(200),
        ..ListQuery::default()
    }
}

/// A labelled text input with the server's error for that field beside it.
#[component]
pub fn TextField(
    id: &'static str,
    label: impl Text,
    value: RwSignal<String>,
    failure: Signal<Option<ApiFailure>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<K>,
    #[prop(optional, into)] readonly: Signal<bool>,
    #[prop(optional)] kind: Option<&'static str>,
) -> impl IntoView {
    let i = use_i18n();
    let described = if hint.is_some() {
        format!("{id}-hint {id}-error")
    } else {
        format!("{id}-error")
    };
    view! {
        <div class="field">
            <label for=id>
                {i.s(label)}
                {required.then(|| view! { <span class="req">" ("{i.s(K::Required)}")"</span> })}
            </label>
            <input id=id name=id type=kind.unwrap_or("text") bind:value=value
                required=required readonly=move || readonly.get()
                aria-invalid=move || failure.get().is_some_and(|f| f.field() == Some(id)).to_string()
                aria-describedby=described/>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{i.s(hint)}</p> })}
            <FieldError field=id failure/>
        </div>
    }
}

/// One cell of a list's table.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    /// A translated word (a status, a level).
    Key(K),
    /// The record's link: address and text.
    Link(String, String),
}

/// Every list's table, from plain data: one copy of the rendering code for all lists. On
/// phones each row becomes a line or two, its cells side by side (`precinct.css`).
/// The orders a list's columns offer: the `sort=` name of each column (none: not sortable), and
/// the list's usual order, shown as ascending when no other is asked for.
#[derive(Clone, Copy)]
pub struct Sorting {
    pub columns: &'static [Option<&'static str>],
    pub usual: &'static str,
    pub sort: RwSignal<String>,
    pub restart: Callback<()>,
}

impl Sorting {
    /// The order shown: the one asked for, else the list's usual one.
    fn current(self) -> String {
        let sort = self.sort.get();
        if sort.is_empty() {
            self.usual.to_string()
        } else {
            sort
        }
    }
}

pub fn table(
    i: I18n,
    test: &'static str,
    columns: &'static [K],
    sorting: Sorting,
    rows: Vec<Vec<Cell>>,
) -> AnyView {
    view! {
        <table class="grid" data-test=test>
            <thead><tr>
                {columns.iter().zip(sorting.columns.iter().chain(std::iter::repeat(&None))).map(|(column, order)| {
                    let label = i.s(*column);
                    match *order {
                        None => view! { <th scope="col">{label}</th> }.into_any(),
                        Some(order) => {
                            let direction = move || {
                                let sort = sorting.current();
                                if sort == order {
                                    Some("ascending")
                                } else if sort.strip_prefix('-') == Some(order) {
                                    Some("descending")
                                } else {
                                    None
                                }
                            };
                            view! {
                                <th scope="col" aria-sort=direction>
                                    <button type="button" class="sort" data-sort=order on:click=move |_| {
                                        // Ascending first, then the other way.
                                        let next = if direction() == Some("ascending") { format!("-{order}") } else { order.to_string() };
                                        sorting.sort.set(next);
                                        sorting.restart.run(());
                                    }>{label}</button>
                                </th>
                            }.into_any()
                        }
                    }
                }).collect_view()}
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        {row.into_iter().map(|cell| view! {
                            <td>
                                {match cell {
                                    Cell::Text(text) => text.into_any(),
                                    Cell::Key(key) => i.s(key).into_any(),
                                    Cell::Link(href, text) => view! { <a href=href>{text}</a> }.into_any(),
                                }}
                            </td>
                        }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The rows of a list screen, already turned into cells: every list shares this one type, so
/// the loading and rendering code exists once.
pub type Rows = Page<Vec<Cell>>;

/// How a list screen gets its rows for a query.
pub type FetchRows = std::rc::Rc<dyn Fn(ListQuery) -> Call<Rows>>;

/// Wraps a list call whose records become rows of cells.
pub fn fetch_rows<T: 'static>(
    call: impl Fn(ListQuery) -> Call<Page<T>> + 'static,
    row: impl Fn(T) -> Vec<Cell> + Copy + 'static,
) -> FetchRows {
    std::rc::Rc::new(move |query| {
        call(query).map(move |page| Page {
            items: page.items.into_iter().map(row).collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    })
}

/// A filter of a list screen: a select whose value goes into the query under `key`.
pub struct Filter {
    pub id: &'static str,
    pub key: &'static str,
    pub label: K,
    pub any: K,
    pub initial: String,
    pub choices: Loaded<Vec<(String, String)>>,
}

/// The choices of a filter known in advance (translated values).
pub fn fixed_choices(
    choices: &'static [(&'static str, K)],
    i: I18n,
) -> Loaded<Vec<(String, String)>> {
    computed(move || {
        choices
            .iter()
            .map(|(value, key)| (value.to_string(), i.t(*key).to_string()))
            .collect()
    })
}

/// A record screen, `/console/<records>/new` or `/console/<records>/:id`: the way back, then the
/// form for a new record, or the record loaded by its id with its title and form (a failed load
/// is announced; a malformed id is "not visible"). `form` gets the record and how to reload it.
pub struct RecordScreen<T> {
    pub back: &'static str,
    pub new_title: K,
    pub fetch: fn(i64) -> Call<T>,
    pub title: fn(I18n, &T) -> String,
    pub form: fn(Option<T>, Option<Callback<()>>) -> AnyView,
}

pub fn record_screen<T: Clone + Send + Sync + 'static>(screen: RecordScreen<T>) -> AnyView {
    let i = use_i18n();
    let id = crate::pages::use_record_id();
    let RecordScreen {
        back,
        new_title,
        fetch,
        title,
        form,
    } = screen;
    let shown = move || match id.get().as_deref() {
        Some("new") => view! { <h1>{i.s(new_title)}</h1>{form(None, None)} }.into_any(),
        other => match other.and_then(parse_id) {
            Some(id) => {
                let record = load(move || fetch(id));
                let reload = Callback::new(move |_| record.refetch());
                (move || match record.get() {
                    None => loading_view(i),
                    Some(Ok(record)) => {
                        view! { <h1>{title(i, &record)}</h1>{form(Some(record), Some(reload))} }
                            .into_any()
                    }
                    Some(Err(failure)) => failure_view(i, failure, Some(reload)),
                })
                .into_any()
            }
            None => view! { <p class="error" role="alert">{i.s(K::NotVisible)}</p> }.into_any(),
        },
    };
    view! {
        <section class="page">
            <p><a href=back>{i.s(K::Back)}</a></p>
            {shown}
        </section>
    }
    .into_any()
}

/// Every list screen: title, an optional "new" link, search, filters, the table with loading,
/// empty and error states, sortable columns, and paging.
pub struct ListScreen {
    pub title: K,
    pub hint: Option<K>,
    pub new_link: Option<(&'static str, K)>,
    pub test: &'static str,
    pub columns: &'static [K],
    /// The order each column sorts by (`sort=`), and the list's usual one.
    pub sorts: (&'static [Option<&'static str>], &'static str),
    pub filters: Vec<Filter>,
    pub fetch: FetchRows,
}

pub fn list_screen(screen: ListScreen) -> AnyView {
    let i = use_i18n();
    let state = ListState::new();
    let ListScreen {
        title,
        hint,
        new_link,
        test,
        columns,
        sorts,
        filters,
        fetch,
    } = screen;
    let values: Vec<(&'static str, RwSignal<String>)> = filters
        .iter()
        .map(|filter| (filter.key, RwSignal::new(filter.initial.clone())))
        .collect();
    keep_in_address(state, values.clone());
    let keys = values.clone();
    let rows = load(move || {
        let query = state.query(
            keys.iter()
                .map(|(key, value)| (*key, value.get()))
                .collect(),
        );
        fetch(query)
    });
    let restart = Callback::new(move |_| state.paging.reset());
    let sorting = Sorting {
        columns: sorts.0,
        usual: sorts.1,
        sort: state.sort,
        restart,
    };
    let search_id = "list-search";
    view! {
        <section class="page">
            <div class="heading">
                <h1>{i.s(title)}</h1>
                {new_link.map(|(href, label)| view! { <a class="button primary" href=href>{i.s(label)}</a> })}
            </div>
            {hint.map(|hint| view! { <p class="hint">{i.s(hint)}</p> })}
            <div class="filters">
                <SearchBox state id=search_id/>
                {filters.into_iter().zip(values).map(|(filter, (_, value))| view! {
                    <LoadedSelect id=filter.id label=filter.label value choices=filter.choices
                        empty=filter.any on_change=restart/>
                }).collect_view()}
                {sort_select(i, columns, sorting)}
            </div>
            {move || list_view(i, state, rows.get(), |items| table(i, test, columns, sorting, items))}
        </section>
    }
    .into_any()
}

/// The order as a select, for phones, whose lists show no column headings: each sortable column,
/// each way.
fn sort_select(i: I18n, columns: &'static [K], sorting: Sorting) -> Option<AnyView> {
    let orders: Vec<(String, String)> = columns
        .iter()
        .zip(sorting.columns)
        .filter_map(|(column, order)| order.map(|order| (i.t(*column), order)))
        .flat_map(|(label, order)| {
            [
                (order.to_string(), format!("{label} ↑")),
                (format!("-{order}"), format!("{label} ↓")),
            ]
        })
        .collect();
    (!orders.is_empty()).then(|| {
        view! {
            <div class="field sort-by">
                <label for="list-sort">{i.s(K::SortBy)}</label>
                <select id="list-sort" on:change=move |event| {
                    sorting.sort.set(event_target_value(&event));
                    sorting.restart.run(());
                }>
                    {orders.into_iter().map(|(value, label)| {
                        let this = value.clone();
                        let selected = move || this == sorting.current();
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
        .into_any()
    })
}

/// Keeps a list's search, filters, order and page in the address, so Back, Reload and a shared
/// link return to the same list: the address is read when the list opens and again when Back
/// or Forward change it; a new page is a new entry of the browser's history (Back goes to the
/// page before, within the console), a new search, filter or order replaces the entry.
fn keep_in_address(state: ListState, filters: Vec<(&'static str, RwSignal<String>)>) {
    let query = leptos_router::hooks::use_query_map();
    let read = {
        let filters = filters.clone();
        move || {
            let query = query.get_untracked();
            let get = |key: &str| query.get(key).unwrap_or_default();
            state.q.set(get("q"));
            state.sort.set(get("sort"));
            for (key, value) in &filters {
                value.set(get(key));
            }
            state.paging.go_to_address(&get("page"));
        }
    };
    read();
    let on_back = window_event_listener(leptos::ev::popstate, move |_| read());
    on_cleanup(move || on_back.remove());
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |page_before: Option<String>| {
        let page = state.paging.address();
        let mut pairs = vec![("q", state.q.get()), ("sort", state.sort.get())];
        pairs.extend(filters.iter().map(|(key, value)| (*key, value.get())));
        pairs.push(("page", page.clone()));
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(key, value)| (*key, value.trim()))
            .collect();
        let location = window().location();
        let path = location.pathname().unwrap_or_default();
        let address = crate::api::with_query(&path, &pairs);
        let here = path + &location.search().unwrap_or_default();
        if address != here {
            let options = leptos_router::NavigateOptions {
                replace: page_before.as_ref() == Some(&page) || page_before.is_none(),
                scroll: false,
                ..Default::default()
            };
            navigate(&address, options);
        }
        page
    });
}

/// Whether the form on screen has edits not yet saved (issue 13), and the key its draft is
/// kept under: provided once per page by `guard_unsaved_edits`, set by the form's `Edits`.
#[derive(Clone, Copy)]
pub struct Unsaved {
    pub edited: RwSignal<bool>,
    draft: StoredValue<Option<String>>,
}

impl Unsaved {
    /// Asks whether to leave the edits unsaved; leaving forgets their draft.
    pub fn may_leave(self, i: I18n) -> bool {
        if !self.edited.get_untracked() {
            return true;
        }
        let leave = confirm_that(i, K::LeaveUnsaved);
        if leave {
            self.edited.set(false);
            if let (Some(key), Some(storage)) = (self.draft.get_value(), session_storage()) {
                let _ = storage.remove_item(&key);
            }
        }
        leave
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Every way out of a form with unsaved edits asks first: a link (asked before the router
/// follows it), Back and Forward (the address has changed already: staying goes forward again,
/// and the form comes back with its draft), Reload or closing the tab (the browser's own
/// question), and signing out (`TopBar`). Installed once per page.
pub fn guard_unsaved_edits(i: I18n) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let unsaved = Unsaved {
        edited: RwSignal::new(false),
        draft: StoredValue::new(None),
    };
    provide_context(unsaved);
    let _ = window_event_listener(leptos::ev::beforeunload, move |event| {
        if unsaved.edited.get_untracked() {
            event.prevent_default();
            event.set_return_value("");
        }
    });
    let on_link = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
        let link = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten());
        // The sign-in link of an ended session keeps the edits for after signing in, and a link
        // within the page (Skip to content) leaves nothing.
        let leaves = link.is_some_and(|link| {
            !link.has_attribute("data-keep-edits")
                && !link
                    .get_attribute("href")
                    .is_some_and(|href| href.starts_with('#'))
        });
        if leaves && !unsaved.may_leave(i) {
            event.prevent_default();
            event.stop_propagation();
        }
    });
    let _ = window().add_event_listener_with_callback_and_bool(
        "click",
        on_link.as_ref().unchecked_ref(),
        true,
    );
    // The page's own listener, for as long as the page.
    on_link.forget();
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        if !unsaved.may_leave(i) {
            if let Ok(history) = window().history() {
                let _ = history.forward();
            }
        }
    });
}

/// Where the draft of the form at this address is kept.
fn draft_key() -> String {
    let location = window().location();
    format!(
        "precinct.draft:{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

/// Drops the draft of the form at this address (its record is being loaded again).
fn forget_draft() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(&draft_key());
    }
}

/// The edits of one record form: its text fields and selects, compared with what was last
/// saved. While they differ, the form is marked edited and its values are kept as a draft for
/// this address in the tab's session storage, so a form opened again after an ended session, a
/// Back taken by mistake or a reload comes back with them.
#[derive(Clone, Copy)]
pub struct Edits {
    fields: StoredValue<Vec<RwSignal<String>>>,
    saved: RwSignal<Vec<String>>,
    key: StoredValue<String>,
    unsaved: Option<Unsaved>,
    /// A draft was put back when the form opened.
    pub restored: bool,
}

impl Edits {
    pub fn watch(fields: Vec<RwSignal<String>>) -> Edits {
        let values = |fields: &[RwSignal<String>]| {
            fields
                .iter()
                .map(|field| field.get_untracked())
                .collect::<Vec<_>>()
        };
        let saved = RwSignal::new(values(&fields));
        let key = draft_key();
        let draft = session_storage()
            .and_then(|storage| storage.get_item(&key).ok().flatten())
            .map(|draft| {
                draft
                    .split('\u{1f}')
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|draft| draft.len() == fields.len());
        let restored = draft.is_some();
        if let Some(draft) = draft {
            for (field, value) in fields.iter().zip(draft) {
                field.set(value);
            }
        }
        let fields = StoredValue::new(fields);
        let unsaved = use_context::<Unsaved>();
        let stored_key = StoredValue::new(key.clone());
        Effect::new(move |_| {
            let now: Vec<String> =
                fields.with_value(|fields| fields.iter().map(|f| f.get()).collect());
            let edited = saved.with(|saved| *saved != now);
            if let Some(unsaved) = unsaved {
                unsaved.edited.set(edited);
                unsaved.draft.set_value(Some(key.clone()));
            }
            if let Some(storage) = session_storage() {
                let _ = if edited {
                    storage.set_item(&key, &now.join("\u{1f}"))
                } else {
                    storage.remove_item(&key)
                };
            }
        });
        on_cleanup(move || {
            if let Some(unsaved) = unsaved {
                unsaved.edited.try_set(false);
            }
        });
        Edits {
            fields,
            saved,
            key: stored_key,
            unsaved,
            restored,
        }
    }

    /// After a save: what the form shows is what is stored (at once, as the form may be left
    /// next).
    pub fn saved_now(self) {
        let now = self
            .fields
            .with_value(|fields| fields.iter().map(|f| f.get_untracked()).collect());
        self.saved.try_set(now);
        if let Some(unsaved) = self.unsaved {
            unsaved.edited.try_set(false);
        }
        if let Some(storage) = session_storage() {
            let _ = storage.remove_item(&self.key.get_value());
        }
    }

    /// "Your unsaved edits are back", when a draft was put back.
    pub fn notice(self, i: I18n) -> Option<AnyView> {
        self.restored.then(|| {
            view! { <p class="note" role="status" data-test="edits-restored">{i.s(K::EditsRestored)}</p> }
                .into_any()
        })
    }
}

/// "Save and Exit" beside a record's Save: the same Save, then back to the list.
#[component]
pub fn SaveAndExit(exit: RwSignal<bool>, busy: Busy) -> impl IntoView {
    let i = use_i18n();
    view! {
        <button type="submit" data-test="save-and-exit" disabled=move || busy.pending.get()
            on:click=move |_| exit.set(true)>{i.s(K::SaveAndExit)}</button>
    }
}

/// A what-if the form asks (B02): the Save as it stands, sent to the server's dry run.
pub type WhatIfQuestion =
    std::pin::Pin<Box<dyn std::future::Future<Output = ApiResult<precinct_core::api::WhatIf>>>>;

/// B02: what a Save would do to access, shown before it is saved. `ask` reads the form's
/// signals and answers the what-if of the Save as it stands, or `None` while nothing that moves
/// access differs from what is stored; each change asks again, and an earlier question's late
/// answer is dropped. (Not generic: one copy serves every form, the console's size budget.)
pub fn what_if_preview(ask: Box<dyn Fn() -> Option<WhatIfQuestion>>) -> AnyView {
    let i = use_i18n();
    let answer = RwSignal::new(None::<ApiResult<precinct_core::api::WhatIf>>);
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        let question = ask();
        let number = asked.get_value().wrapping_add(1);
        asked.set_value(number);
        match question {
            None => answer.set(None),
            Some(question) => leptos::task::spawn_local(async move {
                let result = question.await;
                if asked.try_get_value() == Some(number) {
                    answer.try_set(Some(result));
                }
            }),
        }
    });
    (move || answer.get().map(|result| what_if_view(i, result))).into_any()
}

/// The what-if in sentences, one per line: who gains, who loses, whose rights change.
fn what_if_lines(i: I18n, what_if: precinct_core::api::WhatIf) -> Vec<(&'static str, String)> {
    let shift = |key: K, test: &'static str, shift: precinct_core::api::AccessShift| {
        let more = |shown: usize, total: i64| if (shown as i64) < total { ", …" } else { "" };
        let people: Vec<String> = shift.first_people.into_iter().map(|p| p.name).collect();
        let companies: Vec<String> = shift.first_companies.into_iter().map(|c| c.code).collect();
        (shift.people > 0).then(|| {
            (
                test,
                format!(
                    "{}: {} {} ({}{}), {} {} ({}{})",
                    i.t(key),
                    shift.people,
                    i.t(K::WhatIfPeople),
                    people.join(", "),
                    more(people.len(), shift.people),
                    shift.companies,
                    i.t(K::WhatIfCompanies),
                    companies.join(", "),
                    more(companies.len(), shift.companies),
                ),
            )
        })
    };
    let nothing = what_if.gain.people == 0 && what_if.lose.people == 0;
    let mut lines: Vec<(&'static str, String)> = [
        shift(K::WhatIfGain, "what-if-gain", what_if.gain),
        shift(K::WhatIfLose, "what-if-lose", what_if.lose),
    ]
    .into_iter()
    .flatten()
    .collect();
    if nothing {
        lines.push(("what-if-nothing", i.t(K::WhatIfNothing).to_string()));
    }
    if what_if.people_with_new_rights > 0 {
        let mut line = format!(
            "{} {} {}",
            i.t(K::WhatIfRights),
            what_if.people_with_new_rights,
            i.t(K::WhatIfPeople)
        );
        if let (Some(before), Some(after)) = (what_if.level_before, what_if.level_after) {
            if before != after {
                line += &format!(": {} → {}", i.t(K::level(before)), i.t(K::level(after)));
            }
        }
        for (key, list) in [
            (K::WhatIfOptionsGained, &what_if.options_gained),
            (K::WhatIfOptionsLost, &what_if.options_lost),
        ] {
            if !list.is_empty() {
                let names: Vec<&str> = list.iter().map(|o| i.t(K::option(*o))).collect();
                line += &format!("; {}: {}", i.t(key), names.join(", "));
            }
        }
        lines.push(("what-if-rights", line));
    }
    lines
}

fn what_if_view(i: I18n, result: ApiResult<precinct_core::api::WhatIf>) -> AnyView {
    let (class, title, lines) = match result {
        Ok(what_if) => ("what-if", K::WhatIfTitle, what_if_lines(i, what_if)),
        Err(failure) => (
            "what-if refused",
            K::WhatIfRefused,
            vec![("what-if-refused", i.failure(&failure))],
        ),
    };
    view! {
        <section class=class data-test="what-if" aria-live="polite">
            <h2>{i.s(title)}</h2>
            <ul>{lines.into_iter().map(|(test, line)| view! { <li data-test=test>{line}</li> }).collect_view()}</ul>
        </section>
    }
    .into_any()
}
