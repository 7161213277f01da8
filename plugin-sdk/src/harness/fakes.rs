//! Recorded command transcripts and fake HTTP answers.

use serde::Deserialize;

use crate::host::{CapabilityError, HttpResponse};

/// One recorded command and what it printed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RecordedCommand {
    /// Program followed by its arguments, exactly as the plugin passes them.
    pub argv: Vec<String>,
    /// Standard output.
    #[serde(default)]
    pub stdout: String,
    /// Standard error.
    #[serde(default)]
    pub stderr: String,
    /// Exit status.
    #[serde(default)]
    pub exit_code: i32,
}

/// A set of recorded commands, usually kept in a TOML file next to the test:
///
/// ```toml
/// [[command]]
/// argv = ["dpkg-query", "-W", "-f=${Package}\t${Version}\n"]
/// stdout = "bash\t5.2.15-2+b2\n"
/// exit_code = 0
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Transcript {
    /// The commands.
    #[serde(default, rename = "command")]
    pub commands: Vec<RecordedCommand>,
}

impl Transcript {
    /// Parse transcript TOML.
    pub fn from_toml(text: &str) -> Result<Self, crate::SdkError> {
        toml::from_str(text).map_err(|e| crate::SdkError::Transcript(e.to_string()))
    }

    /// Read a transcript file.
    pub fn from_file(path: &std::path::Path) -> Result<Self, crate::SdkError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::SdkError::Transcript(format!("{}: {e}", path.display())))?;
        Self::from_toml(&text)
    }

    /// The recording for exactly this command line.
    pub fn find(&self, argv: &[String]) -> Option<&RecordedCommand> {
        self.commands.iter().find(|c| c.argv == argv)
    }
}

/// A canned HTTP answer for requests with a given method and URL.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeResponse {
    method: String,
    url: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    error: Option<CapabilityError>,
}

impl FakeResponse {
    /// A `200` with an empty body for `method url`.
    pub fn new(method: &str, url: &str) -> Self {
        FakeResponse {
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            status: 200,
            headers: Vec::new(),
            body: Vec::new(),
            error: None,
        }
    }

    /// Answer with this status.
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Add a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Answer with this body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Fail the request with a capability error instead of answering.
    pub fn fail(mut self, error: CapabilityError) -> Self {
        self.error = Some(error);
        self
    }

    pub(crate) fn matches(&self, method: &str, url: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.url == url
    }

    pub(crate) fn to_response(&self) -> Result<HttpResponse, CapabilityError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        Ok(HttpResponse {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone(),
        })
    }
}
