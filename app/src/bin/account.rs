//! Precinct's account pages: a second, small bundle (see `precinct_app::account`).

fn main() {
    precinct_app::account::mount();
}
