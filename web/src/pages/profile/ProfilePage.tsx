import { useSearchParams } from "react-router-dom";
import { Tabs, type TabDef } from "../../components/Tabs";
import { ChangePasswordForm } from "./ChangePasswordForm";
import { ProfileForm } from "./ProfileForm";
import { SessionsPanel, TrustedDevicesPanel } from "./SessionsPanel";
import { TwoFactorPanel } from "./TwoFactorPanel";

type ProfileTab = "profile" | "password" | "tfa" | "sessions" | "devices";

const TABS: TabDef<ProfileTab>[] = [
  { key: "profile", label: "Profile" },
  { key: "password", label: "Password" },
  { key: "tfa", label: "Multi-factor authentication" },
  { key: "sessions", label: "Sessions" },
  { key: "devices", label: "Trusted devices" },
];

export default function ProfilePage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get("tab");
  const tab = TABS.find((t) => t.key === requested)?.key ?? "profile";
  return (
    <div className="page">
      <div className="page-header">
        <h1>My profile</h1>
      </div>
      <Tabs tabs={TABS} active={tab} onChange={(key) => setParams({ tab: key }, { replace: true })} />
      {tab === "profile" && <ProfileForm />}
      {tab === "password" && <ChangePasswordForm />}
      {tab === "tfa" && <TwoFactorPanel />}
      {tab === "sessions" && <SessionsPanel />}
      {tab === "devices" && <TrustedDevicesPanel />}
    </div>
  );
}
