//! Precinct's console: a Leptos client-side-rendered single-page app.

fn main() {
    precinct_app::mount_console(precinct_app::pages::CONSOLE);
}
