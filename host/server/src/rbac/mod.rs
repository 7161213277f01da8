//! Roles and permissions: the built-in roles, custom roles, and the rank rules that stop anyone
//! granting more than they hold.

mod permission;
mod routes;

pub use permission::*;
pub use routes::routes;

use crate::auth::CurrentUser;
use crate::store::{new_id, now, Store, StoreResult};
use crate::{exec, with_db};

/// Inserts each built-in role that is missing; existing rows (possibly customised) are kept.
pub async fn seed_built_in_roles(store: &Store) -> StoreResult<()> {
    for role in BUILT_IN_ROLES {
        let permissions = built_in_permissions(role).expect("built-in role");
        insert_role(store, role, &permissions, true).await?;
    }
    Ok(())
}

/// Inserts a role; with `if_absent`, an existing row is left as it is.
pub async fn insert_role(
    store: &Store,
    role: &str,
    p: &Permissions,
    if_absent: bool,
) -> StoreResult<()> {
    let placeholders: Vec<String> = (4..4 + Permission::ALL.len())
        .map(|i| format!("${i}"))
        .collect();
    let conflict = if if_absent {
        "DO NOTHING".to_string()
    } else {
        let sets: Vec<String> = Permission::ALL
            .iter()
            .map(|f| format!("{0} = excluded.{0}", f.as_str()))
            .collect();
        format!(
            "DO UPDATE SET {}, updated_at = excluded.updated_at",
            sets.join(", ")
        )
    };
    let sql = format!(
        "INSERT INTO role_permissions (id, role, created_at, updated_at, {cols}) VALUES ($1, $2, $3, $3, {vals}) \
         ON CONFLICT (role) {conflict}",
        cols = PERMISSION_COLUMNS.trim_end_matches(','),
        vals = placeholders.join(", "),
    );
    exec!(store, |db| {
        let mut query = sqlx::query(&sql).bind(new_id()).bind(role).bind(now());
        for flag in Permission::ALL {
            query = query.bind(p.has(*flag));
        }
        query.execute(db).await
    })?;
    Ok(())
}

/// The permissions of a role. Admin roles without a row keep full access (a damaged table must
/// not lock administrators out); other roles without a row have none.
pub async fn permissions_of(store: &Store, role: &str) -> Result<Option<Permissions>, sqlx::Error> {
    let sql = format!(
        "SELECT {} FROM role_permissions WHERE role = $1",
        PERMISSION_COLUMNS.trim_end_matches(',')
    );
    let row = with_db!(store, |db| sqlx::query_as::<_, Permissions>(&sql)
        .bind(role)
        .fetch_optional(db)
        .await)?;
    Ok(row.or_else(|| is_admin_role(role).then(Permissions::all)))
}

pub async fn role_exists(store: &Store, role: &str) -> Result<bool, sqlx::Error> {
    let count: i64 = with_db!(store, |db| sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_permissions WHERE role = $1"
    )
    .bind(role)
    .fetch_one(db)
    .await)?;
    Ok(count > 0)
}

/// PatchMon's assignment rule: superadmin needs a superadmin (or a non-admin role holding
/// can_manage_superusers); admin needs a superadmin; any other role needs rank ≥ that role's.
pub fn can_assign_role(actor: &CurrentUser, target_role: &str) -> bool {
    match target_role {
        SUPERADMIN => {
            actor.role == SUPERADMIN
                || (actor.role != ADMIN && actor.permissions.can_manage_superusers)
        }
        ADMIN => actor.role == SUPERADMIN,
        other => rank(&actor.role) >= rank(other),
    }
}

/// Whether `actor` may act on a user whose role is `target_role` at all.
pub fn may_act_on(actor: &CurrentUser, target_role: &str) -> bool {
    rank(target_role) <= rank(&actor.role)
}
