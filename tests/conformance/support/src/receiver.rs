//! A minimal HTTP/1.1 server on 127.0.0.1 that records every request and
//! answers with a fixed status. Keep-alive is supported because the runtime's
//! client reuses connections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// One request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// Method.
    pub method: String,
    /// Request target (path and query).
    pub path: String,
    /// Headers in arrival order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// First header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<ReceivedRequest>>,
    arrived: Condvar,
    stop: AtomicBool,
    status: AtomicU16,
    record: AtomicBool,
}

/// The running receiver; stops when dropped.
pub struct HttpReceiver {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_thread: Option<thread::JoinHandle<()>>,
}

impl HttpReceiver {
    /// Listen on an ephemeral port, answering `status` to everything.
    pub fn start(status: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared::default());
        shared.status.store(status, Ordering::Relaxed);
        shared.record.store(true, Ordering::Relaxed);
        let accept_shared = shared.clone();
        let accept_thread = thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_shared.stop.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(stream) = stream {
                    let conn_shared = accept_shared.clone();
                    thread::spawn(move || serve(stream, &conn_shared));
                }
            }
        });
        HttpReceiver {
            addr,
            shared,
            accept_thread: Some(accept_thread),
        }
    }

    /// `host:port` of the receiver.
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Change the status answered from now on.
    pub fn set_status(&self, status: u16) {
        self.shared.status.store(status, Ordering::Relaxed);
    }

    /// Keep (true) or only count (false) requests; benchmarks turn recording off.
    pub fn set_recording(&self, record: bool) {
        self.shared.record.store(record, Ordering::Relaxed);
    }

    /// Requests received so far.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Wait until at least `count` requests arrived or `timeout` passed.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedRequest> {
        let deadline = Instant::now() + timeout;
        let mut requests = self.shared.requests.lock().unwrap();
        while requests.len() < count {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            requests = self.shared.arrived.wait_timeout(requests, left).unwrap().0;
        }
        requests.clone()
    }
}

impl Drop for HttpReceiver {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        // Wake the blocking accept so the thread sees the stop flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(handle) = self.accept_thread.take() {
            let _ = handle.join();
        }
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader) {
        if shared.record.load(Ordering::Relaxed) {
            shared.requests.lock().unwrap().push(request);
        } else {
            // Counting only: keep a cheap placeholder so counts stay right.
            shared.requests.lock().unwrap().push(ReceivedRequest {
                method: request.method,
                path: String::new(),
                headers: Vec::new(),
                body: Vec::new(),
            });
        }
        shared.arrived.notify_all();
        let status = shared.status.load(Ordering::Relaxed);
        let response = format!(
            "HTTP/1.1 {status} Status\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok"
        );
        if writer.write_all(response.as_bytes()).is_err() || shared.stop.load(Ordering::Relaxed) {
            break;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<ReceivedRequest> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(ReceivedRequest {
        method,
        path,
        headers,
        body,
    })
}
