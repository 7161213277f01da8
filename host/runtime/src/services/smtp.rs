//! Mail through an SMTP relay with lettre. Credentials stay on the host.

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};

use super::{MailMessage, Mailer, ServiceError};

/// How to secure the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text (only for a relay on localhost or a trusted network).
    None,
    /// Upgrade with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Relay settings an administrator configures on the server.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// Relay host name.
    pub host: String,
    /// Relay port.
    pub port: u16,
    /// Connection security.
    pub security: SmtpSecurity,
    /// Login, if the relay needs one.
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
    /// Sender address, e.g. `PatchMon <patchmon@example.com>`.
    pub from: String,
}

/// A [`Mailer`] sending through one SMTP relay.
pub struct SmtpMailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl SmtpMailer {
    /// Build the transport; fails on an invalid sender or TLS setup.
    pub fn new(settings: &SmtpSettings) -> Result<Self, ServiceError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| ServiceError(format!("invalid sender address: {e}")))?;
        let builder = match settings.security {
            SmtpSecurity::None => SmtpTransport::builder_dangerous(&settings.host),
            SmtpSecurity::StartTls => SmtpTransport::starttls_relay(&settings.host)
                .map_err(|e| ServiceError(format!("STARTTLS setup failed: {e}")))?,
            SmtpSecurity::Tls => SmtpTransport::relay(&settings.host)
                .map_err(|e| ServiceError(format!("TLS setup failed: {e}")))?,
        };
        let mut builder = builder.port(settings.port);
        if let (Some(user), Some(pass)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, plugin_id: &str, message: &MailMessage) -> Result<(), ServiceError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(&message.subject);
        for to in &message.to {
            let mailbox: Mailbox = to
                .parse()
                .map_err(|e| ServiceError(format!("invalid recipient {to}: {e}")))?;
            builder = builder.to(mailbox);
        }
        let email = builder
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| ServiceError(format!("cannot build message: {e}")))?;
        self.transport
            .send(&email)
            .map_err(|e| ServiceError(format!("SMTP delivery failed: {e}")))?;
        tracing::info!(
            plugin = plugin_id,
            recipients = message.to.len(),
            "mail sent"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// Speak just enough SMTP to accept one message and return its DATA.
    fn fake_relay(listener: TcpListener) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut out = stream;
            let mut data = String::new();
            let mut in_data = false;
            out.write_all(b"220 fake ESMTP\r\n").unwrap();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 0 {
                if in_data {
                    if line == ".\r\n" {
                        in_data = false;
                        out.write_all(b"250 queued\r\n").unwrap();
                    } else {
                        data.push_str(&line);
                    }
                } else {
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 fake\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            out.write_all(b"221 bye\r\n").unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    out.write_all(reply).unwrap();
                }
                line.clear();
            }
            data
        })
    }

    #[test]
    fn delivers_through_a_plain_relay() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let relay = fake_relay(listener);
        let mailer = SmtpMailer::new(&SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "PatchMon <patchmon@example.com>".into(),
        })
        .unwrap();
        let message = MailMessage {
            to: vec!["ops@example.com".into()],
            subject: "3 hosts need security updates".into(),
            body: "web-1, web-2, db-1".into(),
        };
        mailer.send("notifier-email", &message).unwrap();
        drop(mailer);
        let data = relay.join().unwrap();
        assert!(
            data.contains("Subject: 3 hosts need security updates"),
            "{data}"
        );
        assert!(data.contains("To: ops@example.com"), "{data}");
        assert!(data.contains("web-1, web-2, db-1"), "{data}");
    }
}
