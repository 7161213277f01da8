//! Guest bindings generated from the WIT packages.
//!
//! `common` holds every `patchmon:common` interface once; each kind's world
//! reuses it through `with`, so types like [`Event`](crate::Event) are the
//! same Rust type whichever world a plugin implements.

/// The `patchmon:common@0.1.0` interfaces.
pub mod common {
    wit_bindgen::generate!({
        inline: "
            package patchmon:sdk-v0-1-0;
            world common-imports {
                import patchmon:common/log@0.1.0;
                import patchmon:common/config@0.1.0;
                import patchmon:common/kv@0.1.0;
                import patchmon:common/exec@0.1.0;
                import patchmon:common/fs-read@0.1.0;
                import patchmon:common/http@0.1.0;
                import patchmon:common/mail@0.1.0;
            }
        ",
        path: ["../wit/common/0.1.0"],
        generate_all,
        generate_unused_types: true,
        additional_derives: [PartialEq],
    });
}

/// Bindings of the `patchmon:collector@0.1.0` world.
#[cfg(feature = "collector")]
pub mod collector {
    wit_bindgen::generate!({
        world: "patchmon:collector/collector@0.1.0",
        path: ["../wit/common/0.1.0", "../wit/collector/0.1.0"],
        with: {
            "patchmon:common/types@0.1.0": crate::bindings::common::patchmon::common::types,
            "patchmon:common/log@0.1.0": crate::bindings::common::patchmon::common::log,
            "patchmon:common/config@0.1.0": crate::bindings::common::patchmon::common::config,
            "patchmon:common/exec@0.1.0": crate::bindings::common::patchmon::common::exec,
            "patchmon:common/fs-read@0.1.0": crate::bindings::common::patchmon::common::fs_read,
        },
        additional_derives: [PartialEq],
        pub_export_macro: true,
        export_macro_name: "export_collector",
        default_bindings_module: "patchmon_plugin_sdk::bindings::collector",
    });
}

/// Bindings of the `patchmon:notifier@0.1.0` world.
#[cfg(feature = "notifier")]
pub mod notifier {
    wit_bindgen::generate!({
        world: "patchmon:notifier/notifier@0.1.0",
        path: ["../wit/common/0.1.0", "../wit/notifier/0.1.0"],
        with: {
            "patchmon:common/types@0.1.0": crate::bindings::common::patchmon::common::types,
            "patchmon:common/log@0.1.0": crate::bindings::common::patchmon::common::log,
            "patchmon:common/config@0.1.0": crate::bindings::common::patchmon::common::config,
            "patchmon:common/kv@0.1.0": crate::bindings::common::patchmon::common::kv,
            "patchmon:common/http@0.1.0": crate::bindings::common::patchmon::common::http,
            "patchmon:common/mail@0.1.0": crate::bindings::common::patchmon::common::mail,
        },
        additional_derives: [PartialEq],
        pub_export_macro: true,
        export_macro_name: "export_notifier",
        default_bindings_module: "patchmon_plugin_sdk::bindings::notifier",
    });
}

/// Bindings of the `patchmon:integration@0.1.0` world.
#[cfg(feature = "integration")]
pub mod integration {
    wit_bindgen::generate!({
        world: "patchmon:integration/integration@0.1.0",
        path: ["../wit/common/0.1.0", "../wit/integration/0.1.0"],
        with: {
            "patchmon:common/types@0.1.0": crate::bindings::common::patchmon::common::types,
            "patchmon:common/log@0.1.0": crate::bindings::common::patchmon::common::log,
            "patchmon:common/config@0.1.0": crate::bindings::common::patchmon::common::config,
            "patchmon:common/kv@0.1.0": crate::bindings::common::patchmon::common::kv,
            "patchmon:common/http@0.1.0": crate::bindings::common::patchmon::common::http,
        },
        additional_derives: [PartialEq],
        pub_export_macro: true,
        export_macro_name: "export_integration",
        default_bindings_module: "patchmon_plugin_sdk::bindings::integration",
    });
}

/// Bindings of the `patchmon:scanner@0.1.0` world.
#[cfg(feature = "scanner")]
pub mod scanner {
    wit_bindgen::generate!({
        world: "patchmon:scanner/scanner@0.1.0",
        path: ["../wit/common/0.1.0", "../wit/scanner/0.1.0"],
        with: {
            "patchmon:common/types@0.1.0": crate::bindings::common::patchmon::common::types,
            "patchmon:common/log@0.1.0": crate::bindings::common::patchmon::common::log,
            "patchmon:common/config@0.1.0": crate::bindings::common::patchmon::common::config,
            "patchmon:common/exec@0.1.0": crate::bindings::common::patchmon::common::exec,
            "patchmon:common/fs-read@0.1.0": crate::bindings::common::patchmon::common::fs_read,
        },
        additional_derives: [PartialEq],
        pub_export_macro: true,
        export_macro_name: "export_scanner",
        default_bindings_module: "patchmon_plugin_sdk::bindings::scanner",
    });
}
