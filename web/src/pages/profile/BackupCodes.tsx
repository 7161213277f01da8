import { CopyButton } from "../../components/CopyButton";
import { Notice } from "../../components/States";

function download(codes: string[]) {
  const blob = new Blob([`PatchMon backup codes\n\n${codes.join("\n")}\n`], { type: "text/plain" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = "patchmon-backup-codes.txt";
  link.click();
  URL.revokeObjectURL(url);
}

/** Shown once: each code signs in a single time when the authenticator is not at hand. */
export function BackupCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div className="stack">
      <Notice kind="info">Save these backup codes somewhere safe. Each works once, and they will not be shown again.</Notice>
      <div className="codes" aria-label="Backup codes">
        {codes.map((code) => (
          <code key={code}>{code}</code>
        ))}
      </div>
      <div className="actions">
        <CopyButton text={codes.join("\n")} label="Copy codes" />
        <button type="button" className="btn btn-small" onClick={() => download(codes)}>
          Download
        </button>
        <button type="button" className="btn btn-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
