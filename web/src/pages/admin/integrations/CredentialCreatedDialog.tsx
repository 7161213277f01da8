import { CopyButton, CopyField } from "../../../components/CopyButton";
import { Modal } from "../../../components/Modal";
import { Notice } from "../../../components/States";
import { basicAuthHeader, enrollmentCommand, homepageYaml, prometheusScrapeConfig, scopeSummary, typeLabel } from "./integrationLogic";
import type { CreatedCredential } from "./NewCredentialDialog";

function Snippet({ label, text, copyLabel }: { label: string; text: string; copyLabel: string }) {
  const multiline = text.includes("\n");
  return (
    <div className="form-field">
      <label>{label}</label>
      <pre className={`command${multiline ? " snippet" : ""}`} aria-label={label}>
        {text}
      </pre>
      <div>
        <CopyButton text={text} label={copyLabel} />
      </div>
    </div>
  );
}

/** Shows a new credential's key and secret: the only time the secret is available. */
export function CredentialCreatedDialog({ result, onClose }: { result: CreatedCredential; onClose: () => void }) {
  const { type, created } = result;
  const { token_key: key, token_secret: secret } = created.token;
  const server = window.location.origin;
  return (
    <Modal
      title={`Credential “${created.token.token_name}” created`}
      wide
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <Notice kind="info">Copy the secret now. You will not see the secret again: the server keeps only a hash of it.</Notice>
      <p className="muted small">
        {typeLabel(type)}
        {created.token.scopes ? ` · scopes ${scopeSummary(created.token.scopes)}` : ""}
      </p>
      <CopyField label="Key" value={key} />
      <CopyField label="Secret" value={secret} />
      {type === "api" && (
        <Snippet
          label="Example request"
          copyLabel="Copy example"
          text={`curl -s -H "Authorization: ${basicAuthHeader(key, secret)}" "${server}/api/v1/api/hosts"`}
        />
      )}
      {type === "gethomepage" && <Snippet label="Homepage widget (services.yaml)" copyLabel="Copy YAML" text={homepageYaml(server, key, secret)} />}
      {type === "prometheus" && (
        <Snippet label="Scrape job (prometheus.yml)" copyLabel="Copy YAML" text={prometheusScrapeConfig(server, key, secret)} />
      )}
      {(type === "proxmox-lxc" || type === "direct-host") && (
        <Snippet
          label={type === "proxmox-lxc" ? "Enrollment command (run as root on the Proxmox node)" : "Enrollment command (run as root on the host)"}
          copyLabel="Copy command"
          text={enrollmentCommand(server, type, key, secret)}
        />
      )}
    </Modal>
  );
}
