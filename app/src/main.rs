//! Precinct's console: a Leptos client-side-rendered single-page app.

mod api;
mod i18n;
mod pages;
mod ui;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

fn main() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    provide_context(i18n::I18n::load());
    view! {
        <Router>
            <main id="main">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::SignInPage/>
                    <Route path=path!("/forgot-password") view=pages::ForgotPasswordPage/>
                    <Route path=path!("/set-password") view=pages::SetPasswordPage/>
                    <Route path=path!("/applications") view=pages::ApplicationsPage/>
                    <Route path=path!("/login-as") view=pages::LoginAsPage/>
                    <ParentRoute path=path!("/console") view=pages::Shell>
                        <Route path=path!("") view=pages::ConsolePage/>
                        <Route path=path!("select-company") view=pages::SelectCompanyPage/>
                        <Route path=path!("users") view=pages::users_page/>
                        <Route path=path!("users/:id") view=pages::UserFormPage/>
                        <Route path=path!("groups") view=pages::groups_page/>
                        <Route path=path!("groups/:id") view=pages::GroupFormPage/>
                        <Route path=path!("areas") view=pages::areas_page/>
                        <Route path=path!("areas/:id") view=pages::AreaFormPage/>
                        <Route path=path!("companies") view=pages::companies_page/>
                        <Route path=path!("companies/:id") view=pages::CompanyFormPage/>
                        <Route path=path!("directories") view=pages::directories_page/>
                        <Route path=path!("directories/:id") view=pages::DirectoryFormPage/>
                        <Route path=path!("history") view=pages::HistoryPage/>
                        <Route path=path!("about/companies") view=pages::about_companies_page/>
                        <Route path=path!("projects") view=pages::projects_page/>
                        <Route path=path!("employees") view=pages::employees_page/>
                        <Route path=path!("reports") view=pages::reports_page/>
                        <Route path=path!("settings/mail") view=pages::MailSettingsPage/>
                        <Route path=path!("outbox") view=pages::OutboxPage/>
                        <Route path=path!("preferences") view=pages::PreferencesPage/>
                        <Route path=path!("*any") view=pages::NotFound/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}
