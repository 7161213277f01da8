//! A real, minimal SMTP server on 127.0.0.1 (no TLS, no authentication) that accepts every
//! message and keeps it, so mail delivery can be tested end to end.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// One message as the relay received it.
#[derive(Clone, Debug, Default)]
pub struct ReceivedMail {
    /// The `MAIL FROM` address.
    pub from: String,
    /// The `RCPT TO` addresses.
    pub to: Vec<String>,
    /// Headers and body, dot-unstuffed, lines joined with `\r\n`.
    pub data: String,
}

#[derive(Default)]
struct Inbox {
    mails: Mutex<Vec<ReceivedMail>>,
    arrived: Condvar,
}

/// The running relay; its threads end with the test process.
pub struct SmtpReceiver {
    addr: SocketAddr,
    inbox: Arc<Inbox>,
}

impl SmtpReceiver {
    /// Listen on an ephemeral port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let inbox = Arc::new(Inbox::default());
        let accept_inbox = inbox.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let inbox = accept_inbox.clone();
                thread::spawn(move || {
                    let _ = session(stream, &inbox);
                });
            }
        });
        SmtpReceiver { addr, inbox }
    }

    /// The port the relay listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Wait until at least `count` messages arrived or `timeout` passed.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        let mut mails = self.inbox.mails.lock().unwrap();
        while mails.len() < count {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            mails = self.inbox.arrived.wait_timeout(mails, left).unwrap().0;
        }
        mails.clone()
    }
}

fn address(argument: &str) -> String {
    let start = argument.find('<').map_or(0, |i| i + 1);
    let end = argument.rfind('>').unwrap_or(argument.len());
    argument[start..end.max(start)].to_string()
}

fn session(stream: TcpStream, inbox: &Inbox) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    writer.write_all(b"220 localhost test relay\r\n")?;
    let mut current = ReceivedMail::default();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let verb = command.split(' ').next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-localhost\r\n250 8BITMIME\r\n",
            "HELO" | "RSET" | "NOOP" => b"250 OK\r\n",
            "MAIL" => {
                current.from = address(command);
                b"250 OK\r\n"
            }
            "RCPT" => {
                current.to.push(address(command));
                b"250 OK\r\n"
            }
            "DATA" => {
                writer.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut lines = Vec::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    let text = line.trim_end_matches(['\r', '\n']);
                    if text == "." {
                        break;
                    }
                    lines.push(text.strip_prefix('.').unwrap_or(text).to_string());
                }
                current.data = lines.join("\r\n");
                inbox
                    .mails
                    .lock()
                    .unwrap()
                    .push(std::mem::take(&mut current));
                inbox.arrived.notify_all();
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                writer.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => b"502 command not implemented\r\n",
        };
        writer.write_all(reply)?;
    }
}
