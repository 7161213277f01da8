//! The OpenAPI 3 document, generated from the route table at `/api/v1/openapi.json`.

use axum::Json;
use serde_json::{json, Map, Value};

use super::route::{get, Access, Route};
use crate::app;

/// A route's path as the document lists it: under `/api/v1`, with a catch-all `{*rest}` written
/// as the plain parameter `{rest}` (OpenAPI has no catch-all).
pub fn documented_path(path: &str) -> String {
    format!("/api/v1{}", path.replace("{*", "{"))
}

/// Builds the document; every route appears with its permission and rate-limit bucket.
pub fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    let mut schemas: Map<String, Value> = Map::new();
    for route in app::routes() {
        let security = match route.access {
            Access::Public => json!([]),
            // Both headers together: one security requirement naming the pair.
            Access::Agent | Access::AgentCheckIn => json!([{"agentApiId": [], "agentApiKey": []}]),
            Access::ApiCredential(..) => json!([{"basicAuth": []}]),
            Access::EnrollmentToken => {
                json!([{"enrollmentKey": [], "enrollmentSecret": []}])
            }
            _ => json!([{"bearerAuth": []}, {"cookieAuth": []}]),
        };
        let permission = match route.access {
            Access::Public => "public".to_string(),
            Access::User => "any signed-in user".to_string(),
            Access::Permission(p) => p.as_str().to_string(),
            Access::Agent | Access::AgentCheckIn => "agent credentials".to_string(),
            Access::ApiCredential(kind, _) => format!("{} credential", kind.as_str()),
            Access::EnrollmentToken => "enrollment credential".to_string(),
        };
        // Untagged routes are grouped by their area (the first path segment).
        let tag = match route.tag {
            "" => route
                .path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or("api"),
            tag => tag,
        };
        let mut operation = json!({
            "summary": route.summary,
            "tags": [tag],
            "security": security,
            "x-permission": permission,
            "x-rate-limit-bucket": route.bucket.name(),
            "responses": {
                "200": {"description": "Success", "content": {"application/json": {}}},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "429": {"description": "Rate limited"},
            },
        });
        let mut params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            // `{*rest}` captures the remaining segments; OpenAPI knows it as a plain parameter.
            .map(|name| json!({"name": name.trim_start_matches('*'), "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        params.extend(route.query.iter().map(|(name, description)| {
            json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string"}})
        }));
        if !params.is_empty() {
            operation["parameters"] = Value::Array(params);
        }
        if let Access::ApiCredential(_, Some(scope)) = route.access {
            operation["x-scope"] = json!(scope.to_string());
        }
        if let Some(schema_fn) = route.request_body {
            let root = schema_fn();
            let name = root
                .schema
                .metadata
                .as_ref()
                .and_then(|m| m.title.clone())
                .unwrap_or_else(|| "Body".into());
            for (def, schema) in root.definitions {
                schemas.insert(def, serde_json::to_value(schema).unwrap_or_default());
            }
            schemas.insert(
                name.clone(),
                serde_json::to_value(root.schema).unwrap_or_default(),
            );
            operation["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}},
            });
        }
        let entry = paths
            .entry(documented_path(route.path))
            .or_insert_with(|| json!({}));
        entry[route.method.as_str().to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "PatchMon-RS API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Wire-compatible with PatchMon v2. Every operation lists the permission it requires in x-permission (for integration routes, the credential type) and, for scoped API routes, the scope in x-scope.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "token"},
                "agentApiId": {"type": "apiKey", "in": "header", "name": "X-API-ID", "description": "Host API id (patchmon_ + 16 hex)"},
                "agentApiKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY", "description": "Host API key (64 hex), shown once at host creation"},
                "basicAuth": {"type": "http", "scheme": "basic", "description": "Integration credential: token_key as the user name, token_secret as the password (RFC 7617). x-permission names the credential type; x-scope the resource:action an api credential must hold"},
                "enrollmentKey": {"type": "apiKey", "in": "header", "name": "X-Auto-Enrollment-Key", "description": "Enrollment credential key (patchmon_ae_ + 32 hex)"},
                "enrollmentSecret": {"type": "apiKey", "in": "header", "name": "X-Auto-Enrollment-Secret", "description": "Enrollment credential secret, shown once at creation"},
            },
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {"error": {"type": "string"}},
                        "required": ["error"],
                    }}},
                },
            },
        },
    })
}

async fn openapi_json() -> Json<Value> {
    Json(document())
}

pub fn routes() -> Vec<Route> {
    vec![get(
        "/openapi.json",
        Access::Public,
        "This OpenAPI document",
        openapi_json,
    )
    .tag("meta")]
}
