//! One typed handle per plugin kind, dispatching on the API version the
//! component was built against.

mod collector;
mod convert_v0_1_0;
mod integration;
mod notifier;
mod scanner;

pub use collector::CollectorPlugin;
pub use integration::IntegrationPlugin;
pub use notifier::NotifierPlugin;
pub use scanner::ScannerPlugin;
