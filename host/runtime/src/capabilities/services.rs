//! Capabilities backed by host services: `kv`, `mail`, `fleet-read`, `enroll`.

use super::CapError;
use crate::call::CallContext;
use crate::error::Capability;
use std::sync::Arc;

use crate::services::{
    Enrollment, EnrollmentRequest, FleetOverview, FleetReader, FleetStats, HostSummary,
    MailMessage, ServiceError,
};

fn failed(err: ServiceError) -> CapError {
    CapError::Failed(err.0)
}

fn require(ctx: &mut CallContext, capability: Capability, granted: bool) -> Result<(), CapError> {
    if granted {
        Ok(())
    } else {
        let detail = format!("the plugin has no {capability} grant");
        Err(CapError::Denied(ctx.deny(capability, detail)))
    }
}

fn unavailable(what: &str) -> CapError {
    CapError::Failed(format!("{what} is not available on this host"))
}

pub(crate) fn kv_get(ctx: &mut CallContext, key: &str) -> Result<Option<Vec<u8>>, CapError> {
    require(ctx, Capability::Kv, ctx.settings.grants.kv)?;
    ctx.services.kv.get(&ctx.plugin_id, key).map_err(failed)
}

pub(crate) fn kv_set(ctx: &mut CallContext, key: &str, value: &[u8]) -> Result<(), CapError> {
    require(ctx, Capability::Kv, ctx.settings.grants.kv)?;
    if value.len() > ctx.limits.kv_value_bytes || key.len() > 512 {
        return Err(CapError::TooLarge);
    }
    ctx.services
        .kv
        .set(&ctx.plugin_id, key, value)
        .map_err(failed)
}

pub(crate) fn kv_delete(ctx: &mut CallContext, key: &str) -> Result<(), CapError> {
    require(ctx, Capability::Kv, ctx.settings.grants.kv)?;
    ctx.services.kv.delete(&ctx.plugin_id, key).map_err(failed)
}

pub(crate) fn kv_list_keys(ctx: &mut CallContext, prefix: &str) -> Result<Vec<String>, CapError> {
    require(ctx, Capability::Kv, ctx.settings.grants.kv)?;
    ctx.services
        .kv
        .list_keys(&ctx.plugin_id, prefix)
        .map_err(failed)
}

pub(crate) fn mail_send(ctx: &mut CallContext, message: MailMessage) -> Result<(), CapError> {
    require(ctx, Capability::Mail, ctx.settings.grants.mail)?;
    let mailer = ctx
        .services
        .mailer
        .clone()
        .ok_or_else(|| unavailable("mail"))?;
    mailer.send(&ctx.plugin_id, &message).map_err(failed)
}

/// The fleet service, once the `fleet-read` grant is checked.
fn fleet(ctx: &mut CallContext) -> Result<Arc<dyn FleetReader>, CapError> {
    require(ctx, Capability::FleetRead, ctx.settings.grants.fleet_read)?;
    ctx.services
        .fleet
        .clone()
        .ok_or_else(|| unavailable("the fleet"))
}

pub(crate) fn fleet_list(ctx: &mut CallContext) -> Result<Vec<HostSummary>, CapError> {
    fleet(ctx)?.list_hosts(&ctx.plugin_id).map_err(failed)
}

pub(crate) fn fleet_get(
    ctx: &mut CallContext,
    host_id: &str,
) -> Result<Option<HostSummary>, CapError> {
    fleet(ctx)?
        .get_host(&ctx.plugin_id, host_id)
        .map_err(failed)
}

pub(crate) fn fleet_stats(ctx: &mut CallContext) -> Result<FleetStats, CapError> {
    fleet(ctx)?.stats(&ctx.plugin_id).map_err(failed)
}

pub(crate) fn fleet_overview(ctx: &mut CallContext) -> Result<FleetOverview, CapError> {
    fleet(ctx)?.overview(&ctx.plugin_id).map_err(failed)
}

pub(crate) fn enroll(
    ctx: &mut CallContext,
    request: EnrollmentRequest,
) -> Result<Enrollment, CapError> {
    require(ctx, Capability::Enroll, ctx.settings.grants.enroll)?;
    let enroller = ctx
        .services
        .enroller
        .clone()
        .ok_or_else(|| unavailable("enrollment"))?;
    enroller.enroll(&ctx.plugin_id, request).map_err(failed)
}
