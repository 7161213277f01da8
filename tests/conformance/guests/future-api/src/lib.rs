//! A component exporting `patchmon:notifier/plugin@0.9.0`, a version no host
//! has released. The runtime must refuse it before instantiation.

wit_bindgen::generate!({
    inline: "
        package patchmon:notifier@0.9.0;
        interface plugin {
            deliver-everything: func() -> string;
        }
        world notifier {
            export plugin;
        }
    ",
});

struct Future;

impl exports::patchmon::notifier::plugin::Guest for Future {
    fn deliver_everything() -> String {
        "from the future".into()
    }
}

// Native builds export nothing: component ABI symbol names do not link natively.
#[cfg(target_arch = "wasm32")]
export!(Future);
#[cfg(not(target_arch = "wasm32"))]
const _: () = {
    let _ = <Future as exports::patchmon::notifier::plugin::Guest>::deliver_everything;
};
