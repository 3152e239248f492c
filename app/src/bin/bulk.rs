//! Precinct's import and export, bulk action and copy-security screens (B04–B06): the same
//! console with the screens of `precinct_core::api::BULK_SCREENS`, a bundle of its own loaded
//! only at their addresses.

fn main() {
    precinct_app::mount_console(precinct_app::pages::BULK);
}
