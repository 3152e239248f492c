//! Precinct's console screens used less often: the same console with the screens of
//! `precinct_core::api::OCCASIONAL_SCREENS`, a bundle of its own loaded only at their addresses.

fn main() {
    precinct_app::mount_console(precinct_app::pages::OCCASIONAL);
}
