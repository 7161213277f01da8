//! A JSON document built once and answered many times, with its gzip encoding made on first
//! request, so reusing it costs neither serialisation nor compression.

use std::io::Write;
use std::sync::OnceLock;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use flate2::write::GzEncoder;
use flate2::Compression;

pub struct CachedJson {
    json: Bytes,
    gzip: OnceLock<Option<Bytes>>,
}

impl CachedJson {
    pub fn new(value: &impl serde::Serialize) -> Result<CachedJson, serde_json::Error> {
        Ok(CachedJson {
            json: Bytes::from(serde_json::to_vec(value)?),
            gzip: OnceLock::new(),
        })
    }

    fn gzip(&self) -> Option<&Bytes> {
        self.gzip
            .get_or_init(|| {
                let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
                encoder.write_all(&self.json).ok()?;
                encoder.finish().ok().map(Bytes::from)
            })
            .as_ref()
    }

    /// The document, gzip-encoded when the request accepts it. The global compression layer
    /// leaves a response that already has a `Content-Encoding` alone.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let json = HeaderValue::from_static("application/json");
        let vary = [(header::VARY, HeaderValue::from_static("accept-encoding"))];
        match self.gzip().filter(|_| accepts_gzip(request)) {
            Some(gzip) => (
                [
                    (header::CONTENT_TYPE, json),
                    (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
                ],
                vary,
                Body::from(gzip.clone()),
            )
                .into_response(),
            None => (
                [(header::CONTENT_TYPE, json)],
                vary,
                Body::from(self.json.clone()),
            )
                .into_response(),
        }
    }
}

/// `Accept-Encoding` lists gzip (or `*`) without `q=0`.
fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        map
    }

    #[test]
    fn gzip_is_sent_only_to_clients_that_accept_it() {
        assert!(accepts_gzip(&headers("gzip, deflate, br")));
        assert!(accepts_gzip(&headers("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&headers("*")));
        assert!(!accepts_gzip(&headers("gzip;q=0, br")));
        assert!(!accepts_gzip(&headers("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn the_gzip_encoding_decodes_to_the_document() {
        use std::io::Read;
        let doc = CachedJson::new(&serde_json::json!({"hosts": vec!["a"; 100]})).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&doc.gzip().unwrap()[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text.as_bytes(), &doc.json[..]);
    }
}
