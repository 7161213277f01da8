//! The agent's one error type.

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("{0}")]
    Config(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("request to {url} failed: {source}")]
    Http { url: String, source: reqwest::Error },
    #[error("server returned {status}: {body}")]
    Server { status: u16, body: String },
    #[error("invalid response from server: {0}")]
    Protocol(String),
    #[error("WebSocket: {0}")]
    WebSocket(#[from] Box<tokio_tungstenite::tungstenite::Error>),
    #[error("collector {collector}: {message}")]
    Collector { collector: String, message: String },
    #[error("update refused: {0}")]
    Update(String),
    #[error("this command must be run as root")]
    NotRoot,
}

impl AgentError {
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> AgentError {
        AgentError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

pub type Result<T, E = AgentError> = std::result::Result<T, E>;
