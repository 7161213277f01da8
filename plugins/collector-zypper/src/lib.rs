//! The zypper collector plugin: `patchmon_collector_core::guest` for `Manager::Zypper`.
//! Embedded in the agent and served to agents by the server; `plugin.toml` lists exactly what
//! it may run and read.

patchmon_collector_core::collector_plugin!(Zypper);
