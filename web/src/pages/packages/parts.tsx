import { Link } from "react-router-dom";
import type { SourceRepo } from "../../api/types";
import { Badge } from "../../components/StatusBadge";
import type { PackageStatus } from "./packageListState";

export function PackageStatusBadge({ status }: { status: PackageStatus }) {
  if (status === "security") return <Badge tone="danger">Security update</Badge>;
  if (status === "update") return <Badge tone="warn">Update available</Badge>;
  return <Badge tone="ok">Up to date</Badge>;
}

/** One status for a single install (a host's copy of a package). */
export function installStatus(install: { needsUpdate: boolean; isSecurityUpdate: boolean }): PackageStatus {
  if (!install.needsUpdate) return "current";
  return install.isSecurityUpdate ? "security" : "update";
}

/** Repository chips linking to each repository; more than `max` collapse into "+N". */
export function SourceRepoChips({ repos, max = 3 }: { repos: SourceRepo[]; max?: number }) {
  if (repos.length === 0) return <span className="muted">—</span>;
  const shown = repos.slice(0, max);
  const rest = repos.length - shown.length;
  return (
    <span className="chip-list">
      {shown.map((repo) => (
        <Link key={repo.repoId} to={`/repositories/${repo.repoId}`} className="repo-chip" title={repo.repoUrl}>
          {repo.repoName}
        </Link>
      ))}
      {rest > 0 && (
        <span className="repo-chip repo-chip-more" title={repos.slice(max).map((repo) => repo.repoName).join("\n")}>
          +{rest}
        </span>
      )}
    </span>
  );
}
