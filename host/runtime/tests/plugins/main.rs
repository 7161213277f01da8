//! Real components through the runtime: the first-party plugins and freshly scaffolded ones of
//! every kind, in one test binary.

mod first_party;
mod scaffolded;
