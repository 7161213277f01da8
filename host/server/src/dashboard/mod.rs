//! The dashboard: statistics cards and charts, the host list with package counts, host detail,
//! and the per-user card layout saved server-side.

mod hosts;
mod preferences;
mod stats;
mod store;

use crate::http::Route;

pub fn routes() -> Vec<Route> {
    [preferences::routes(), stats::routes(), hosts::routes()]
        .into_iter()
        .flatten()
        .collect()
}
