//! Version comparison as each package manager does it.
//!
//! Each function returns how `a` orders against `b`, following the
//! reference implementation of that manager (dpkg's `verrevcmp`, rpm's
//! `rpmvercmp`, apk-tools' token comparison, pacman's `alpm_pkg_vercmp`).

mod apk;
mod dpkg;
mod pacman;
mod rpm;

pub use apk::compare as compare_apk;
pub use dpkg::compare as compare_dpkg;
pub use pacman::compare as compare_pacman;
pub use rpm::compare as compare_rpm;
pub use rpm::rpmvercmp;

/// Split a leading run of ASCII digits off `s`.
pub(crate) fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Compare two digit strings numerically, whatever their length.
pub(crate) fn cmp_numeric(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let trim = |s: &[u8]| -> Vec<u8> { s.iter().copied().skip_while(|&c| c == b'0').collect() };
    let (a, b) = (trim(a), trim(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}
