//! The `export_<kind>!` macros a plugin ends with.
//!
//! In a wasm build they expand to wit-bindgen's export glue. Natively they
//! export nothing (the component ABI's symbol names are not valid in a
//! native linker version script) and only reference the implementation, so
//! the crate still builds as a native `cdylib` and its unit tests call the
//! `Guest` methods directly.

/// Export a collector: `export_collector!(MyCollector);`
#[cfg(feature = "collector")]
#[macro_export]
macro_rules! export_collector {
    ($ty:ident) => {
        #[cfg(target_arch = "wasm32")]
        $crate::bindings::collector::export_collector!($ty with_types_in $crate::bindings::collector);
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            let _ = <$ty as $crate::collector::Guest>::collect;
        };
    };
}

/// Export a notifier: `export_notifier!(MyNotifier);`
#[cfg(feature = "notifier")]
#[macro_export]
macro_rules! export_notifier {
    ($ty:ident) => {
        #[cfg(target_arch = "wasm32")]
        $crate::bindings::notifier::export_notifier!($ty with_types_in $crate::bindings::notifier);
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            let _ = <$ty as $crate::notifier::Guest>::deliver;
        };
    };
}

/// Export an integration: `export_integration!(MyIntegration);`
#[cfg(feature = "integration")]
#[macro_export]
macro_rules! export_integration {
    ($ty:ident) => {
        #[cfg(target_arch = "wasm32")]
        $crate::bindings::integration::export_integration!($ty with_types_in $crate::bindings::integration);
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            let _ = <$ty as $crate::integration::Guest>::handle;
        };
    };
}

/// Export a scanner: `export_scanner!(MyScanner);`
#[cfg(feature = "scanner")]
#[macro_export]
macro_rules! export_scanner {
    ($ty:ident) => {
        #[cfg(target_arch = "wasm32")]
        $crate::bindings::scanner::export_scanner!($ty with_types_in $crate::bindings::scanner);
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            let _ = <$ty as $crate::scanner::Guest>::scan;
        };
    };
}
