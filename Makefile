# The two commands of the quick start: `make run` and `make test`.

.PHONY: run test web plugins agents lint bench

# Builds the dashboard (when Node is available), the first-party plugins, this machine's agent
# (served to hosts from ./agents) and the server (which embeds the dashboard and plugins), then
# serves on SQLite at http://localhost:3000 with data under ./data.
run: web plugins agents
	cargo run --release -p patchmon-server

# The whole test suite: web unit tests, then every Rust test on SQLite and, when PostgreSQL and
# Redis are reachable, on PostgreSQL + Redis too.
test:
	scripts/test.sh

web:
	scripts/build-web.sh

plugins:
	scripts/build-plugins.sh --first-party

agents: plugins
	scripts/build-agent.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
