//! Host-side bindings generated from the WIT packages, one module per
//! released API version. A released module is never edited; a new WIT
//! version gets a new module next to it.

/// Bindings for the 0.1.0 packages.
pub(crate) mod v0_1_0 {
    /// Every `patchmon:common` interface, generated once and shared by all worlds.
    pub(crate) mod common {
        wasmtime::component::bindgen!({
            inline: "
                package patchmon:host-v0-1-0;
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
            path: ["../../wit/common/0.1.0"],
        });
    }

    pub(crate) mod collector {
        wasmtime::component::bindgen!({
            world: "patchmon:collector/collector@0.1.0",
            path: ["../../wit/common/0.1.0", "../../wit/collector/0.1.0"],
            with: { "patchmon:common": crate::bindings::v0_1_0::common::patchmon::common },
        });
    }

    pub(crate) mod notifier {
        wasmtime::component::bindgen!({
            world: "patchmon:notifier/notifier@0.1.0",
            path: ["../../wit/common/0.1.0", "../../wit/notifier/0.1.0"],
            with: { "patchmon:common": crate::bindings::v0_1_0::common::patchmon::common },
        });
    }

    pub(crate) mod integration {
        wasmtime::component::bindgen!({
            world: "patchmon:integration/integration@0.1.0",
            path: ["../../wit/common/0.1.0", "../../wit/integration/0.1.0"],
            with: { "patchmon:common": crate::bindings::v0_1_0::common::patchmon::common },
        });
    }

    pub(crate) mod scanner {
        wasmtime::component::bindgen!({
            world: "patchmon:scanner/scanner@0.1.0",
            path: ["../../wit/common/0.1.0", "../../wit/scanner/0.1.0"],
            with: { "patchmon:common": crate::bindings::v0_1_0::common::patchmon::common },
        });
    }
}
