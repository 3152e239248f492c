//! Precinct's explain-access and access-review screens (B01, B03): the same console with the
//! screens of `precinct_core::api::INSIGHT_SCREENS`, a bundle of its own loaded only at their
//! addresses.

fn main() {
    precinct_app::mount_console(precinct_app::pages::INSIGHT);
}
