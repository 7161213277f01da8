//! `cargo run -p patchmon-plugin-scaffold --example scaffold -- <kind> <name> <dest-dir> <sdk-path>`
//! Used by `scripts/build-plugins.sh` to check that scaffolded crates build.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, name, dest, sdk] = args.as_slice() else {
        eprintln!("usage: scaffold <kind> <name> <dest-dir> <sdk-path>");
        std::process::exit(2);
    };
    match patchmon_plugin_scaffold::scaffold(kind, name, dest.as_ref(), sdk.as_ref()) {
        Ok(files) => files.iter().for_each(|f| println!("wrote {}", f.display())),
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    }
}
