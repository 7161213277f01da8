import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../../api";
import { useAuth } from "../../auth/AuthProvider";
import { CopyField } from "../../components/CopyButton";
import { ErrorState, errorText, Loading, Notice } from "../../components/States";
import { Badge } from "../../components/StatusBadge";
import { BackupCodes } from "./BackupCodes";

interface TfaStatus {
  enabled: boolean;
  hasBackupCodes: boolean;
}

interface TfaSetup {
  secret: string;
  qrCode: string;
  manualEntryKey: string;
}

type Step = { kind: "idle" } | { kind: "setup"; setup: TfaSetup } | { kind: "codes"; codes: string[] } | { kind: "disable" };

export function TwoFactorPanel() {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ["tfa-status"], queryFn: () => api.get<TfaStatus>("/tfa/status") });
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [token, setToken] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await action();
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const refreshStatus = () => void queryClient.invalidateQueries({ queryKey: ["tfa-status"] });

  if (status.isLoading) return <Loading />;
  if (status.isError) return <ErrorState error={status.error} onRetry={() => void status.refetch()} />;

  if (step.kind === "codes") {
    return (
      <div className="card" style={{ maxWidth: 560 }}>
        <BackupCodes codes={step.codes} onDone={() => setStep({ kind: "idle" })} />
      </div>
    );
  }

  if (step.kind === "setup") {
    const verify = (event: FormEvent) => {
      event.preventDefault();
      void run(async () => {
        const result = await api.post<{ backupCodes: string[] }>("/tfa/verify-setup", { token: token.trim() });
        setToken("");
        refreshStatus();
        setStep({ kind: "codes", codes: result.backupCodes });
      });
    };
    return (
      <form className="card form" style={{ maxWidth: 560 }} onSubmit={verify}>
        <h2>Set up two-factor authentication</h2>
        <p>1. Scan this QR code with an authenticator app (Google Authenticator, Authy, 1Password…).</p>
        <img src={step.setup.qrCode} alt="QR code for your authenticator app" width={200} height={200} style={{ background: "#fff", padding: 8, borderRadius: 8 }} />
        <p className="muted">Can't scan it? Enter this key manually:</p>
        <CopyField label="Key" value={step.setup.manualEntryKey} />
        <div className="form-field">
          <label htmlFor="tfa-verify">2. Enter the 6-digit code from the app</label>
          <input id="tfa-verify" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required value={token} onChange={(event) => setToken(event.target.value.replace(/\s/g, ""))} />
        </div>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
        <div className="actions">
          <button type="button" className="btn" onClick={() => setStep({ kind: "idle" })}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || token.length !== 6}>
            Verify and enable
          </button>
        </div>
      </form>
    );
  }

  const enabled = status.data?.enabled ?? false;
  return (
    <div className="card stack" style={{ maxWidth: 560 }}>
      <p>Two-factor authentication: {enabled ? <Badge tone="ok">Enabled</Badge> : <Badge tone="warn">Disabled</Badge>}</p>
      {!enabled && (
        <div>
          <p className="muted">Protect your account with a time-based code from an authenticator app in addition to your password.</p>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => run(async () => setStep({ kind: "setup", setup: await api.get<TfaSetup>("/tfa/setup", { userAction: true }) }))}>
            Enable two-factor authentication
          </button>
        </div>
      )}
      {enabled && (
        <>
          <div>
            <h3>Backup codes</h3>
            <p className="muted">{status.data?.hasBackupCodes ? "You have unused backup codes." : "You have no backup codes left."} Generating new codes invalidates the old ones.</p>
            <button type="button" className="btn" disabled={busy} onClick={() => run(async () => setStep({ kind: "codes", codes: (await api.post<{ backupCodes: string[] }>("/tfa/regenerate-backup-codes")).backupCodes }))}>
              Regenerate backup codes
            </button>
          </div>
          {user?.has_password !== false && (
            <div>
              <h3>Disable</h3>
              {step.kind === "disable" ? (
                <form
                  className="form"
                  onSubmit={(event) => {
                    event.preventDefault();
                    void run(async () => {
                      await api.post("/tfa/disable", { password });
                      setPassword("");
                      setStep({ kind: "idle" });
                      refreshStatus();
                      setMessage({ kind: "success", text: "Two-factor authentication disabled" });
                    });
                  }}
                >
                  <div className="form-field">
                    <label htmlFor="tfa-disable-password">Confirm with your password</label>
                    <input id="tfa-disable-password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
                  </div>
                  <div className="actions">
                    <button type="button" className="btn" onClick={() => setStep({ kind: "idle" })}>
                      Cancel
                    </button>
                    <button type="submit" className="btn btn-danger" disabled={busy || !password}>
                      Disable two-factor authentication
                    </button>
                  </div>
                </form>
              ) : (
                <button type="button" className="btn btn-danger" onClick={() => setStep({ kind: "disable" })}>
                  Disable two-factor authentication
                </button>
              )}
            </div>
          )}
        </>
      )}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
    </div>
  );
}
