//! Simulated agents against a running PatchMon server: enrolment, full reports, hash-gated
//! check-ins and open WebSockets, each phase summarised as latency percentiles and errors.
//! `bench/agent-load.sh` starts a server and runs this; see docs/benchmarks.md.

mod fleet;
mod latency;
mod phases;

use std::time::Duration;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(about = "Simulated PatchMon agents for load measurements")]
pub struct Args {
    /// Server base URL, e.g. http://127.0.0.1:3000
    #[arg(long)]
    pub server: String,
    /// An administrator's bearer token (to create the simulated hosts).
    #[arg(long, env = "PATCHMON_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Hosts that report and check in.
    #[arg(long, default_value_t = 1000)]
    pub hosts: usize,
    /// Packages per report.
    #[arg(long, default_value_t = 2000)]
    pub packages: usize,
    /// Length of the timed phases (steady state, open WebSockets).
    #[arg(long, default_value_t = 15)]
    pub seconds: u64,
    /// First reports in flight at once during enrolment.
    #[arg(long, default_value_t = 32)]
    pub enrol_in_flight: usize,
    /// Seconds between one host's check-ins in the steady state.
    #[arg(long, default_value_t = 10.0)]
    pub checkin_every: f64,
    /// Changed full reports per second in the steady state.
    #[arg(long, default_value_t = 20.0)]
    pub report_rate: f64,
    /// WebSockets to open and hold (hosts beyond `--hosts` are created for them); 0 skips.
    #[arg(long, default_value_t = 0)]
    pub websockets: usize,
}

impl Args {
    fn phase_length(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(message) = phases::run(&args).await {
        eprintln!("agent-load: {message}");
        std::process::exit(1);
    }
}
