//! PatchMon's twenty permission flags and the five built-in roles.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Declares the flag enum and the flag struct together so they cannot drift apart.
macro_rules! permissions {
    ($($variant:ident => $field:ident),+ $(,)?) => {
        /// One permission flag; its name is the `role_permissions` column.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Permission { $($variant),+ }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Permission::$variant => stringify!($field)),+ }
            }
        }

        /// The flags a role holds.
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, sqlx::FromRow)]
        pub struct Permissions { $(pub $field: bool),+ }

        impl Permissions {
            pub fn has(&self, permission: Permission) -> bool {
                match permission { $(Permission::$variant => self.$field),+ }
            }

            pub fn set(&mut self, permission: Permission, value: bool) {
                match permission { $(Permission::$variant => self.$field = value),+ }
            }

            pub fn all() -> Permissions {
                Permissions { $($field: true),+ }
            }
        }

        /// The flag columns, comma separated, for SELECT lists.
        pub const PERMISSION_COLUMNS: &str = concat!($(stringify!($field), ","),+);
    };
}

permissions! {
    ViewDashboard => can_view_dashboard,
    ViewHosts => can_view_hosts,
    ManageHosts => can_manage_hosts,
    ViewPackages => can_view_packages,
    ManagePackages => can_manage_packages,
    ViewUsers => can_view_users,
    ManageUsers => can_manage_users,
    ManageSuperusers => can_manage_superusers,
    ViewReports => can_view_reports,
    ExportData => can_export_data,
    ManageSettings => can_manage_settings,
    ManageNotifications => can_manage_notifications,
    ViewNotificationLogs => can_view_notification_logs,
    ManagePatching => can_manage_patching,
    ManageCompliance => can_manage_compliance,
    ManageDocker => can_manage_docker,
    ManageAlerts => can_manage_alerts,
    ManageAutomation => can_manage_automation,
    UseRemoteAccess => can_use_remote_access,
    ManageBilling => can_manage_billing,
}

pub const SUPERADMIN: &str = "superadmin";
pub const ADMIN: &str = "admin";
pub const HOST_MANAGER: &str = "host_manager";
pub const USER: &str = "user";
pub const READONLY: &str = "readonly";

pub const BUILT_IN_ROLES: &[&str] = &[SUPERADMIN, ADMIN, HOST_MANAGER, USER, READONLY];

/// Built-in roles whose permissions cannot be edited (host_manager and readonly can be, as upstream).
pub const LOCKED_ROLES: &[&str] = &[SUPERADMIN, ADMIN, USER];

/// The permissions each built-in role is seeded with.
pub fn built_in_permissions(role: &str) -> Option<Permissions> {
    use Permission::*;
    let granted: &[Permission] = match role {
        SUPERADMIN => Permission::ALL,
        ADMIN => &[
            ViewDashboard,
            ViewHosts,
            ManageHosts,
            ViewPackages,
            ManagePackages,
            ViewUsers,
            ManageUsers,
            ViewReports,
            ExportData,
            ManageSettings,
            ManageNotifications,
            ViewNotificationLogs,
            ManagePatching,
            ManageCompliance,
            ManageDocker,
            ManageAlerts,
            ManageAutomation,
            UseRemoteAccess,
            ManageBilling,
        ],
        HOST_MANAGER => &[
            ViewDashboard,
            ViewHosts,
            ManageHosts,
            ViewPackages,
            ManagePackages,
            ViewReports,
            ExportData,
            ManageNotifications,
            ManagePatching,
            ManageCompliance,
            ManageDocker,
            ManageAlerts,
            ManageAutomation,
            UseRemoteAccess,
        ],
        USER => &[
            ViewDashboard,
            ViewHosts,
            ViewPackages,
            ViewReports,
            ExportData,
        ],
        READONLY => &[ViewDashboard, ViewHosts, ViewPackages, ViewReports],
        _ => return None,
    };
    let mut permissions = Permissions::default();
    for p in granted {
        permissions.set(*p, true);
    }
    Some(permissions)
}

/// Privilege rank: nobody may act on, or grant, a role ranked above their own.
pub fn rank(role: &str) -> u8 {
    match role {
        SUPERADMIN => 100,
        ADMIN => 90,
        HOST_MANAGER => 50,
        USER => 20,
        READONLY => 10,
        _ => 30,
    }
}

pub fn is_admin_role(role: &str) -> bool {
    role == SUPERADMIN || role == ADMIN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_roles_match_patchmon() {
        let admin = built_in_permissions(ADMIN).unwrap();
        assert!(admin.can_manage_settings && !admin.can_manage_superusers);
        let host_manager = built_in_permissions(HOST_MANAGER).unwrap();
        assert!(host_manager.can_manage_hosts && !host_manager.can_view_users);
        assert!(!host_manager.can_manage_settings && !host_manager.can_view_notification_logs);
        let user = built_in_permissions(USER).unwrap();
        assert!(user.can_export_data && !user.can_manage_hosts);
        let readonly = built_in_permissions(READONLY).unwrap();
        assert!(readonly.can_view_hosts && !readonly.can_export_data);
        assert_eq!(
            built_in_permissions(SUPERADMIN).unwrap(),
            Permissions::all()
        );
        assert!(built_in_permissions("auditor").is_none());
    }

    #[test]
    fn ranks_order_roles() {
        assert!(rank(SUPERADMIN) > rank(ADMIN));
        assert!(rank(ADMIN) > rank(HOST_MANAGER));
        assert!(rank(HOST_MANAGER) > rank("custom"));
        assert!(rank("custom") > rank(USER));
        assert!(rank(USER) > rank(READONLY));
    }
}
